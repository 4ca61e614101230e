import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Integration and e2e tests need a real Redis and a real PostgreSQL (`.ci/run` starts them).
 * Fail once, early and clearly, rather than in every test with a connection timeout.
 */
export default async function checkServices(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis does not answer at ${redisUrl} (set REDIS_URL): ${String(error)}`);
  } finally {
    redis.disconnect();
  }
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL does not answer at ${databaseUrl} (set DATABASE_URL): ${String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

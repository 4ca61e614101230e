import { EnvSchema } from '../config/env.js';
import { openSqlSession } from '../probes/postgres/run.js';
import type { SqlSession } from '../probes/postgres/session.js';
import type { KnobContext } from './knob.js';

/**
 * The SQL session a knob set uses on the platform's PostgreSQL: the same one the postgres probe opens
 * (`services.postgres.mode`: psql by exec in the pod, or a direct connection), so that a change and
 * its measurement see the same server the same way.
 *
 * @example const session = await openKnobSql(ctx); try { … } finally { await session.close(); }
 */
export function openKnobSql(ctx: KnobContext): Promise<SqlSession & { pod?: string }> {
  return openSqlSession({ platform: ctx.platform, kube: ctx.kube, env: ctx.env ?? EnvSchema.parse({}) });
}

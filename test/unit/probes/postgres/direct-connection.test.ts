import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../../../src/config/env.js';
import { PlatformConfigSchema } from '../../../../src/config/platform.js';
import { resolveDirectConnection, withDefaultUser } from '../../../../src/probes/postgres/direct.js';
import { aPod, createTestState, simKube } from './sim-state.js';

const secret = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'postgresql', namespace: 'kong' },
  data,
});

const cfgWithSecret = PlatformConfigSchema.parse({
  services: { postgres: { mode: 'direct', passwordSecret: { name: 'postgresql', key: 'password' } } },
}).services.postgres;

describe('resolveDirectConnection', () => {
  it('prefers PERFBOT_POSTGRES_URL', async () => {
    const { kube, calls } = simKube(createTestState(), {});
    const env = EnvSchema.parse({ PERFBOT_POSTGRES_URL: 'postgres://u:p@db:5432/kong' });
    expect(await resolveDirectConnection(env, cfgWithSecret, kube)).toEqual({
      connectionString: 'postgres://u:p@db:5432/kong',
    });
    expect(calls).toHaveLength(0);
  });

  it('reads the password from the Secret, base64-decoded', async () => {
    const state = createTestState([
      aPod('kong', 'x', {}),
      secret({ password: Buffer.from('s3cr&t é').toString('base64') }),
    ]);
    const { kube } = simKube(state, {});
    expect(await resolveDirectConnection(EnvSchema.parse({}), cfgWithSecret, kube)).toEqual({
      host: 'postgresql.kong.svc.cluster.local',
      port: 5432,
      database: 'kong',
      user: 'kong',
      password: 's3cr&t é',
    });
  });

  it('says which key is missing from the Secret, without any secret value', async () => {
    const { kube } = simKube(createTestState([secret({ other: 'eA==' })]), {});
    const error = await resolveDirectConnection(EnvSchema.parse({}), cfgWithSecret, kube).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'probe_failed' });
    expect((error as Error).message).toContain('has no key password');
  });

  it('connects without a password when no Secret is configured', async () => {
    const cfg = PlatformConfigSchema.parse({ services: { postgres: { mode: 'direct' } } }).services.postgres;
    const { kube } = simKube(createTestState(), {});
    expect(await resolveDirectConnection(EnvSchema.parse({}), cfg, kube)).not.toHaveProperty('password');
  });
});

describe('withDefaultUser', () => {
  it('adds the OS user to a URL without one, as libpq does, and leaves others alone', () => {
    expect(withDefaultUser('postgres://127.0.0.1:5432/test')).toMatch(
      /^postgres:\/\/[^@/]+@127\.0\.0\.1:5432\/test$/,
    );
    expect(withDefaultUser('postgres://kong@db/kong')).toBe('postgres://kong@db/kong');
    expect(withDefaultUser('host=db user=kong')).toBe('host=db user=kong');
  });
});

import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ExecRequest, ExecResult, KubePort } from '../../src/kube/port.js';
import { execSession } from '../../src/probes/postgres/exec.js';
import { parseAtOutput, parseSettings, parseSnapshot } from '../../src/probes/postgres/parse.js';
import { SETTINGS_SQL, SNAPSHOT_SQL } from '../../src/probes/postgres/queries.js';
import { measureQueryLatency } from '../../src/probes/postgres/session.js';

/**
 * The exec adapter's argv and parsing against the real psql and the real server: the "pod" is this
 * machine (the argument vector runs with execFile, no shell) and `-d` takes the URL as a conninfo.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

function localExec(request: ExecRequest): Promise<ExecResult> {
  const [program, ...args] = request.command;
  return new Promise((resolve) => {
    const child = execFile(program ?? '', args, { timeout: request.timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ stdout, stderr, exitCode: code });
    });
    child.stdin?.end(request.stdin ?? '');
  });
}

const kube = { exec: localExec } as Pick<KubePort, 'exec'> as KubePort;
const target = (database: string) => ({
  namespace: 'local',
  pod: 'localhost',
  container: 'psql',
  database,
  user: new URL(DATABASE_URL).username || userInfo().username,
  timeoutMs: 10_000,
});

describe('exec adapter with the real psql', () => {
  it('reads settings and a snapshot, and times queries with psql \\timing over stdin', async () => {
    const session = execSession(kube, target(DATABASE_URL));
    const { rows, raw } = await session.query(SETTINGS_SQL);
    expect(parseAtOutput(raw)).toEqual(rows);
    const settings = parseSettings(rows);
    if (!settings.ok) throw settings.error;
    expect(settings.value.map((s) => s.name)).toContain('shared_buffers');
    const snapshot = parseSnapshot((await session.query(SNAPSHOT_SQL)).rows);
    if (!snapshot.ok) throw snapshot.error;
    expect(snapshot.value.maxConnections).toBeGreaterThan(0);
    const latency = await measureQueryLatency(session, 40);
    expect(latency.method).toBe('psql_timing');
    expect(latency.durationsMs).toHaveLength(40);
    expect(latency.p50).toBeLessThanOrEqual(latency.p95);
    expect(latency.p95).toBeLessThanOrEqual(latency.p99);
  });

  it('turns psql exit 2 into a probe_failed error that names the cause', async () => {
    const url = new URL(DATABASE_URL);
    url.port = '1';
    const error = await execSession(kube, target(url.toString()))
      .query('SELECT 1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'probe_failed',
      context: { kind: 'unreachable', exitCode: 2, mode: 'exec' },
    });
  });
});

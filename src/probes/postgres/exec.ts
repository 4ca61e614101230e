import type { PlatformConfig } from '../../config/platform.js';
import type { ExecResult, KubePort } from '../../kube/port.js';
import { postgresFailure } from './failures.js';
import { FIELD_SEPARATOR, parseAtOutput, parsePsqlTimings } from './parse.js';
import type { SqlSession } from './session.js';

type PostgresConfig = PlatformConfig['services']['postgres'];

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  database: string;
  user: string;
  timeoutMs: number;
}

/**
 * psql's fixed flags: no psqlrc (a user's settings must not change the output), unaligned
 * tuples-only output with our separator, and stop at the first error so that the exit code tells.
 * Exit codes (psql(1)): 1 psql's own fatal error or a failed `-c` statement, 2 the connection
 * failed or broke, 3 a script statement failed under ON_ERROR_STOP.
 */
export function psqlArgv(target: Pick<ExecTarget, 'database' | 'user'>, input: string[]): string[] {
  return [
    'psql',
    '-X',
    '-At',
    '-F',
    FIELD_SEPARATOR,
    '--no-psqlrc',
    '-v',
    'ON_ERROR_STOP=1',
    '-d',
    target.database,
    '-U',
    target.user,
    ...input,
  ];
}

/**
 * The script for the timed queries, sent on stdin (`-f -`): `\timing on`, then the query `n` times.
 * psql times each query itself, from sending it to having its result, over the pod-local connection:
 * parse, plan, execute and the protocol round trip, as pgbench's latency does. Neither the exec
 * stream nor psql's start-up is in the figure. Sent on stdin because n statements as `-c` arguments
 * would make the exec URL grow with n. Needs stdin's end to reach psql, which the exec protocol
 * carries from v5.channel.k8s.io (Kubernetes 1.30 and later).
 */
export function timingScript(sql: string, n: number): string {
  return `\\timing on\n${`${sql};\n`.repeat(n)}`;
}

/** Finds a ready database pod by selector and returns a session that runs psql in it. */
export async function createExecSession(kube: KubePort, cfg: PostgresConfig): Promise<SqlSession> {
  const pod = await kube.findReadyPod(cfg.namespace, cfg.selector);
  return execSession(kube, {
    namespace: cfg.namespace,
    pod: pod.name,
    container: cfg.container,
    database: cfg.database,
    user: cfg.user,
    timeoutMs: cfg.timeoutSeconds * 1000,
  });
}

export function execSession(kube: KubePort, target: ExecTarget): SqlSession & { pod: string } {
  const run = async (step: string, input: string[], stdin?: string): Promise<ExecResult> => {
    const result = await kube.exec({
      namespace: target.namespace,
      pod: target.pod,
      container: target.container,
      command: psqlArgv(target, input),
      timeoutMs: target.timeoutMs,
      ...(stdin === undefined ? {} : { stdin }),
    });
    if (result.exitCode !== 0) {
      const detail = `${result.stderr}\n${result.stdout}`.trim() || `psql exited ${result.exitCode}`;
      throw postgresFailure(detail, { mode: 'exec', step, pod: target.pod, exitCode: result.exitCode });
    }
    return result;
  };
  return {
    mode: 'exec',
    pod: target.pod,
    async query(sql) {
      const { stdout } = await run('query', ['-c', sql]);
      return { rows: parseAtOutput(stdout), raw: stdout };
    },
    async timeRepeated(sql, n) {
      const { stdout } = await run('timed queries', ['-f', '-'], timingScript(sql, n));
      return { durationsMs: parsePsqlTimings(stdout), raw: stdout, method: 'psql_timing' };
    },
    close: async () => undefined,
  };
}

import type { SimProblems } from '../kube/problems.js';
import type { SandboxState, SimExecOutcome, SimTool } from '../types.js';
import { runStatements, type Session } from './psql-answers.js';
import { type PsqlArgs, parsePsqlArgv, splitScript } from './psql-args.js';
import { advance, type Counters, initialCounters } from './psql-model.js';
import { runningKnobs, serverIn } from './psql-server.js';

/**
 * Simulated `psql` for the PostgreSQL probe's exec mode. It answers the probe's exact statements
 * (probes/postgres/queries.ts) in `-At` form, with numbers driven by the `postgresql-configuration`
 * ConfigMap in `kong`: more shared_buffers → a higher cache hit ratio → lower latency and more TPS. Faults:
 * `postgres.down` (libpq's socket error, exit 2) and `postgres.auth` (password failure, exit 2).
 * The argv parsing, the knob model and the answers live in `psql-*.ts`.
 */
export { parsePsqlArgv } from './psql-args.js';
export {
  PG_CONFIGMAPS,
  PG_NAMESPACE,
  type PgKnobs,
  parsePgMemory,
  readPgKnobs,
  showMemory,
} from './psql-knobs.js';

/** Bitnami's images build libpq with the socket in /tmp. */
const SOCKET = '/tmp/.s.PGSQL.5432';

export interface PsqlToolOptions {
  /** Server time in ms; defaults to the sandbox store's clock when it has one, else Date.now. */
  now?: () => number;
}

/** @example createPsqlTools().psql?.(['psql', '-At', '-c', SNAPSHOT_SQL], ctx) */
export function createPsqlTools(options: PsqlToolOptions = {}): Record<string, SimTool> {
  const counters = new WeakMap<SandboxState, Counters>();
  const psql: SimTool = (argv, ctx) => {
    const { state } = ctx;
    const now = options.now ?? (state as { now?: () => number }).now ?? Date.now;
    const args = parsePsqlArgv(argv);
    const refused = connectionFailure(state, args);
    if (refused) return refused;
    if (!args.unaligned || !args.tuplesOnly)
      return failure('perfbot sandbox: psql is simulated for -At output only\n', 1);
    const server = serverIn(state, ctx.pod);
    const knobs = runningKnobs(state, server);
    const t = now();
    const current = advance(counters.get(state) ?? initialCounters(t), t, knobs, () => state.random());
    counters.set(state, current);
    const { problems } = state as { problems?: SimProblems };
    const session: Session = {
      args,
      knobs,
      counters: current,
      t,
      random: () => state.random(),
      timing: false,
      server,
      ...(problems ? { problems: problems.postgres } : {}),
    };
    const statements = args.fromStdin ? splitScript(ctx.stdin) : args.commands;
    return runStatements(session, statements);
  };
  return { psql };
}

export const psqlTools: Record<string, SimTool> = createPsqlTools();

/** The `postgres.down` and `postgres.auth` faults, in libpq's words. */
function connectionFailure(state: SandboxState, args: PsqlArgs): SimExecOutcome | undefined {
  if (state.faults.take('postgres.down') !== undefined) {
    return failure(
      `psql: error: connection to server on socket "${SOCKET}" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n`,
      2,
    );
  }
  if (state.faults.take('postgres.auth') !== undefined) {
    return failure(
      `psql: error: connection to server on socket "${SOCKET}" failed: FATAL:  password authentication failed for user "${args.user}"\n`,
      2,
    );
  }
  return undefined;
}

function failure(stderr: string, exitCode: number): SimExecOutcome {
  return { stdout: '', stderr, exitCode, durationMs: 5 };
}

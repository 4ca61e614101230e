import { Readable, Writable } from 'node:stream';
import type { Exec, V1Status } from '@kubernetes/client-node';
import { abortedError, PerfError } from '../errors.js';
import { toKubeError } from './errors.js';
import type { ExecRequest, ExecResult } from './port.js';

/** Collects what a stream writes (the client ends it when the status frame arrives). */
class Collector extends Writable {
  readonly #chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    callback();
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

interface Socket {
  close(): void;
  terminate?(): void;
  on?(event: 'close' | 'error', listener: (arg?: unknown) => void): unknown;
}

/**
 * Runs one command through `Exec.exec` (WebSocket, v5/v4 channel protocol). The exit code comes from the
 * `Status` on the error channel: Success → 0, NonZeroExitCode → its ExitCode cause. Any other failure
 * (the program is missing, the container is gone) is a `probe_failed` error with the runtime's message.
 */
export async function runExec(client: Exec, request: ExecRequest): Promise<ExecResult> {
  const stdout = new Collector();
  const stderr = new Collector();
  const where = `${request.namespace}/${request.pod}${request.container ? ` (${request.container})` : ''}`;
  const program = programOf(request.command);
  let socket: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let settled = false;
  const outcome = new Promise<V1Status>((resolve, reject) => {
    onAbort = () => {
      settled = true;
      if (socket?.terminate) socket.terminate();
      else socket?.close();
      reject(abortedError(request.signal as AbortSignal, `\`${program}\` ran in ${where}`));
    };
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => {
      settled = true;
      if (socket?.terminate) socket.terminate();
      else socket?.close();
      reject(
        new PerfError('timeout', `exec ${program} in ${where} timed out after ${request.timeoutMs} ms`, {
          userMessage: `\`${program}\` in ${where} did not finish within ${Math.round(request.timeoutMs / 1000)} s; perfbot stopped waiting (the command may still run in the pod).`,
          // Not retried: a second run could overlap the first, which may still be running in the pod.
          retryable: false,
          context: { pod: request.pod, namespace: request.namespace, timeoutMs: request.timeoutMs },
        }),
      );
    }, request.timeoutMs);
    const stdin = request.stdin === undefined ? null : Readable.from([Buffer.from(request.stdin, 'utf8')]);
    client
      .exec(
        request.namespace,
        request.pod,
        request.container ?? '',
        [...request.command],
        stdout,
        stderr,
        stdin,
        false,
        resolve,
      )
      .then((ws) => {
        socket = ws as unknown as Socket;
        // Aborted or timed out before the handshake finished: close the stream that arrived late.
        if (settled) {
          if (socket.terminate) socket.terminate();
          else socket.close();
          return;
        }
        socket.on?.('close', () =>
          reject(
            new PerfError('kube_api', `exec stream in ${where} closed before the command's status arrived`, {
              userMessage: `The connection to ${where} closed before \`${program}\` finished; it may still run in the pod.`,
              // Not retried: a second run could overlap the first, still running in the pod.
              retryable: false,
              context: { streamLost: true },
            }),
          ),
        );
      })
      .catch((error: unknown) => reject(toKubeError(unwrapEvent(error), `running ${program} in ${where}`)));
  });
  try {
    const status = await outcome;
    return {
      stdout: stdout.text(),
      stderr: stderr.text(),
      exitCode: exitCodeOf(status, program, where, stderr.text()),
    };
  } finally {
    clearTimeout(timer);
    if (onAbort) request.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The program a command runs, for messages: under a coreutils `timeout` wrapper
 * (`timeout [-k N] [-s SIG] [--foreground] DURATION PROGRAM …`, probes/deadline.ts) it is the program
 * wrapped, e.g. `kafka-producer-perf-test.sh`, not `timeout`.
 *
 * @example programOf(['timeout', '-k', '10', '590', 'kafka-producer-perf-test.sh']) // 'kafka-producer-perf-test.sh'
 */
export function programOf(command: readonly string[]): string {
  const first = command[0] ?? '';
  if (first !== 'timeout' && !first.endsWith('/timeout')) return first;
  let i = 1;
  while (command[i]?.startsWith('-')) {
    const option = command[i] as string;
    // `-k N` and `-s SIG` take a value (unless given as `-kN`, `--kill-after=N`).
    i += option === '-k' || option === '-s' || option === '--kill-after' || option === '--signal' ? 2 : 1;
  }
  return command[i + 1] ?? first;
}

/** ws rejects with an ErrorEvent whose `error` is the real Error. */
function unwrapEvent(error: unknown): unknown {
  const inner = (error as { error?: unknown } | null)?.error;
  return inner instanceof Error ? inner : error;
}

function exitCodeOf(status: V1Status, program: string, where: string, stderr: string): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause?.message !== undefined && /^\d+$/.test(cause.message)) {
    return Number(cause.message);
  }
  throw new PerfError(
    'probe_failed',
    `could not run ${program} in ${where}: ${status.message ?? status.reason}`,
    {
      userMessage: `Could not run \`${program}\` in ${where}: ${status.message ?? status.reason ?? 'unknown error'}`,
      context: {
        pod: where,
        reason: status.reason,
        lastLines: stderr.trimEnd().split('\n').slice(-5).join('\n'),
      },
    },
  );
}

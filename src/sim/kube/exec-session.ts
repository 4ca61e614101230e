import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { WebSocket } from 'ws';
import type { KubeObject } from '../../kube/port.js';
import type { SimExecOutcome, SimTool } from '../types.js';
import { SandboxFault } from './faults.js';
import type { SandboxStore } from './state.js';

/**
 * One `pods/exec` session once upgraded: stdin in, the simulated program run, stdout and stderr out in
 * chunks, then the status channel. Channels and protocols are described in `exec.ts`.
 */
const Channel = { stdin: 0, stdout: 1, stderr: 2, status: 3, close: 255 } as const;
/** The kubelet writes output in chunks; clients must reassemble frames, so the sandbox splits large output too. */
const CHUNK = 32 * 1024;

export interface ExecDeps {
  store: SandboxStore;
  tools: Readonly<Record<string, SimTool>>;
  /** Scales a tool's simulated `durationMs`; 0 answers at once. */
  speed: number;
}

export interface ExecTarget {
  namespace: string;
  pod: KubeObject;
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export async function runSession(ws: WebSocket, target: ExecTarget, deps: ExecDeps): Promise<void> {
  let closed = false;
  ws.on('close', () => {
    closed = true;
  });
  const stdin = target.stdin ? readStdin(ws) : Promise.resolve('');
  // The kubelet writes an empty frame on the lowest writable channel to tell the client the stream is up.
  send(ws, target.stdout ? Channel.stdout : target.stderr ? Channel.stderr : Channel.status, Buffer.alloc(0));
  const outcome = await run(target, await stdin, deps);
  const slow = deps.store.faults.take(SandboxFault.execSlow);
  const waitMs = (outcome.result?.durationMs ?? 0) * deps.speed + (slow?.delayMs ?? 0);
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  if (closed) return;
  if (outcome.result) {
    if (target.stdout) sendChunks(ws, Channel.stdout, outcome.result.stdout);
    if (target.stderr) sendChunks(ws, Channel.stderr, outcome.result.stderr);
  }
  const status = outcome.status ?? exitStatus(target.command, outcome.result?.exitCode ?? 0);
  if (ws.protocol === 'channel.k8s.io' || ws.protocol === '') {
    if (status.status !== 'Success') send(ws, Channel.status, Buffer.from(String(status.message)));
  } else send(ws, Channel.status, Buffer.from(JSON.stringify(status)));
  ws.close(1000);
}

/** Collects stdin until the v5 close frame [255, 0] or the end of the socket. */
function readStdin(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const finish = () => resolve(Buffer.concat(chunks).toString('utf8'));
    ws.on('message', (data: Buffer, isBinary) => {
      const frame = isBinary ? data : Buffer.from(data.toString(), 'utf8');
      if (frame[0] === Channel.stdin) chunks.push(frame.subarray(1));
      else if (frame[0] === Channel.close && frame[1] === Channel.stdin) finish();
    });
    ws.on('close', finish);
  });
}

async function run(
  target: ExecTarget,
  stdin: string,
  deps: ExecDeps,
): Promise<{ result?: SimExecOutcome; status?: Record<string, unknown> }> {
  const program = target.command[0] ?? '';
  const tool = deps.tools[posix.basename(program)];
  if (!tool) return { status: runtimeFailure(notFoundText(program)) };
  try {
    const ctx = {
      state: deps.store,
      namespace: target.namespace,
      pod: target.pod,
      container: target.container,
      stdin,
      // Lets a program run another one (`timeout`: tools/timeout.ts's DispatchContext).
      tools: deps.tools,
    };
    return { result: await tool(target.command, ctx) };
  } catch (error) {
    return {
      status: runtimeFailure(
        `simulated ${program} crashed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    };
  }
}

/** What runc reports for a program that is not in the image (containerd's wording). */
function notFoundText(program: string): string {
  const reason = program.includes('/')
    ? `exec: "${program}": stat ${program}: no such file or directory`
    : `exec: "${program}": executable file not found in $PATH`;
  return `OCI runtime exec failed: exec failed: unable to start container process: ${reason}: unknown`;
}

/** apierrors.NewInternalError around the runtime's error, as the kubelet sends it on the status channel. */
function runtimeFailure(text: string): Record<string, unknown> {
  const cause = `error executing command in container: failed to exec in container: failed to start exec "${randomBytes(32).toString('hex')}": ${text}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${cause}`,
    reason: 'InternalError',
    details: { causes: [{ message: cause }] },
    code: 500,
  };
}

/** The kubelet's status for a finished command: Success, or NonZeroExitCode with an ExitCode cause. */
export function exitStatus(command: readonly string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function send(ws: WebSocket, channel: number, data: Buffer): void {
  if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
}

function sendChunks(ws: WebSocket, channel: number, text: string): void {
  const data = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < data.length; offset += CHUNK)
    send(ws, channel, data.subarray(offset, offset + CHUNK));
}

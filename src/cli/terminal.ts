import type { CliIo } from './run-command.js';

/**
 * The terminal the CLI prints to. A reader that went away (`perfbot baseline trino | head -3`) closes
 * the pipe: the next write fails with EPIPE. That is no error of perfbot's: `gone` aborts, the run stops
 * (releasing its lock) and nothing more is written, so no stack trace reaches the screen.
 */
export function createTerminal(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): CliIo {
  const gone = new AbortController();
  const closed = new Set<NodeJS.WriteStream>();
  const watch = (stream: NodeJS.WriteStream) =>
    stream.on('error', (error: NodeJS.ErrnoException) => {
      closed.add(stream);
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') gone.abort();
    });
  watch(stdout);
  watch(stderr);
  const write = (stream: NodeJS.WriteStream) => (text: string) => {
    if (!closed.has(stream) && !stream.destroyed) stream.write(text);
  };
  return { out: write(stdout), err: write(stderr), gone: gone.signal };
}

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * The id a CLI run holds its locks under: `cli-<host>-<pid>-<random>`, so that `perfbot unlock` can
 * tell whether the process that took a lock is still alive (on this machine).
 *
 * @example cliJobId() // 'cli-buildbox-4242-1a2b3c4d'
 */
export function cliJobId(pid = process.pid, host = hostTag()): string {
  return `cli-${host}-${pid}-${randomUUID().slice(0, 8)}`;
}

const CLI_ID = /^cli-([A-Za-z0-9]+)-(\d+)-[0-9a-f]{8}$/;

/** A host name as it fits in a job id (letters and digits, at most 20). */
export function hostTag(name = hostname()): string {
  return name.replace(/[^A-Za-z0-9]/g, '').slice(0, 20) || 'host';
}

export type CliOwner =
  | { kind: 'alive' | 'gone'; pid: number }
  | { kind: 'elsewhere'; host: string }
  | { kind: 'unknown' };

/** Whether the CLI process behind an owner id still runs; `undefined` when it is not a CLI's id. */
export function cliOwnerState(owner: string, host = hostTag()): CliOwner | undefined {
  if (!owner.startsWith('cli-')) return undefined;
  const match = CLI_ID.exec(owner);
  if (!match) return { kind: 'unknown' };
  const [, ownerHost = '', pid = ''] = match;
  if (ownerHost !== host) return { kind: 'elsewhere', host: ownerHost };
  return { kind: processAlive(Number(pid)) ? 'alive' : 'gone', pid: Number(pid) };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

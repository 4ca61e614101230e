import { userInfo } from 'node:os';
import { ServiceNameSchema } from '../domain/services.js';
import type { HeldLock } from '../store/locks.js';
import type { Store } from '../store/port.js';
import { cliOwnerState } from './owner.js';
import type { CliIo } from './run-command.js';

/** What the lock commands need: the store, and the queue's view of a worker's job (with Redis only). */
export interface LockTools {
  store: Store;
  /** A BullMQ job's state (`active`, `completed`, …), undefined when the queue has no such job. */
  jobState?: (jobId: string) => Promise<string | undefined>;
  now: () => number;
}

interface Activity {
  active: boolean;
  /** Says why, e.g. "its CLI process 4242 is gone". */
  why: string;
}

/** Is the owner of a lock still at work? A CLI's process on this machine, or a worker's job in the queue. */
async function activityOf(owner: string, tools: LockTools): Promise<Activity> {
  const cli = cliOwnerState(owner);
  if (cli?.kind === 'alive') return { active: true, why: `its CLI process ${cli.pid} is running` };
  if (cli?.kind === 'gone') return { active: false, why: `its CLI process ${cli.pid} is gone` };
  if (cli?.kind === 'elsewhere')
    return { active: true, why: `a CLI on host ${cli.host} holds it: unlock it there` };
  if (cli?.kind === 'unknown')
    return { active: false, why: 'an older CLI id, whose process cannot be running' };
  if (tools.jobState === undefined) {
    return { active: true, why: `the job ${owner} cannot be checked without Redis (REDIS_URL)` };
  }
  const state = await tools.jobState(owner);
  if (state === 'active') return { active: true, why: `job ${owner} is active on a worker` };
  return { active: false, why: `job ${owner} is ${state ?? 'no longer in the queue'}` };
}

const until = (lock: HeldLock, now: number) =>
  `until ${new Date(lock.expiresAt).toISOString().slice(11, 19)} UTC (in ${Math.max(1, Math.round((lock.expiresAt - now) / 1000))} s)`;

/** `perfbot status`: the locks held now, their owners, until when, and whether their owner is gone. */
export async function showLocks(tools: LockTools, io: CliIo): Promise<number> {
  const locks = await tools.store.locks.list();
  const where = tools.store.describe();
  if (locks.length === 0) {
    io.out(`No locks are held (${where}).\n`);
  } else {
    io.out(`Locks held (${where}):\n`);
    for (const lock of locks) {
      const { active, why } = await activityOf(lock.owner, tools);
      const hint = active ? '' : `: \`perfbot unlock ${lock.service}\` frees it`;
      io.out(`  ${lock.service}  ${lock.scope}  ${lock.owner}  ${until(lock, tools.now())}  ${why}${hint}\n`);
    }
  }
  io.out("Jobs of perfbot's workers: /perf status in Slack.\n");
  return 0;
}

/**
 * `perfbot unlock <service>`: releases the service's locks whose owner is gone (a CLI process that
 * ended, a worker's job no longer active), each one audited; refuses while an owner is at work.
 */
export async function unlockService(text: string, tools: LockTools, io: CliIo): Promise<number> {
  const service = ServiceNameSchema.safeParse(text.trim().toLowerCase());
  if (!service.success) {
    io.err(`usage: perfbot unlock <${ServiceNameSchema.options.join('|')}>\n`);
    return 2;
  }
  const held = (await tools.store.locks.list()).filter((l) => l.service === service.data);
  if (held.length === 0) {
    io.out(`No lock is held on ${service.data}.\n`);
    return 0;
  }
  const actor = userInfo().username;
  let refused = false;
  for (const lock of held) {
    const { active, why } = await activityOf(lock.owner, tools);
    const detail = { service: lock.service, scope: lock.scope, owner: lock.owner, why };
    await tools.store.audit.append({ actor, action: 'unlock', outcome: active ? 'refused' : 'ok', detail });
    if (active) {
      refused = true;
      io.err(`Not released: the ${lock.scope} lock on ${lock.service} (${lock.owner}): ${why}.\n`);
      continue;
    }
    await tools.store.locks.releaseOwner(lock.scope, lock.service, lock.owner);
    io.out(`Released the ${lock.scope} lock on ${lock.service} held by ${lock.owner} (${why}).\n`);
  }
  return refused ? 1 : 0;
}

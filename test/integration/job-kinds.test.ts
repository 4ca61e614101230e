import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/grammar.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import { serviceOf } from '../../src/domain/services.js';
import { createBullDispatcher } from '../../src/jobs/bullmq-dispatcher.js';
import type { Origin } from '../../src/jobs/contracts.js';
import type { Dispatcher, QueuedCommand } from '../../src/jobs/dispatcher.js';
import { newJobId } from '../../src/jobs/dispatcher.js';
import { admitJob, JOB_KINDS, kindOfCommand, parseJob, titleOfCommand } from '../../src/jobs/kinds/index.js';
import { createQueues, type Queues } from '../../src/jobs/queues.js';
import { connectTestRedis, dropPrefix, uniquePrefix } from '../helpers/redis.js';

const platform = PlatformConfigSchema.parse({});
const origin: Origin = {
  userId: 'U0KINDS',
  source: 'slack',
  thread: { channel: 'C0KINDS', threadTs: '1.000001' },
  statusTs: '1.000001',
};

/** One command per kind, and the title its thread carries. */
const EXAMPLES: Record<string, { text: string; title: string }> = {
  baseline: { text: 'baseline kafka --runs 2', title: 'baseline kafka' },
  'baseline-all': { text: 'baseline all --runs 1', title: 'baseline all' },
  history: { text: 'history kafka --limit 5', title: 'history kafka' },
  tune: { text: 'tune dolphinscheduler jvm --dry-run', title: 'tune dolphinscheduler jvm (dry run)' },
  rollback: { text: 'rollback chg-1a2b3c4d', title: 'rollback chg-1a2b3c4d' },
  validate: { text: 'validate trino --runs 6', title: 'validate trino' },
  report: { text: 'report --since 30d', title: 'report --since 30d' },
  bottlenecks: { text: 'bottlenecks postgres', title: 'bottlenecks postgres' },
  // Not typed by anyone: the last Approve click queues it.
  'change-apply': { text: 'change-apply chg-1a2b3c4d', title: 'apply chg-1a2b3c4d' },
};

const JOB_COMMANDS: ReadonlySet<string> = new Set([
  'baseline',
  'history',
  'tune',
  'rollback',
  'validate',
  'report',
  'bottlenecks',
]);

const commandOf = (text: string): QueuedCommand => {
  const apply = /^change-apply (chg-[0-9a-f]{8})$/.exec(text);
  if (apply?.[1]) return { kind: 'change-apply', changeId: apply[1] };
  const parsed = parseCommand(text);
  if (!parsed.ok || !JOB_COMMANDS.has(parsed.value.kind)) throw new Error(`not a job command: ${text}`);
  return parsed.value as QueuedCommand;
};

const redis = connectTestRedis();
const prefix = uniquePrefix('kinds');
let queues: Queues;
let dispatcher: Dispatcher;
beforeAll(() => {
  queues = createQueues(redis, `${prefix}:bull`);
  dispatcher = createBullDispatcher({
    queues,
    publisher: redis,
    cancelChannel: `${prefix}:cancel`,
    jobs: platform.jobs,
    flagCancelled: async () => undefined,
  });
});
afterAll(async () => {
  await queues.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('the job kinds registry', () => {
  it('lists every kind once, each with an example command', () => {
    const names = JOB_KINDS.map((k) => k.name);
    expect(names).toEqual([
      'baseline',
      'baseline-all',
      'history',
      'tune',
      'rollback',
      'change-apply',
      'validate',
      'report',
      'bottlenecks',
    ]);
    expect(Object.keys(EXAMPLES).sort()).toEqual([...names].sort());
  });

  it.each(JOB_KINDS.map((k) => [k.name, k] as const))(
    'the dispatcher queues %s, the worker parses and admits what it queued, the CLI titles it',
    async (name) => {
      const example = EXAMPLES[name];
      if (!example) throw new Error(`no example for ${name}`);
      const command = commandOf(example.text);
      // The CLI: the title before any payload exists, then the payload it runs.
      expect(titleOfCommand(command)).toBe(example.title);
      const local = kindOfCommand(command, { origin, requestedAt: new Date().toISOString() });
      expect(local.kind.name).toBe(name);
      expect(admitJob(local, platform)).toBeUndefined();
      // The dispatcher, over real BullMQ.
      // The one shape a job id has (what the dispatcher mints: `<command>-<8 hex>`).
      const jobId = newJobId(command);
      await dispatcher.enqueue(command, origin, jobId);
      const job = await queues.queue.getJob(jobId);
      expect(job?.name).toBe(name);
      expect((await dispatcher.get(jobId))?.summary).toBe(example.title);
      // The worker: the stored data parses with the kind's schema, once, and passes the current config.
      const parsed = parseJob(job?.name ?? '', job?.data);
      if (!parsed.ok) throw parsed.error;
      expect(parsed.kind).toBe(local.kind);
      expect(parsed.title).toBe(example.title);
      expect(admitJob(parsed, platform)).toBeUndefined();
    },
  );

  it('queues a flow parent over its first stage, ids <parent>-<service>: the services measured apart', async () => {
    await dispatcher.enqueue(commandOf('baseline all'), origin, 'all-flowids');
    const children = platform.jobs.groups.flat();
    for (const service of children) {
      const child = await queues.queue.getJob(`all-flowids-${service}`);
      // The others are queued by the parent itself once the first stage has ended (the worker's `awaitStage`).
      if (serviceOf(service).measuredApart !== true) {
        expect(child, service).toBeUndefined();
        continue;
      }
      expect(child?.name).toBe('baseline');
      const parsed = parseJob(child?.name ?? '', child?.data);
      expect(parsed.ok && parsed.title).toBe(`baseline ${service}`);
    }
  });

  it('queues the apply of a change once, however often it is asked (its job id is the change id)', async () => {
    const command: QueuedCommand = { kind: 'change-apply', changeId: 'chg-0badc0de' };
    const jobId = newJobId(command);
    expect(jobId).toBe('apply-0badc0de');
    await Promise.all([1, 2, 3].map(() => dispatcher.enqueue(command, origin, newJobId(command))));
    const jobs = await queues.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    expect(jobs.filter((j) => j.name === 'change-apply' && j.data.changeId === 'chg-0badc0de')).toHaveLength(
      1,
    );
  });

  it('leaves no switch on job names and no cast of job.data in the worker, dispatcher or CLI', () => {
    for (const file of ['src/jobs/worker.ts', 'src/jobs/bullmq-dispatcher.ts', 'src/cli/run-command.ts']) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).not.toMatch(/JobName\.|job\.data as|case 'baseline'|case 'history'/);
    }
  });
});

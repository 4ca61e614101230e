import { WebClient } from '@slack/web-api';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../src/jobs/contracts.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
let queue: Queue;
let events: QueueEvents;
let eventsConnection: Redis;
beforeAll(async () => {
  stack = await startStack({ yaml: FAST });
  const bull = { connection: stack.redis, prefix: `${stack.prefix}:bull` };
  queue = new Queue(QUEUE_NAME, bull);
  eventsConnection = stack.redis.duplicate();
  events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection, prefix: bull.prefix });
  await events.waitUntilReady();
});
afterAll(async () => {
  await events?.close();
  await eventsConnection?.quit();
  await queue?.close();
  await stack?.close();
});

/** A thread root in the Slack stand-in, as the bot would have posted it. */
async function rootIn(channel: string): Promise<string> {
  const slack = new WebClient(stack.slack.botToken, { slackApiUrl: stack.slack.apiUrl });
  const posted = await slack.chat.postMessage({ channel, text: 'baseline kafka: queued' });
  return posted.ts ?? '';
}

const execs = () => stack.platform.sandbox.requests.filter((r) => r.path.endsWith('/exec')).length;

describe('the worker re-validates every payload against the current config', () => {
  it('refuses a job written straight into the queue over the Kafka load cap, touching no pod', async () => {
    const channel = 'C0RAWJOB';
    const ts = await rootIn(channel);
    const before = execs();
    // 50M records × 1 MiB: within the option bounds, far over services.kafka.maxBytesPerRun.
    await queue.add(
      'baseline',
      {
        service: 'kafka',
        options: { records: 50_000_000, recordSize: 1_048_576 },
        origin: { userId: 'U0RAW', source: 'slack', thread: { channel, threadTs: ts }, statusTs: ts },
        requestedAt: new Date().toISOString(),
      },
      { jobId: 'baseline-rawcap01', attempts: 3 },
    );
    const error = await stack.slack.waitFor(
      (s) => s.thread(channel, ts).replies.find((m) => /maxBytesPerRun/.test(JSON.stringify(m.blocks))),
      20_000,
    );
    expect(JSON.stringify(error.blocks)).toMatch(/Refused before touching the cluster/);
    // Final at once: failed after its first attempt, never retried.
    const job = await queue.getJob('baseline-rawcap01');
    await job?.waitUntilFinished(events).catch(() => undefined);
    expect(await job?.getState()).toBe('failed');
    expect((await queue.getJob('baseline-rawcap01'))?.attemptsMade).toBe(1);
    expect(execs()).toBe(before);
    expect(await stack.store.results.latest('kafka')).toBeUndefined();
  });

  it('refuses an option foreign to the service, and invalid data with a readable message', async () => {
    const channel = 'C0RAWOPT';
    const ts = await rootIn(channel);
    const origin = { userId: 'U0RAW', source: 'slack', thread: { channel, threadTs: ts }, statusTs: ts };
    const requestedAt = new Date().toISOString();
    await queue.add('baseline', { service: 'trino', options: { records: 5000 }, origin, requestedAt });
    await queue.add('baseline', { service: 'trino', options: { runs: 'many' }, origin, requestedAt });
    const replies = await stack.slack.waitFor((s) => {
      const r = s.thread(channel, ts).replies.map((m) => JSON.stringify(m.blocks));
      return r.length >= 2 ? r : undefined;
    }, 20_000);
    expect(replies.join('\n')).toMatch(/--records does not apply to trino/);
    const invalid = replies.find((r) => /not valid/.test(r)) ?? '';
    expect(invalid).toMatch(/options\.runs/);
    // zod's issue list as JSON never reaches the thread.
    expect(invalid).not.toMatch(/\\"code\\"|"code":/);
  });
});

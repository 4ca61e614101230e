import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName, serviceOf } from '../../src/domain/services.js';
import { JobName, QUEUE_NAME } from '../../src/jobs/contracts.js';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import type { ThreadView } from '../../src/sim/slack/server.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ yaml: FAST });
});
afterAll(async () => {
  await stack?.close();
});

/** Sends `/perf <text>` in a channel of its own and waits for the thread's final status. */
async function runInSlack(text: string, channel: string): Promise<ThreadView> {
  const reply = await sendSlashCommand(stack.events, stack.secret, { text, channel_id: channel });
  expect(reply.status).toBe(200);
  const root = await stack.slack.waitFor((s) => s.messagesIn(channel).find((m) => m.threadTs === undefined));
  return stack.slack.waitFor((s) => {
    const thread = s.thread(channel, root.ts);
    return /: (done|failed)/.test(thread.root?.text ?? '') ? thread : undefined;
  }, 45_000);
}

/** The promise: producer and consumer throughput, MB/s and latency are all drawn. */
const KAFKA_FAMILIES = ['throughput', 'bandwidth', 'latency'];

const cases: { service: ServiceName; headline: string; label: RegExp }[] = [
  { service: 'kafka', headline: 'producer.records_per_sec', label: /records\/s/ },
  { service: 'trino', headline: 'join.elapsed_ms', label: /join/i },
  { service: 'ray', headline: 'tiny_tasks_per_sec', label: /tasks\/s/ },
  { service: 'postgres', headline: 'query.p95_ms', label: /p95/ },
];

describe.each(cases)('/perf baseline $service on the simulated platform', ({ service, headline, label }) => {
  it('posts the summary and charts in the thread, from figures parsed out of the tool output, and stores them', async () => {
    const thread = await runInSlack(`baseline ${service} --runs 2`, `C0${service.toUpperCase()}`);
    expect(thread.root?.text).toMatch(/: done/);
    const summary = thread.replies.find((m) => m.text?.startsWith(`baseline ${service}:`));
    expect(summary?.text).toMatch(label);
    expect(thread.files.length).toBeGreaterThanOrEqual(1);
    expect(
      thread.files.every((f) => f.threadTs === thread.root?.ts && f.bytes && f.bytes.length > 1000),
    ).toBe(true);

    const stored = await stack.store.results.latest(service);
    expect(stored?.runs).toHaveLength(2);
    // One chart per chart family of the service's descriptor that has a measured metric, in its order.
    const measured = new Set(stored?.summary.filter((x) => x.n > 0).map((x) => x.key));
    const families = serviceOf(service).charts.filter((f) => f.metrics.some((k) => measured.has(k)));
    // A family whose values span more than a linear axis shows is drawn on a log axis, and says so.
    expect(thread.files.map((f) => f.title?.replace(/ \(log scale\)$/, ''))).toEqual(
      families.map((f) => `${service} baseline (simulated platform): ${f.title}`),
    );
    if (service === 'kafka')
      expect(families.map((f) => f.id)).toEqual(expect.arrayContaining(KAFKA_FAMILIES));
    for (const run of stored?.runs ?? []) {
      expect(run.samples[headline]).toBeGreaterThan(0);
      expect(run.raw.length).toBeGreaterThan(0);
    }
    const s = stored?.summary.find((x) => x.key === headline);
    expect(s?.n).toBe(2);
    expect(s?.target).not.toBeNull();
    // Met when every run meets the target, missed when none does, inconclusive when they straddle it.
    const target = s?.target;
    const meets = (stored?.runs ?? []).map((r) => {
      const v = r.samples[headline] ?? Number.NaN;
      return target?.op === '>=' ? v >= target.value : v <= (target?.value ?? Number.NaN);
    });
    expect(s?.met).toBe(meets.every(Boolean) ? true : meets.some(Boolean) ? null : false);
  });
});

describe('/perf baseline kafka with unreachable brokers', () => {
  it('reports a typed error naming the cause in the thread, with the tool output, and the status as failed', async () => {
    stack.platform.sandbox.faults.set('kafka.unreachable');
    try {
      const thread = await runInSlack('baseline kafka --runs 1', 'C0KAFKADOWN');
      expect(thread.root?.text).toMatch(/: failed/);
      const error = thread.replies.map((m) => JSON.stringify(m.blocks) + (m.text ?? '')).join('\n');
      expect(error).toMatch(/broker|bootstrap|reach/i);
      expect(error).toMatch(/probe_failed|timeout/);
      expect(thread.files).toHaveLength(0);
    } finally {
      stack.platform.sandbox.faults.clear('kafka.unreachable');
    }
  });
});

describe('/perf baseline all with one child failing', () => {
  it('posts each child result and one overview; the failing service does not lose the others', async () => {
    stack.platform.sandbox.faults.set('trino.error', {
      errorName: 'CLUSTER_OUT_OF_MEMORY',
      message: 'sim: out of memory',
    });
    try {
      const thread = await runInSlack('baseline all --runs 1', 'C0ALL');
      expect(thread.root?.text).toMatch(/baseline all: done/);
      // Running from the first service on, not "queued" until the overview.
      expect(thread.root?.edits.some((v) => /baseline all: running/.test(v.text ?? ''))).toBe(true);
      const texts = thread.replies.map((m) => m.text ?? '');
      for (const service of ['kafka', 'ray', 'postgres', 'resources']) {
        expect(texts.some((t) => t.startsWith(`baseline ${service}:`) && /target/.test(t))).toBe(true);
      }
      const overview = thread.replies.find((m) => /all services|overview/i.test(JSON.stringify(m.blocks)));
      expect(JSON.stringify(overview?.blocks)).toMatch(/trino/);
      expect(JSON.stringify(overview?.blocks)).toMatch(/CLUSTER_OUT_OF_MEMORY|out of memory/);
      const statuses = thread.replies.filter((m) => /^baseline trino: failed/.test(m.text ?? ''));
      expect(statuses).toHaveLength(1);
    } finally {
      stack.platform.sandbox.faults.clear('trino.error');
    }
  }, 60_000);
});

describe('/perf baseline all through the bot and a worker', () => {
  it('measures resources before the other probes start, then the others side by side; one overview names every service', async () => {
    const thread = await runInSlack('baseline all --runs 1', 'C0STAGES');
    expect(thread.root?.text).toMatch(/baseline all: done/);
    const overviews = thread.replies.filter((m) => /all services|overview/i.test(JSON.stringify(m.blocks)));
    expect(overviews).toHaveLength(1);
    for (const service of SERVICE_NAMES) expect(JSON.stringify(overviews[0]?.blocks)).toContain(service);
    const latest = async (service: ServiceName) => {
      const result = await stack.store.results.latest(service);
      if (!result) throw new Error(`no ${service} result`);
      return { start: Date.parse(result.startedAt), end: Date.parse(result.finishedAt) };
    };
    const resources = await latest('resources');
    const others = await Promise.all(SERVICE_NAMES.filter((s) => s !== 'resources').map(latest));
    // Apart from their load: every other probe started after resources had finished…
    for (const other of others) expect(other.start).toBeGreaterThanOrEqual(resources.end);
    // …and side by side: each started before any of the others had finished.
    const firstEnd = Math.min(...others.map((o) => o.end));
    for (const other of others) expect(other.start).toBeLessThanOrEqual(firstEnd);
    // The others were queued once resources had measured, not once its result and charts were posted.
    const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `${stack.prefix}:bull` });
    try {
      const children = (await queue.getJobs(['completed'])).filter((j) => j.name === JobName.baseline);
      const child = (service: ServiceName) => children.find((j) => j.data.service === service);
      const apart = child('resources');
      expect(apart?.finishedOn).toBeDefined();
      for (const service of SERVICE_NAMES.filter((s) => s !== 'resources')) {
        const queued = child(service)?.timestamp ?? Number.POSITIVE_INFINITY;
        expect(queued).toBeGreaterThanOrEqual(resources.end);
        expect(queued).toBeLessThan(apart?.finishedOn ?? 0);
      }
    } finally {
      await queue.close();
    }
  }, 60_000);
});

describe('/perf history', () => {
  it('shows the stored baselines of a service as a table and a trend chart', async () => {
    const thread = await runInSlack('history kafka', 'C0HISTORY');
    expect(thread.root?.text).toMatch(/history kafka: done/);
    const stored = await stack.store.results.history('kafka', 20);
    expect(stored.length).toBeGreaterThanOrEqual(1);
    const table = thread.replies.map((m) => JSON.stringify(m.blocks)).join('\n');
    expect(table).toMatch(new RegExp(`${stored.length} baseline`));
    expect(thread.files).toHaveLength(1);
  });
});

describe('a Slack failure after the measurement', () => {
  it('is retried without measuring again, and the thread still gets exactly one summary and one chart', async () => {
    stack.slack.failNext('files.getUploadURLExternal', 'internal_error', 1);
    const before = (await stack.store.results.history('resources', 100)).length;
    const thread = await runInSlack('baseline resources --runs 1', 'C0RETRY');
    expect(thread.root?.text).toMatch(/: done/);
    expect(thread.replies.filter((m) => m.text?.startsWith('baseline resources:'))).toHaveLength(1);
    expect(thread.files).toHaveLength(1);
    expect(thread.files[0]?.title).toBe(`${serviceOf('resources').charts[0]?.title} (simulated platform)`);
    // Measured once: one stored result for the job, though it ran twice.
    expect((await stack.store.results.history('resources', 100)).length).toBe(before + 1);
    expect(stack.slack.callsTo('files.getUploadURLExternal').some((c) => c.response.ok === false)).toBe(true);
  });
});

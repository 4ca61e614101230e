import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PerfError } from '../../src/errors.js';
import type { PodInfo } from '../../src/kube/port.js';
import { deployment } from '../helpers/change-plans.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * The adapter's events, pod logs and pod states through `@kubernetes/client-node` against the sandbox,
 * on a pod that crash-loops because the machine's real JVM refuses its JAVA_OPTS.
 */

let t: TestSandbox;
let crashing: PodInfo;
const NS = 'dolphinscheduler';
const SELECTOR = 'app.kubernetes.io/name=dolphinscheduler-api';

beforeAll(async () => {
  t = await startTestSandbox({ rolloutDelayMs: 40 });
  const patch = {
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'dolphinscheduler-api',
              env: [{ name: 'JAVA_OPTS', value: '-Xmx1g -XX:+PrintGCDateStamps' }],
            },
          ],
        },
      },
    },
  };
  await t.kube.patchObject(deployment(NS, 'dolphinscheduler-api'), patch, { type: 'strategic' });
  await vi.waitFor(
    async () => {
      const pod = (await t.kube.listPods(NS, SELECTOR)).find((p) => p.restarts >= 2);
      if (!pod) throw new Error('no pod restarted twice yet');
      crashing = pod;
    },
    { timeout: 15_000, interval: 20 },
  );
});
afterAll(() => t?.close());

describe('kube adapter: pod states, events and logs', () => {
  it("reports a crash-looping pod's restarts and waiting reason, and a healthy pod's none", async () => {
    expect(crashing).toMatchObject({ ready: false, waiting: 'CrashLoopBackOff' });
    const healthy = (await t.kube.listPods(NS, SELECTOR)).find((p) => p.name !== crashing.name);
    expect(healthy).toMatchObject({ ready: true, restarts: 0 });
    expect(healthy && 'waiting' in healthy).toBe(false);
  });

  it("lists one object's events by fieldSelector, or the namespace's", async () => {
    const events = await t.kube.listEvents(NS, crashing.name);
    expect(events).toEqual([
      {
        type: 'Warning',
        reason: 'BackOff',
        message: expect.stringContaining(
          `Back-off restarting failed container dolphinscheduler-api in pod ${crashing.name}`,
        ),
        object: `Pod/${crashing.name}`,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      },
    ]);
    expect(await t.kube.listEvents(NS, 'no-such-pod')).toEqual([]);
    expect((await t.kube.listEvents(NS)).map((e) => e.object)).toContain(`Pod/${crashing.name}`);
    expect(t.sandbox.requests.some((r) => r.query.includes('fieldSelector=involvedObject.name'))).toBe(true);
  });

  it("reads the crashed run's log, the JVM's own words, tail first", async () => {
    const log = await t.kube.podLogs({ namespace: NS, pod: crashing.name, tailLines: 10, previous: true });
    expect(log).toMatch(/^Unrecognized VM option 'PrintGCDateStamps'$/m);
    const last = await t.kube.podLogs({
      namespace: NS,
      pod: crashing.name,
      container: 'dolphinscheduler-api',
      tailLines: 1,
    });
    expect(last).toBe('Error: A fatal exception has occurred. Program will exit.\n');
  });

  it('maps a log the server refuses to a kube_api error naming the pod', async () => {
    const error = (await t.kube
      .podLogs({ namespace: NS, pod: crashing.name, container: 'sidecar', tailLines: 5 })
      .catch((e: unknown) => e)) as PerfError;
    expect(error).toBeInstanceOf(PerfError);
    expect(error.code).toBe('kube_api');
    expect(error.context.httpCode).toBe(400);
    expect(error.userMessage).toContain(crashing.name);
  });
});

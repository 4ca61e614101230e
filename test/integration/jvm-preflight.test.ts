import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitJvmOptions } from '../../src/changes/jvm/options.js';
import { preflightJvm, type RunJava } from '../../src/changes/jvm/preflight.js';
import { javaTools } from '../../src/sim/tools/java.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// The JVM's own answers (a real `java` run in the simulated DolphinScheduler API pod, through the
// real Kubernetes client's exec), not a copy of its messages.
let sb: TestSandbox;
let run: RunJava;
let dir: string;

beforeAll(async () => {
  sb = await startTestSandbox({ tools: javaTools });
  dir = await mkdtemp(join(tmpdir(), 'perfbot-jvm-'));
  const pod = await sb.kube.findReadyPod('dolphinscheduler', 'app.kubernetes.io/name=dolphinscheduler-api');
  run = (options) =>
    sb.kube.exec({
      namespace: pod.namespace,
      pod: pod.name,
      command: ['java', ...options, '-version'],
      timeoutMs: 30_000,
    });
});
afterAll(async () => {
  await sb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const options = (line: string) => {
  const split = splitJvmOptions(line);
  if (!split.ok) throw split.error;
  return split.value;
};

describe('the JVM preflight, against a real JVM', () => {
  it("refuses the runbook's DolphinScheduler JAVA_OPTS, naming all three options the JVM refuses", async () => {
    const runbook = options(
      `-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:G1NewCollectionPercentage=30 ` +
        `-XX:G1MaxNewGenPercent=40 -XX:+PrintGCDetails -XX:+PrintGCDateStamps -Xloggc:${dir}/gc.log`,
    );
    const verdict = await preflightJvm(run, runbook);
    expect(verdict.accepted).toBe(false);
    expect(verdict.version).toMatch(/version "\d+/);
    expect(verdict.refusals.map((r) => r.option)).toEqual([
      '-XX:G1NewCollectionPercentage=30',
      '-XX:G1MaxNewGenPercent=40',
      '-XX:+PrintGCDateStamps',
    ]);
    for (const r of verdict.refusals) expect(r.reason).toMatch(/Unrecognized VM option/);
    // The JVM's own correction, with the value kept, and the unlock the JVM then asks for.
    expect(verdict.refusals[1]?.suggestion).toBe(
      '-XX:+UnlockExperimentalVMOptions -XX:G1MaxNewSizePercent=40',
    );
    // Refused without a "did you mean": the successor, offered only once this JVM accepts it.
    expect(verdict.refusals[0]?.suggestion).toBe('-XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=30');
    expect(verdict.refusals[2]?.suggestion).toBe('-Xlog:gc*:stdout:time,uptime');
    // Deprecated, not refused: the JVM says what it does instead.
    expect(verdict.warnings.join('\n')).toMatch(/PrintGCDetails is deprecated/);
    expect(verdict.warnings.join('\n')).toMatch(/Xloggc is deprecated/);
  });

  it('accepts the corrected line', async () => {
    const corrected = options(
      `-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:+UnlockExperimentalVMOptions ` +
        `-XX:G1NewSizePercent=30 -XX:G1MaxNewSizePercent=40 -Xlog:gc*:file=${dir}/gc.log`,
    );
    const verdict = await preflightJvm(run, corrected);
    expect(verdict).toMatchObject({ accepted: true, refusals: [] });
  });

  it('says how to unlock an experimental option', async () => {
    const verdict = await preflightJvm(run, options('-XX:G1NewSizePercent=30'));
    expect(verdict.refusals[0]?.reason).toMatch(/experimental and must be enabled/);
    expect(verdict.refusals[0]?.suggestion).toBe('-XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=30');
  });

  it('gives the whole line’s reason when every option alone is fine (two collectors)', async () => {
    const verdict = await preflightJvm(run, options('-XX:+UseG1GC -XX:+UseParallelGC'));
    expect(verdict.accepted).toBe(false);
    expect(verdict.refusals).toEqual([
      {
        option: '-XX:+UseG1GC -XX:+UseParallelGC',
        reason: expect.stringMatching(/Multiple garbage collectors/),
      },
    ]);
  });

  it('reports an out-of-range value in the JVM’s words', async () => {
    const verdict = await preflightJvm(run, options('-XX:MaxGCPauseMillis=0'));
    expect(verdict.refusals[0]?.reason).toMatch(/MaxGCPauseMillis=0 is outside the allowed range/);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRayBench, parseRayInfo } from '../../../../src/probes/ray/parse.js';
import { loadRayBenchScript, rayBenchArgv } from '../../../../src/probes/ray/run.js';

// A stand-in for the `ray` package (not installed here): remote functions run at once, in-process.
// It lets the script's own logic (argv, timing, resource filtering, the JSON line) run for real.
const FAKE_RAY = `
__version__ = "2.9.3"
calls = []
def init(address=None, **kwargs):
    calls.append(("init", address))
def shutdown():
    pass
class _Remote:
    def __init__(self, fn):
        self.fn = fn
    def remote(self, *args):
        return self.fn(*args)
def remote(fn=None, **options):
    # @ray.remote and @ray.remote(num_cpus=0) both; the options are printed on stderr for the test.
    if fn is None:
        def wrap(f):
            import sys
            print("declared", f.__name__, sorted(options.items()), file=sys.stderr)
            return _Remote(f)
        return wrap
    return _Remote(fn)
def get(refs):
    return list(refs)
def cluster_resources():
    return {"CPU": 8.0, "memory": 12884901888.0, "object_store_memory": 4e9, "node:10.244.0.12": 1.0}
def nodes():
    return [{"Alive": True}, {"Alive": True}, {"Alive": False}]
`;

const dir = mkdtempSync(join(tmpdir(), 'perfbot-fake-ray-'));
writeFileSync(join(dir, 'ray.py'), FAKE_RAY);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runScript(args: string[]): string {
  const [python, ...rest] = args;
  return execFileSync(python ?? 'python3', rest, {
    env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('scripts/ray_bench.py', () => {
  it('compiles without Ray installed', async () => {
    const script = await loadRayBenchScript();
    expect(() =>
      execFileSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), "ray_bench.py", "exec")'], {
        input: script,
      }),
    ).not.toThrow();
  });

  it('prints one JSON line the probe parses, when run as the probe runs it', async () => {
    const script = await loadRayBenchScript();
    const stdout = runScript(rayBenchArgv({ python: 'python3' }, script, { tiny: 100, cpu: 3, io: 2 }));
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const result = parseRayBench(stdout);
    if (!result.ok) throw result.error;
    expect(result.value.nodes).toBe(2);
    expect(result.value.ray_version).toBe('2.9.3');
    expect(result.value.resources).toEqual({ CPU: 8, memory: 12884901888, object_store_memory: 4e9 });
    expect(result.value.tiny_tasks_per_sec).toBeGreaterThan(0);
    // Two 50 ms sleeps one after another in the stand-in: at most 20 tasks/s.
    expect(result.value.io_tasks_per_sec).toBeLessThanOrEqual(20);
  });

  it('declares the I/O tasks with no CPU, so that the figure counts waits and not CPU slots', async () => {
    const script = await loadRayBenchScript();
    const [python, ...rest] = rayBenchArgv({ python: 'python3' }, script, { tiny: 10, cpu: 1, io: 1 });
    const run = spawnSync(python ?? 'python3', rest, {
      env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("declared wait [('num_cpus', 0)]");
    // The CPU-bound tasks keep Ray's default: one CPU slot each.
    expect(run.stderr).not.toMatch(/declared spin/);
  });

  it('prints only the cluster facts with --info-only', async () => {
    const script = await loadRayBenchScript();
    const stdout = runScript(rayBenchArgv({ python: 'python3' }, script, 'info'));
    const info = parseRayInfo(stdout);
    if (!info.ok) throw info.error;
    expect(info.value.nodes).toBe(2);
    expect(parseRayBench(stdout).ok).toBe(false);
  });
});

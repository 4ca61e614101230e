import { z } from 'zod';
import { fail, ok, PerfError, type Result } from '../../errors.js';
import { lastLines as lastLinesOf } from '../output.js';

/** Pure: the JSON line of `scripts/ray_bench.py`, found among Ray's log lines and validated. */

/** Marks the benchmark script's text (its first line); the sandbox's python recognises it by this. */
export const RAY_BENCH_MARKER = 'perfbot-ray-bench';

const Rate = z.number().finite().min(0);

/** `ray.cluster_resources()`, filtered by the script: CPU and memory always, GPU when present. */
export const RayResourcesSchema = z
  .object({ CPU: z.number().min(0), memory: z.number().min(0), GPU: z.number().min(0).optional() })
  .catchall(z.number());

export const RayInfoSchema = z.object({
  resources: RayResourcesSchema,
  ray_version: z.string().min(1),
  nodes: z.number().int().min(0),
});
export type RayInfo = z.infer<typeof RayInfoSchema>;

/**
 * The benchmark's line, e.g.
 * `{"cpu_tasks_per_sec": 412.3, "io_tasks_per_sec": 230.1, "nodes": 3, "ray_version": "2.9.3",
 * "resources": {"CPU": 12.0, "memory": 3.2e10}, "tiny_tasks_per_sec": 2450.7}`
 */
export const RayBenchSchema = RayInfoSchema.extend({
  tiny_tasks_per_sec: Rate,
  cpu_tasks_per_sec: Rate,
  io_tasks_per_sec: Rate,
});
export type RayBench = z.infer<typeof RayBenchSchema>;

/** The last line of `stdout` that is a JSON object carrying `key`, parsed; undefined if none. */
function findJsonLine(stdout: string, key: string): Record<string, unknown> | undefined {
  const lines = stdout.split(/\r?\n/).reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value === 'object' && value !== null && key in value)
        return value as Record<string, unknown>;
    } catch {
      // A log line that merely looks like JSON: keep looking.
    }
  }
  return undefined;
}

function parseLine<T>(stdout: string, schema: z.ZodType<T>, key: string): Result<T> {
  const found = findJsonLine(stdout, key);
  if (found === undefined) {
    return fail(
      rayError(
        'no result line in the benchmark output',
        'The Ray benchmark printed no result line: it probably stopped early. Its last lines are below.',
        stdout,
      ),
    );
  }
  const parsed = schema.safeParse(found);
  if (!parsed.success) {
    const issues = z.prettifyError(parsed.error);
    return fail(
      rayError(
        `invalid result line: ${issues}`,
        `The Ray benchmark's result line is not what perfbot expects (${issues}). Is scripts/ray_bench.py the repo's version?`,
        stdout,
      ),
    );
  }
  return ok(parsed.data);
}

/** @example parseRayBench(stdout) // { ok: true, value: { tiny_tasks_per_sec: 2450.7, … } } */
export function parseRayBench(stdout: string): Result<RayBench> {
  return parseLine(stdout, RayBenchSchema, 'tiny_tasks_per_sec');
}

/** The `--info-only` line: cluster resources, Ray's version and the live node count. */
export function parseRayInfo(stdout: string): Result<RayInfo> {
  return parseLine(stdout, RayInfoSchema, 'ray_version');
}

function rayError(message: string, userMessage: string, stdout: string): PerfError {
  const lastLines = lastLinesOf(stdout, 5);
  return new PerfError('probe_failed', `ray benchmark: ${message}`, {
    userMessage: lastLines === '' ? userMessage : `${userMessage}\n${lastLines}`,
    context: { service: 'ray', step: 'parse', lastLines },
  });
}

import { PerfError } from '../../errors.js';
import type { ExecResult } from '../../kube/port.js';
import type { RedisConfigPort } from './cache.js';

/** Runs `redis-cli <args…>` somewhere (by exec in the Redis pod): an argument vector, never a shell. */
export type RunRedisCli = (args: readonly string[]) => Promise<ExecResult>;

/**
 * A `RedisConfigPort` over `redis-cli`. Its output without a terminal (redis-cli 7): a reply's
 * elements one a line (`CONFIG GET maxmemory` → `maxmemory\n536870912\n`), `OK`, or the error as Redis
 * wrote it (`ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - …`) with exit
 * status 0, so an error is known by its text, and passed on in Redis's own words.
 *
 * @example createRedisCliPort((args) => kube.exec({ namespace, pod, command: ['redis-cli', ...args], timeoutMs }))
 */
export function createRedisCliPort(run: RunRedisCli): RedisConfigPort {
  const call = async (args: readonly string[]): Promise<string> => {
    const result = await run(args);
    const out = result.stdout.trim();
    const error = /^(ERR|WRONGTYPE|NOAUTH|NOPERM|Could not connect|Error:)[^\n]*/m.exec(
      `${out}\n${result.stderr}`,
    );
    if (result.exitCode !== 0 || error) {
      const text = error?.[0] ?? (result.stderr.trim() || `redis-cli exited ${result.exitCode}`);
      throw new PerfError('usage', `redis-cli ${args.join(' ')}: ${text}`, {
        userMessage: `Redis refused \`${args.join(' ')}\`: ${text}`,
        context: { service: 'redis', step: args.slice(0, 2).join(' ') },
      });
    }
    return out;
  };
  return {
    async configGet(name) {
      const lines = (await call(['CONFIG', 'GET', name])).split('\n');
      return lines[0] === name ? lines[1] : undefined;
    },
    async configSet(name, value) {
      const out = await call(['CONFIG', 'SET', name, value]);
      if (out !== 'OK')
        throw new PerfError('usage', `redis-cli CONFIG SET ${name}: ${out}`, {
          userMessage: `Redis answered \`${out}\` to CONFIG SET ${name}`,
        });
    },
    async usedMemory() {
      return Number(/^used_memory:(\d+)/m.exec(await call(['INFO', 'memory']))?.[1] ?? 0);
    },
  };
}

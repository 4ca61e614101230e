import { MAXMEMORY_POLICIES, redisBytes } from '../../changes/redis/cache.js';
import { toBytes } from '../../kube/quantity.js';
import type { SimExecContext, SimExecOutcome, SimTool } from '../types.js';
import { configFiles, containerOf } from './builtin.js';

/**
 * `redis-cli` in a simulated Redis pod: `CONFIG GET`, `CONFIG SET` of the memory settings and
 * `INFO memory`, answered as redis-cli 7 prints them without a terminal (errors in Redis's own words
 * on stdout, exit status 0; tuning.md, "Redis"). The settings live per pod: a new pod (a restart)
 * starts again from its mounted redis.conf, so a live `CONFIG SET` that the ConfigMap does not carry
 * is lost, as on a real server.
 */
interface RedisSettings {
  maxmemory: number;
  'maxmemory-policy': string;
}

const IMMUTABLE = new Set([
  'daemonize',
  'port',
  'bind',
  'dir',
  'dbfilename',
  'logfile',
  'databases',
  'unixsocket',
]);
const done = (stdout: string): SimExecOutcome => ({ stdout, stderr: '', exitCode: 0 });
const error = (text: string) => done(`${text}\n\n`);

/** The pod's redis.conf as mounted (the ConfigMap), else Redis's defaults. */
function fromConfig(ctx: SimExecContext): RedisSettings {
  const file = [...configFiles(ctx)].find(([path]) => path.endsWith('/redis.conf'))?.[1] ?? '';
  const value = (name: string) => new RegExp(`^\\s*${name}\\s+(\\S+)`, 'm').exec(file)?.[1];
  return {
    maxmemory: redisBytes(value('maxmemory') ?? '0') ?? 0,
    'maxmemory-policy': value('maxmemory-policy') ?? 'noeviction',
  };
}

function configSet(s: RedisSettings, name: string, value: string): SimExecOutcome {
  const failed = (why: string) =>
    error(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
  if (name === 'maxmemory') {
    const bytes = redisBytes(value);
    if (bytes === undefined) return failed('argument must be a memory value');
    s.maxmemory = bytes;
    return done('OK\n');
  }
  if (name === 'maxmemory-policy') {
    const policy = value.toLowerCase();
    if (!(MAXMEMORY_POLICIES as readonly string[]).includes(policy))
      return failed(`argument(s) must be one of the following: ${ORDER.join(', ')}`);
    s['maxmemory-policy'] = policy;
    return done('OK\n');
  }
  if (IMMUTABLE.has(name)) return failed("can't set immutable config");
  return error(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
}

/** The order Redis 7 lists its policies in that error. */
const ORDER = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
];

/** What the server holds: 40% of the container's memory request (the sandbox's usage profile of redis). */
function usedMemory(ctx: SimExecContext): number {
  const request = (containerOf(ctx)?.resources as { requests?: { memory?: string } } | undefined)?.requests
    ?.memory;
  const bytes = request === undefined ? undefined : toBytes(request);
  return Math.round((bytes?.ok ? bytes.value : 256 * 1024 ** 2) * 0.4);
}

/** A fresh `redis-cli` with its own servers' settings (one sandbox's). */
export function createRedisCliTool(): SimTool {
  const servers = new Map<string, RedisSettings>();
  return (argv, ctx) => {
    const uid = String(ctx.pod.metadata.uid ?? ctx.pod.metadata.name);
    const s = servers.get(uid) ?? fromConfig(ctx);
    servers.set(uid, s);
    const [command, sub, ...rest] = argv.slice(1);
    if (command?.toUpperCase() === 'CONFIG' && sub?.toUpperCase() === 'GET' && rest.length === 1) {
      const name = rest[0] ?? '';
      return done(name in s ? `${name}\n${s[name as keyof RedisSettings]}\n` : '\n');
    }
    if (command?.toUpperCase() === 'CONFIG' && sub?.toUpperCase() === 'SET') {
      if (rest.length !== 2) return error("ERR wrong number of arguments for 'config|set' command");
      return configSet(s, rest[0] ?? '', rest[1] ?? '');
    }
    if (command?.toUpperCase() === 'INFO' && sub === 'memory' && rest.length === 0) {
      const used = usedMemory(ctx);
      return done(
        `# Memory\r\nused_memory:${used}\r\nmaxmemory:${s.maxmemory}\r\nmaxmemory_policy:${s['maxmemory-policy']}\r\n`,
      );
    }
    return {
      stdout: '',
      stderr: 'perfbot sandbox: redis-cli answers only CONFIG GET/SET and INFO memory\n',
      exitCode: 2,
    };
  };
}

/** The tools of a sandbox's Redis: `startSandbox({ tools: { ...redisTools() } })`. */
export const redisTools = (): Record<string, SimTool> => ({ 'redis-cli': createRedisCliTool() });

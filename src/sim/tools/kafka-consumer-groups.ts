import type { SimProblems } from '../kube/problems.js';
import type { SimExecOutcome, SimTool } from '../types.js';
import { parseJopt } from './kafka-args.js';
import { clusterOf } from './kafka-cluster.js';
import { KafkaFault, unreachableOutcome } from './kafka-faults.js';

/**
 * `kafka-consumer-groups.sh --bootstrap-server B --describe --all-groups` (ConsumerGroupCommand,
 * Kafka 3.x): for each group a blank line, the header, then one row per partition with its committed
 * offset, log end offset and lag, columns padded as the tool pads them.
 */
const SPEC = {
  'bootstrap-server': 1,
  'command-config': 1,
  describe: 0,
  list: 0,
  'all-groups': 0,
  group: 1,
  help: 0,
  version: 0,
} as const;

export const consumerGroups: SimTool = (argv, ctx) => {
  const parsed = parseJopt(argv.slice(1), SPEC);
  if (!parsed.ok) return usage(parsed.error);
  const args = parsed.value;
  const bootstrap = args.values.get('bootstrap-server');
  if (bootstrap === undefined) return usage('Missing required argument "[bootstrap-server]"');
  if (ctx.state.faults.take(KafkaFault.unreachable))
    return unreachableOutcome('AdminClient', bootstrap, '', clusterOf(ctx.state).nowMs);
  const groups = (ctx.state as { problems?: SimProblems }).problems?.kafka.groups ?? [];
  if (args.flags.has('list')) return done(groups.map((g) => g.group).join('\n'));
  if (!args.flags.has('describe'))
    return usage('Command must include exactly one action: --list, --describe, --delete, --reset-offsets');
  const wanted = args.values.get('group');
  if (!args.flags.has('all-groups') && wanted === undefined)
    return usage('Option [describe] takes one of these options: [all-groups], [group]');
  const chosen = groups.filter((g) => wanted === undefined || g.group === wanted);
  if (wanted !== undefined && chosen.length === 0)
    return done(`\nConsumer group '${wanted}' does not exist.`);
  const blocks = chosen.map((g) => {
    const rows = g.partitions.map((p, i) => {
      const client = `consumer-${g.group}-1`;
      return [
        g.group,
        g.topic,
        String(i),
        String(p.current),
        String(p.logEnd),
        String(p.logEnd - p.current),
        `${client}-5e9c3b1f-8f8e-4a8e-9a55-3c1f2d0a8b1${i}`,
        `/10.244.1.${37 + i}`,
        client,
      ];
    });
    const header = [
      'GROUP',
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'CONSUMER-ID',
      'HOST',
      'CLIENT-ID',
    ];
    const width = (c: number) => Math.max(...[header, ...rows].map((r) => (r[c] ?? '').length));
    const fixed: Record<number, number> = { 2: 10, 3: 15, 4: 15, 5: 15 };
    const line = (r: string[]) =>
      r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(fixed[c] ?? width(c)))).join(' ');
    return ['', line(header), ...rows.map(line)].join('\n');
  });
  return done(blocks.join('\n'));
};

function done(stdout: string): SimExecOutcome {
  return { stdout: stdout === '' ? '' : `${stdout}\n`, stderr: '', exitCode: 0, durationMs: 1800 };
}

function usage(message: string): SimExecOutcome {
  return {
    stdout: '',
    stderr: `${message}\nThis tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.\n`,
    exitCode: 1,
    durationMs: 600,
  };
}

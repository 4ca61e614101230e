import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCommand, helpText, parseCommand } from '../../../src/bot/grammar.js';
import { type Command, CommandSchema, NOT_YET_AVAILABLE } from '../../../src/commands/command.js';
import { BASELINE_OPTIONS } from '../../../src/commands/options.js';
import { SERVICE_NAMES } from '../../../src/domain/services.js';

const valid: [string, Command][] = [
  ['baseline kafka', { kind: 'baseline', target: 'kafka', options: {} }],
  ['baseline all', { kind: 'baseline', target: 'all', options: {} }],
  ['BASELINE Kafka --RUNS=3', { kind: 'baseline', target: 'kafka', options: { runs: 3 } }],
  [
    'baseline kafka --runs 3 --records 100000 --record-size 512 --throughput -1 --acks all',
    {
      kind: 'baseline',
      target: 'kafka',
      options: { runs: 3, records: 100_000, recordSize: 512, throughput: -1, acks: 'all' },
    },
  ],
  ['baseline postgres --queries=500', { kind: 'baseline', target: 'postgres', options: { queries: 500 } }],
  [
    'baseline kafka --records 1_000_000',
    { kind: 'baseline', target: 'kafka', options: { records: 1_000_000 } },
  ],
  ['  baseline   resources  ', { kind: 'baseline', target: 'resources', options: {} }],
  ['/perf baseline ray', { kind: 'baseline', target: 'ray', options: {} }],
  ['bottlenecks', { kind: 'bottlenecks' }],
  ['bottlenecks trino', { kind: 'bottlenecks', service: 'trino' }],
  ['tune trino jvm', { kind: 'tune', component: 'trino', knob: 'jvm', settings: {} }],
  [
    "tune trino jvm heap=8g 'opts=-XX:+UseG1GC -Xss2m'",
    { kind: 'tune', component: 'trino', knob: 'jvm', settings: { heap: '8g', opts: '-XX:+UseG1GC -Xss2m' } },
  ],
  [
    'tune dolphinscheduler jvm options="-Xmx2g -XX:+UseG1GC" --dry-run',
    {
      kind: 'tune',
      component: 'dolphinscheduler',
      knob: 'jvm',
      settings: { options: '-Xmx2g -XX:+UseG1GC' },
      dryRun: true,
    },
  ],
  [
    'tune redis cache maxmemory=512mb policy=allkeys-lru',
    {
      kind: 'tune',
      component: 'redis',
      knob: 'cache',
      settings: { maxmemory: '512mb', policy: 'allkeys-lru' },
    },
  ],
  [
    'tune superset cache --dry-run',
    { kind: 'tune', component: 'superset', knob: 'cache', settings: {}, dryRun: true },
  ],
  ['changes', { kind: 'changes' }],
  ['changes Redis', { kind: 'changes', component: 'redis' }],
  ['validate trino', { kind: 'validate', target: 'trino' }],
  ['validate all --runs 6', { kind: 'validate', target: 'all', runs: 6 }],
  [
    'validate kafka --against 20261201T170000000Z-kafka-ab12',
    { kind: 'validate', target: 'kafka', against: '20261201T170000000Z-kafka-ab12' },
  ],
  ['report', { kind: 'report' }],
  ['report --since 7d', { kind: 'report', sinceDays: 7 }],
  ['report --since=30', { kind: 'report', sinceDays: 30 }],
  ['history kafka', { kind: 'history', target: 'kafka' }],
  ['history postgres --limit 20', { kind: 'history', target: 'postgres', limit: 20 }],
  [
    'history trino join.elapsed_ms --limit 5',
    { kind: 'history', target: 'trino', metric: 'join.elapsed_ms', limit: 5 },
  ],
  ['status', { kind: 'status' }],
  ['status baseline-1a2b3c4d', { kind: 'status', jobId: 'baseline-1a2b3c4d' }],
  ['cancel all-1a2b3c4d', { kind: 'cancel', jobId: 'all-1a2b3c4d' }],
  ['status all-1a2b3c4d-kafka', { kind: 'status', jobId: 'all-1a2b3c4d-kafka' }],
  ['status cli-0f0f0f0f', { kind: 'status', jobId: 'cli-0f0f0f0f' }],
  ['rollback chg-42', { kind: 'rollback', changeId: 'chg-42' }],
  ['help', { kind: 'help' }],
  ['help Baseline', { kind: 'help', topic: 'baseline' }],
];

describe('parseCommand: valid commands', () => {
  it.each(valid)('parses %j', (text, expected) => {
    expect(parseCommand(text)).toEqual({ ok: true, value: expected });
  });

  it.each(valid)('formats %j back to text that parses to the same command', (text) => {
    const first = parseCommand(text);
    if (!first.ok) throw new Error(first.error.message);
    expect(parseCommand(formatCommand(first.value))).toEqual(first);
  });
});

// [text, what the message must say, the suggested command (or undefined)]
const invalid: [string, RegExp, string | undefined][] = [
  ['', /tell perfbot what to do/, undefined],
  ['/perf', /tell perfbot what to do/, undefined],
  ['baselin kafka', /`baselin` is not a perfbot command/, 'baseline kafka'],
  ['baselin kafak --run 20', /not a perfbot command/, 'baseline kafka --runs 10'],
  ['baseline ; rm -rf /', /no shell syntax/, undefined],
  ['baseline kafka | tee x', /no shell syntax/, undefined],
  ['baseline kafka && ls', /no shell syntax/, undefined],
  ['baseline kafka &amp;&amp; ls', /no shell syntax/, undefined],
  ['baseline kafka > /etc/passwd', /no shell syntax/, undefined],
  ['baseline $(whoami)', /no shell syntax/, undefined],
  ['baseline `id`', /no shell syntax/, undefined],
  ['baseline $HOME', /no shell syntax/, undefined],
  ['baseline kaf*', /no shell syntax/, undefined],
  ['baseline kafka # comment', /no shell syntax/, undefined],
  ['baseline kafka --runs 11', /`--runs` must be at most 10/, 'baseline kafka --runs 10'],
  ['baseline kafka --runs 0', /`--runs` must be at least 1/, 'baseline kafka --runs 1'],
  ['baseline kafka --runs=11', /at most 10/, 'baseline kafka --runs=10'],
  ['baseline kafka --acks 2', /`--acks 2` is not allowed: use one of 0, 1, all/, 'baseline kafka --acks 0'],
  ['baseline kafka --runs three', /expected a whole number/, undefined],
  ['baseline kafka --runs', /needs a value/, undefined],
  ['baseline kafka --run 3', /unknown option `--run`.*`--runs`/, 'baseline kafka --runs 3'],
  ['baseline kafka --colour red', /unknown option `--colour`/, undefined],
  ['baseline kafak', /`kafak` is not a baseline target/, 'baseline kafka'],
  ['baseline', /`baseline` needs one of kafka, trino, ray, postgres, resources, all/, undefined],
  ['baseline kafka trino', /unexpected `trino`/, undefined],
  ['bottlenecks trnio', /`trnio` is not a service/, 'bottlenecks trino'],
  ['tune trino', /needs a knob/, undefined],
  ['tune trino jvm heap', /`heap` is not a `key=value` setting/, undefined],
  ['validate trino --against bad!id', /--against`: a result id/, undefined],
  ['validate trino chg-42', /unexpected `chg-42`/, undefined],
  ['report --since 400d', /at most 365d/, 'report --since 365d'],
  ['report --since week', /expected days/, undefined],
  ['history kafka --limit 0', /at least 1/, 'history kafka --limit 1'],
  ['history', /needs a service/, undefined],
  ['cancel', /needs a job-id/, undefined],
  // BullMQ's own keys of the queue are no job ids (issue 18, item 9).
  ['status meta', /`meta` is not a valid job id: expected a job id such as `baseline-1a2b3c4d`/, undefined],
  ['status id', /`id` is not a valid job id/, undefined],
  ['cancel meta', /`meta` is not a valid job id/, undefined],
  ['cancel baseline-1a2b3c4d:lock', /not a valid job id/, undefined],
  ['rollback', /needs a change-id/, undefined],
  ['tune trino jvm --dry-run=yes', /`--dry-run` takes no value/, undefined],
  ['tune trino jvm --dry-run --dry-run', /`--dry-run` is given twice/, undefined],
  ['tune kafak jvm', /`kafak` is not a component: use one of .*dolphinscheduler/, 'tune kafka jvm'],
  ['baseline redis', /not a baseline target/, undefined],
  ['changes nosuch', /`nosuch` is not a component/, undefined],
  ['xyzzy', /`xyzzy` is not a perfbot command/, undefined],
  // A fix that would be refused in turn is no suggestion: follow it to one the grammar accepts.
  ['baseline trino --records 5', /`--records` must be at least 1000/, 'baseline trino'],
  ['baseline trino --records 5000', /does not apply to `baseline trino`/, 'baseline trino'],
  ['baseline resources --runs 3 --acks 0', /does not apply/, 'baseline resources --runs 3'],
  ['baselin trino --records 5 --runs 20', /not a perfbot command/, 'baseline trino --runs 10'],
];

describe('parseCommand: usage errors', () => {
  it.each(invalid)('refuses %j', (text, message, suggestion) => {
    const result = parseCommand(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(message);
    expect(result.error.suggestion).toBe(suggestion);
    expect(result.error.usage).toMatch(/^[a-z]/);
    expect(result.error.usage).not.toContain('/perf');
  });

  it('suggests commands that are themselves valid', () => {
    for (const [text, , suggestion] of invalid) {
      if (suggestion === undefined) continue;
      expect(parseCommand(suggestion).ok, `${text} → ${suggestion}`).toBe(true);
    }
  });

  it('shows the usage of the command when its arguments are wrong', () => {
    const result = parseCommand('history');
    expect(!result.ok && result.error.usage).toBe('history <service> [metric] [--limit N]');
  });
});

describe('helpText', () => {
  it('lists every command', () => {
    const text = helpText();
    for (const kind of [
      'baseline',
      'bottlenecks',
      'tune',
      'validate',
      'report',
      'history',
      'status',
      'cancel',
      'rollback',
      'changes',
      'help',
    ]) {
      expect(text).toContain(`/perf ${kind}`);
    }
  });

  it('marks which commands run today and which are not available yet', () => {
    const [today = '', later = ''] = helpText().split('Not available yet');
    for (const kind of [
      'baseline',
      'bottlenecks',
      'history',
      'report',
      'status',
      'cancel',
      'tune',
      'rollback',
      'changes',
      'help',
    ])
      expect(today).toContain(`/perf ${kind}`);
    for (const kind of NOT_YET_AVAILABLE) {
      expect(today).not.toContain(`/perf ${kind}`);
      expect(later).toContain(`/perf ${kind}`);
    }
    expect(helpText('bottlenecks')).not.toMatch(/Not available yet/);
    expect(helpText()).not.toMatch(/Not available yet/);
    expect(helpText('report')).not.toMatch(/Not available yet/);
    expect(helpText('tune')).not.toMatch(/Not available yet/);
  });

  it('speaks the CLI form to the terminal: `perfbot …`, no Slack marks', () => {
    const text = helpText(undefined, 'cli');
    expect(text).toContain('• perfbot baseline <');
    expect(text).not.toMatch(/\/perf|`/);
    expect(helpText('baseline', 'cli')).toMatch(
      /^perfbot baseline <[^\n]*\n[^\n]+\n• --runs N: measured runs/,
    );
  });

  it('details one command, and says when a topic is unknown', () => {
    expect(helpText('history')).toMatch(/^`\/perf history <service> \[metric\] \[--limit N\]`/);
    expect(helpText('frobnicate')).toMatch(/There is no command `frobnicate`/);
  });
});

const WORDS = [
  'baseline',
  'history',
  'status',
  'cancel',
  'tune',
  'help',
  'validate',
  'report',
  'bottlenecks',
  'rollback',
  ...SERVICE_NAMES,
  'all',
  '--runs',
  '--acks',
  '--since',
  '--limit',
  '--records=',
  '1',
  '0',
  '11',
  '7d',
  'all',
  'x=y',
  ';',
  '|',
  '$(',
  '`',
  '"',
  "'",
  '*',
  '#',
  '&amp;',
];

describe('parseCommand: properties', () => {
  it('never throws on arbitrary text, and every ok result satisfies CommandSchema', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parseCommand(text);
        if (result.ok) expect(CommandSchema.safeParse(result.value).success).toBe(true);
        else expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on token sequences; ok results re-validate and format back to themselves', () => {
    const token = fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 8 }), fc.integer().map(String));
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (tokens) => {
        const result = parseCommand(tokens.join(' '));
        if (!result.ok) return;
        expect(CommandSchema.parse(result.value)).toEqual(result.value);
        expect(parseCommand(formatCommand(result.value))).toEqual(result);
      }),
      { numRuns: 3000 },
    );
  });

  it('offers only suggestions that parse and are accepted (foreign options included)', () => {
    // Bad commands near valid ones: a kind or target misspelt, every option with any value, repeated or not.
    const typo = (w: string) =>
      fc.constantFrom(w, w.slice(1), `${w}x`, w.replace(/[aeiou]/, ''), `${w.slice(0, -1)}`);
    const flags = Object.values(BASELINE_OPTIONS).map((o) => o.flag);
    const option = fc
      .tuple(
        fc.constantFrom(...flags, 'run', 'limit', 'since', 'record'),
        fc.oneof(fc.integer(), fc.constantFrom('all', '2', '7d', '-1')),
      )
      .chain(([flag, value]) => fc.constantFrom(`--${flag} ${value}`, `--${flag}=${value}`));
    const command = fc
      .tuple(
        fc.constantFrom('baseline', 'history', 'report', 'bottlenecks', 'status', 'help').chain(typo),
        fc.constantFrom(...SERVICE_NAMES, 'all').chain(typo),
        fc.array(option, { maxLength: 4 }),
      )
      .map(([kind, target, options]) => [kind, target, ...options].join(' '));
    let offered = 0;
    fc.assert(
      fc.property(command, (text) => {
        const result = parseCommand(text);
        if (result.ok || result.error.suggestion === undefined) return;
        offered++;
        const again = parseCommand(result.error.suggestion);
        expect(again.ok, `${text} → ${result.error.suggestion}: ${again.ok ? '' : again.error.message}`).toBe(
          true,
        );
      }),
      { numRuns: 5000 },
    );
    expect(offered).toBeGreaterThan(500);
  });
});

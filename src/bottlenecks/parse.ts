import { heapBytes, splitJvmOptions } from '../changes/jvm/options.js';
import { fail, ok, PerfError, type Result } from '../errors.js';

/**
 * Pure parsers for what `/perf bottlenecks` reads as text (issue #17): the kubelet's cAdvisor
 * metrics (Prometheus text format 0.0.4), `ping`, `kafka-topics.sh --describe
 * --under-replicated-partitions`, `kafka-consumer-groups.sh --describe --all-groups`, and a JVM's
 * heap from its options.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

const bad = (line: number, why: string, text: string) =>
  fail(
    new PerfError('kube_api', `unreadable Prometheus text at line ${line}: ${why}: ${text.slice(0, 120)}`, {
      userMessage: `The kubelet's metrics could not be read (line ${line}: ${why}).`,
    }),
  );

/** A sample value as the text format writes it: a float, `+Inf`, `-Inf` or `NaN`. */
function sampleValue(text: string): number | undefined {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The Prometheus text exposition format, strictly: `# HELP`/`# TYPE` and other comments skipped,
 * every other line `name{label="value",…} value [timestamp]` with `\\`, `\"` and `\n` escapes in label
 * values. Only the samples of the `wanted` metric names are read (all when not given): a line of
 * theirs that does not follow the format is an error, never skipped; other metrics' lines are
 * skipped once their name is read.
 */
export function parsePrometheusText(text: string, wanted?: ReadonlySet<string>): Result<PromSample[]> {
  const out: PromSample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n += 1) {
    const raw = lines[n] ?? '';
    // Most lines of a kubelet's text are other metrics': told apart by their name before anything else.
    if (wanted && !wantedName(raw, wanted)) continue;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = METRIC.exec(line)?.[0];
    if (!name) return bad(n + 1, 'no metric name', line);
    if (wanted && !wanted.has(name)) continue;
    const labels: Record<string, string> = {};
    const end = line[name.length] === '{' ? readLabels(line, name.length + 1, labels) : name.length;
    if (typeof end === 'string') return bad(n + 1, end, line);
    const rest = line.slice(end).trim().split(/\s+/);
    const value = sampleValue(rest[0] ?? '');
    if (value === undefined || rest.length > 2 || (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])))
      return bad(n + 1, 'a value and an optional timestamp expected', line);
    out.push({ name, labels, value });
  }
  return ok(out);
}

/** Whether a line may be a sample of a wanted metric: its name (before `{` or a space) is one. */
function wantedName(line: string, wanted: ReadonlySet<string>): boolean {
  let start = 0;
  while (line[start] === ' ' || line[start] === '\t') start += 1;
  if (line[start] === '#' || start >= line.length) return false;
  let end = start;
  for (; end < line.length; end += 1) {
    const ch = line.charCodeAt(end);
    if (ch === 123 /* { */ || ch === 32 /* space */ || ch === 9 /* tab */) break;
  }
  return wanted.has(line.slice(start, end));
}

const LABEL_AT = /[a-zA-Z_][a-zA-Z0-9_]*/y;

/** The labels from `i` (just after `{`) to the closing `}`: the index after it, or what is wrong. */
function readLabels(line: string, from: number, labels: Record<string, string>): number | string {
  let i = from;
  for (;;) {
    while (line[i] === ' ') i += 1;
    if (line[i] === '}') return i + 1;
    LABEL_AT.lastIndex = i;
    const key = LABEL_AT.exec(line)?.[0];
    if (!key) return 'a label name expected';
    i += key.length;
    if (line[i] !== '=' || line[i + 1] !== '"') return `label ${key} has no quoted value`;
    i += 2;
    const value = readQuoted(line, i);
    if (typeof value === 'string') return `${value} in label ${key}`;
    labels[key] = value.text;
    i = value.end;
    while (line[i] === ' ') i += 1;
    if (line[i] === ',') i += 1;
    else if (line[i] !== '}') return `, or } expected after label ${key}`;
  }
}

/** A label value from `i` to its closing quote (`\\`, `\"` and `\n` unescaped): its text and the index after it. */
function readQuoted(line: string, i: number): { text: string; end: number } | string {
  let j = i;
  let escaped = false;
  for (;;) {
    const ch = line.charCodeAt(j);
    if (Number.isNaN(ch)) return 'not closed';
    if (ch === 34 /* " */) break;
    if (ch === 92 /* \ */) {
      escaped = true;
      j += 2;
    } else j += 1;
  }
  const body = line.slice(i, j);
  if (!escaped) return { text: body, end: j + 1 };
  let text = '';
  for (let k = 0; k < body.length; k += 1) {
    const ch = body[k];
    if (ch !== '\\') {
      text += ch;
      continue;
    }
    const next = body[k + 1];
    k += 1;
    if (next === 'n') text += '\n';
    else if (next === '\\' || next === '"') text += next;
    else return `bad escape \\${next ?? ''}`;
  }
  return { text, end: j + 1 };
}

const PERIODS = 'container_cpu_cfs_periods_total';
const THROTTLED = 'container_cpu_cfs_throttled_periods_total';

/**
 * Throttled and total CFS periods per container, keyed `namespace/pod/container`, from one node's
 * cAdvisor text. The pod cgroup's own series (`container=""`) and the pause container (`POD`) are
 * left out: they count the whole pod, not a container.
 */
export function parseThrottling(text: string): Result<Map<string, { throttled: number; periods: number }>> {
  const samples = parsePrometheusText(text, new Set([PERIODS, THROTTLED]));
  if (!samples.ok) return samples;
  const out = new Map<string, { throttled: number; periods: number }>();
  for (const s of samples.value) {
    const { namespace, pod, container } = s.labels;
    if (!namespace || !pod || !container || container === 'POD') continue;
    const key = `${namespace}/${pod}/${container}`;
    const entry = out.get(key) ?? { throttled: 0, periods: 0 };
    if (s.name === PERIODS) entry.periods = s.value;
    else entry.throttled = s.value;
    out.set(key, entry);
  }
  return ok(out);
}

/** The round trips `ping` printed (`time=0.081 ms`), in ms; an error when it printed none. */
export function parsePing(text: string): Result<number[]> {
  const rtts = [...text.matchAll(/\btime[=<]([\d.]+) ms\b/g)].map((m) => Number(m[1]));
  if (rtts.length === 0)
    return fail(
      new PerfError('probe_failed', `ping printed no round trip: ${text.slice(0, 200)}`, {
        userMessage: 'ping between the brokers got no answer.',
      }),
    );
  return ok(rtts);
}

/** `kafka-topics.sh --describe --under-replicated-partitions`: one line per partition, no header. */
export function parseUnderReplicated(text: string): Result<{ topic: string; partition: number }[]> {
  const out: { topic: string; partition: number }[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const m = /Topic:\s*(\S+)\s+Partition:\s*(\d+)\s/.exec(line);
    if (!m)
      return fail(
        new PerfError('probe_failed', `unexpected kafka-topics.sh line: ${line.slice(0, 200)}`, {
          userMessage:
            'kafka-topics.sh printed something perfbot cannot read as under-replicated partitions.',
        }),
      );
    out.push({ topic: m[1] ?? '', partition: Number(m[2]) });
  }
  return ok(out);
}

/**
 * `kafka-consumer-groups.sh --describe --all-groups`: rows under each `GROUP TOPIC PARTITION …`
 * header, summed per group and topic. A `-` lag (no committed offset) counts as none; a group with no
 * active members prints `Consumer group 'x' has no active members.` before its rows, skipped.
 */
export function parseConsumerGroups(text: string): Result<{ group: string; topic: string; lag: number }[]> {
  const sums = new Map<string, { group: string; topic: string; lag: number }>();
  let columns: string[] | undefined;
  for (const line of text.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (line.trim() === '' || /^Consumer group '.*' (has no active members|does not exist)/.test(line.trim()))
      continue;
    if (cells[0] === 'GROUP') {
      columns = cells;
      continue;
    }
    const at = (name: string) => columns?.indexOf(name) ?? -1;
    if (!columns || at('LAG') < 0 || cells.length < columns.length - 3)
      return fail(
        new PerfError('probe_failed', `unexpected kafka-consumer-groups.sh line: ${line.slice(0, 200)}`, {
          userMessage: 'kafka-consumer-groups.sh printed something perfbot cannot read as consumer lag.',
        }),
      );
    const group = cells[at('GROUP')] ?? '';
    const topic = cells[at('TOPIC')] ?? '';
    const lagText = cells[at('LAG')] ?? '-';
    const lag = lagText === '-' ? 0 : Number(lagText);
    if (!Number.isFinite(lag))
      return fail(new PerfError('probe_failed', `unreadable lag ${lagText} in: ${line.slice(0, 200)}`));
    const key = `${group}\u0000${topic}`;
    const entry = sums.get(key) ?? { group, topic, lag: 0 };
    entry.lag += lag;
    sums.set(key, entry);
  }
  return ok([...sums.values()]);
}

/** The heap a JVM gets from its options: the last `-Xmx` (the JVM takes the last), else undefined. */
export function heapFromOptions(line: string): Result<number | undefined> {
  const words = splitJvmOptions(line.replace(/\n/g, ' '));
  if (!words.ok) return words;
  const last = words.value.filter((w) => w.startsWith('-Xmx')).at(-1);
  return ok(last === undefined ? undefined : heapBytes(last.slice(4)));
}

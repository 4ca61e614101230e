import { describe, expect, it } from 'vitest';
import { USAGE } from '../../../src/bot/grammar.js';
import { camel } from '../../../src/bot/grammar-words.js';
import { BASELINE_OPTION_KEYS, BASELINE_OPTIONS } from '../../../src/commands/options.js';
import { TARGET_OPTIONS, targetsOf } from '../../../src/commands/target-options.js';
import { PlatformConfigSchema } from '../../../src/config/platform.js';
import { loadProbes, SERVICE_NAMES, SERVICES, serviceOf } from '../../../src/domain/services.js';
import { resultFor, samplesFor } from '../../helpers/results.js';

const each = SERVICES.map((s) => [s.name, s] as const);

describe('the service registry', () => {
  it.each(each)('%s: its probe, metrics and name agree', async (name, service) => {
    const probe = await service.loadProbe();
    expect(probe.service).toBe(name);
    expect(probe.metrics).toBe(service.metrics);
    expect((await loadProbes())[name]).toBe(probe);
    expect(serviceOf(name)).toBe(service);
    expect(service.knobs).toEqual([]);
    expect(service.rules).toEqual([]);
  });

  it.each(each)(
    '%s: its perfbot.yaml section defaults, and its default targets name its metrics',
    (name, s) => {
      const section = PlatformConfigSchema.parse({}).services[name];
      expect(section).toEqual(s.config.parse({}));
      for (const target of section.targets) expect(s.metrics.map((m) => m.key)).toContain(target.metric);
    },
  );

  it('builds the config schema, the default groups of `baseline all` and the usage line from the list', () => {
    const config = PlatformConfigSchema.parse({});
    expect(Object.keys(config.services)).toEqual(SERVICE_NAMES);
    expect(config.jobs.groups).toEqual(SERVICE_NAMES.map((n) => [n]));
    expect(USAGE).toContain(`baseline <${[...SERVICE_NAMES, 'all'].join('|')}>`);
  });
});

describe('the baseline options table', () => {
  it('gives each option a flag that the grammar reads back as its key, and a line of help', () => {
    for (const key of BASELINE_OPTION_KEYS) {
      expect(camel(BASELINE_OPTIONS[key].flag)).toBe(key);
      expect(BASELINE_OPTIONS[key].help.length).toBeGreaterThan(0);
      expect(USAGE).toContain(`[--${BASELINE_OPTIONS[key].flag} ${BASELINE_OPTIONS[key].value}]`);
    }
  });

  it('allows each target the options its descriptor lists, and `all` every one', () => {
    for (const service of SERVICES) expect(TARGET_OPTIONS[service.name]).toEqual(service.options);
    expect(TARGET_OPTIONS.all).toEqual(BASELINE_OPTION_KEYS);
    expect(targetsOf('records')).toEqual(['kafka', 'all']);
    expect(targetsOf('queries')).toEqual(['postgres', 'all']);
    for (const key of BASELINE_OPTION_KEYS) expect(targetsOf(key).length).toBeGreaterThan(1);
  });
});

describe('fixtures from the real definitions', () => {
  it('builds a result of every metric a probe defines, the same each time', () => {
    for (const service of SERVICES) {
      const result = resultFor(service.name);
      expect(result.metrics.map((m) => m.key)).toEqual(service.metrics.map((m) => m.key));
      expect(result.summary.every((s) => s.n === 3 && s.median !== null)).toBe(true);
      expect(resultFor(service.name)).toEqual(result);
    }
  });

  it('refuses a metric key the probe does not define', () => {
    expect(() => resultFor('kafka', { fixed: { 'producer.avg_latency_ms': [1, 2, 3] } })).toThrow(
      /not a metric of this probe: producer.avg_latency_ms/,
    );
    expect(() => samplesFor(serviceOf('trino').metrics, 1, { 'groupby.elapsed_ms': [1] })).toThrow();
  });
});

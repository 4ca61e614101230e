import { describe, expect, it } from 'vitest';
import { unitTitle } from '../../../src/charts/style.js';
import { chartsOf } from '../../../src/domain/charts.js';
import { SERVICES } from '../../../src/domain/services.js';
import { resultFor } from '../../helpers/results.js';

/** `records/s` and `msgs/s` are one scale (a rate); `ms` and `records/s` are not. */
const scale = (unit: string) => unitTitle(unit).replace(/ \(.*\)$/, '');

describe('chart families', () => {
  it.each(SERVICES.map((s) => [s.name, s] as const))(
    '%s: names only metrics its probe defines',
    (_, service) => {
      const keys = new Set(service.metrics.map((m) => m.key));
      for (const family of service.charts) for (const key of family.metrics) expect(keys).toContain(key);
      expect(new Set(service.charts.map((f) => f.id)).size).toBe(service.charts.length);
    },
  );

  it.each(SERVICES.map((s) => [s.name, s] as const))(
    '%s: never puts two scales on one axis',
    (_, service) => {
      for (const family of service.charts) {
        const units = family.metrics.map((key) => service.metrics.find((m) => m.key === key)?.unit ?? '');
        expect(new Set(units.map(scale)).size).toBe(1);
        expect(scale(units[0] ?? '')).toBe(scale(family.unit));
      }
    },
  );

  it('keeps the Kafka group join, which takes seconds, off the latencies of milliseconds', () => {
    const charts = chartsOf(resultFor('kafka'));
    const latency = charts.find((c) => c.altText.includes('Producer latency p50'));
    expect(latency?.altText).not.toContain('Consumer group join');
    expect(new Set(charts.map((c) => c.filename)).size).toBe(charts.length);
  });

  it.each(SERVICES.map((s) => [s.name] as const))('%s: draws one chart per family, titled by it', (name) => {
    const service = SERVICES.find((s) => s.name === name);
    const titles = chartsOf(resultFor(name)).map((c) => c.title);
    expect(titles).toEqual(service?.charts.map((f) => `${name} baseline: ${f.title}`));
  });
});

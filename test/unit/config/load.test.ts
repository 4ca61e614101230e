import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { criticalMetrics } from '../../../src/config/validation.js';
import { PerfError } from '../../../src/errors.js';

const files = (map: Record<string, string>) => ({
  readFile: (path: string) => {
    const text = map[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  },
});

describe('loadConfig', () => {
  it('applies the runbook platform defaults when no perfbot.yaml is given', () => {
    const config = loadConfig({});
    expect(config.env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.env.PERFBOT_REDIS_PREFIX).toBe('perfbot');
    expect(config.platform.services.kafka.namespace).toBe('kafka');
    expect(config.platform.services.postgres.namespace).toBe('kong');
    expect(config.platform.access.commands.tune).toEqual([]);
  });

  it('validates and rolls back nothing by itself unless perfbot.yaml asks; critical metrics default to the targets', () => {
    const off = loadConfig({}).platform.validation;
    expect(off).toMatchObject({ autoValidate: false, autoRollback: false, critical: {} });
    expect(criticalMetrics(off, 'trino')).toEqual(off.targets.trino?.map((t) => t.metric));
    const on = loadConfig(
      { PERFBOT_CONFIG: '/p.yaml' },
      files({
        '/p.yaml':
          'validation:\n  autoValidate: true\n  autoRollback: true\n  critical:\n    trino: [join.elapsed_ms, count.elapsed_ms]\n',
      }),
    ).platform.validation;
    expect(on).toMatchObject({ autoValidate: true, autoRollback: true });
    expect(criticalMetrics(on, 'trino')).toEqual(['join.elapsed_ms', 'count.elapsed_ms']);
    expect(criticalMetrics(on, 'kafka')).toEqual(['producer.records_per_sec']);
  });

  it('merges a perfbot.yaml over the defaults', () => {
    const config = loadConfig(
      { PERFBOT_CONFIG: '/etc/perfbot.yaml' },
      files({ '/etc/perfbot.yaml': 'services:\n  kafka:\n    partitions: 12\n' }),
    );
    expect(config.platform.services.kafka.partitions).toBe(12);
    expect(config.platform.services.kafka.topic).toBe('perfbot-perf-test');
  });

  it('names every bad field with its path and what is allowed', () => {
    const attempt = () =>
      loadConfig(
        { PORT: 'eighty', PERFBOT_CONFIG: '/p.yaml' },
        files({ '/p.yaml': 'services:\n  kafka:\n    runs: 0\n' }),
      );
    expect(attempt).toThrow(PerfError);
    expect(attempt).toThrow(/PORT/);
  });

  it('rejects an unknown key in perfbot.yaml rather than ignoring a typo', () => {
    const attempt = () =>
      loadConfig(
        { PERFBOT_CONFIG: '/p.yaml' },
        files({ '/p.yaml': 'services:\n  kafka:\n    partitons: 3\n' }),
      );
    expect(attempt).toThrow(/services\.kafka/);
  });

  it('reports a perfbot.yaml that is not YAML', () => {
    expect(() => loadConfig({ PERFBOT_CONFIG: '/p.yaml' }, files({ '/p.yaml': 'a: [' }))).toThrow(
      /not valid YAML/,
    );
  });

  it('treats empty environment variables as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '', PORT: '' }).env.PORT).toBe(3000);
  });
});

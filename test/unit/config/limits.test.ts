import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/grammar.js';
import { checkLimits } from '../../../src/commands/limits.js';
import { PlatformConfigSchema } from '../../../src/config/platform.js';

const platform = PlatformConfigSchema.parse({ services: { kafka: { maxBytesPerRun: 2 * 1024 ** 3 } } });
const check = (text: string) => {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return checkLimits(parsed.value, platform);
};

describe('checkLimits', () => {
  it('refuses a Kafka run over services.kafka.maxBytesPerRun, naming the setting', () => {
    expect(check('baseline kafka --records 50000000 --record-size 1048576')).toMatch(
      /services\.kafka\.maxBytesPerRun/,
    );
    expect(check('baseline all --records 3000000 --record-size 1024')).toMatch(/2\.9 GiB/);
  });

  it('lets runs within the cap and other targets through', () => {
    expect(check('baseline kafka')).toBeUndefined();
    expect(check('baseline kafka --records 2000000 --record-size 1000')).toBeUndefined();
    expect(check('baseline trino --runs 10')).toBeUndefined();
  });
});

describe('perfbot.yaml strictness', () => {
  it('rejects an unknown key in any section and a service listed in two groups', () => {
    expect(PlatformConfigSchema.safeParse({ jobs: { concurrancy: 2 } }).success).toBe(false);
    expect(PlatformConfigSchema.safeParse({ charts: { colour: 'red' } }).success).toBe(false);
    expect(PlatformConfigSchema.safeParse({ jobs: { groups: [['kafka'], ['kafka', 'ray']] } }).success).toBe(
      false,
    );
  });
});

describe('withinLimits', () => {
  it('drops a suggestion the load cap would refuse, and keeps one it allows', async () => {
    const { withinLimits } = await import('../../../src/bot/usage-limits.js');
    const tooBig = parseCommand('baseline kafka --records 5000000000 --record-size 1048576');
    expect(tooBig.ok).toBe(false);
    if (!tooBig.ok) {
      expect(tooBig.error.suggestion).toBeDefined();
      expect(withinLimits(tooBig.error, platform).suggestion).toBeUndefined();
    }
    const typo = parseCommand('baselin kafka');
    if (!typo.ok) expect(withinLimits(typo.error, platform).suggestion).toBe(typo.error.suggestion);
  });
});

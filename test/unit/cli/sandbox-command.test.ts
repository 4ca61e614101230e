import { describe, expect, it } from 'vitest';
import { comparable } from '../../../src/analysis/previous.js';
import { platformSize, SANDBOX_OVERLAY, speedNote } from '../../../src/cli/sandbox-command.js';
import { PlatformConfigSchema } from '../../../src/config/platform.js';

describe('perfbot sandbox', () => {
  it('writes a perfbot.yaml with no URL or port in it: a restart on another port is the same platform', () => {
    const text = JSON.stringify(SANDBOX_OVERLAY);
    expect(text).not.toMatch(/url|127\.0\.0\.1|localhost|:\d{2,5}/i);
    const config = PlatformConfigSchema.parse(SANDBOX_OVERLAY);
    // Trino is reached through the API server's service proxy, so its host param names the Service.
    expect(config.services.trino.url).toBeUndefined();
    const params = { host: 'trino.data-platform.svc:8080', catalog: 'memory', runs: 3 };
    expect(
      comparable({ params, context: { simulated: true } }, { params, context: { simulated: true } }),
    ).toBe(true);
  });

  it('says what its speed means for the figures', () => {
    expect(speedNote(0.1)).toBe(
      'its tools take 0.1× the time they report (a run of 35 s takes 3.5 s; --speed 1: real time)',
    );
    expect(speedNote(1)).toBe('its tools take the time they report');
    expect(speedNote(0)).toMatch(/at once/);
  });

  it('takes a size and a scenario, and says what to give instead of a wrong one', () => {
    expect(platformSize({ pods: '5000', nodes: '200', scenario: 'bottlenecks' })).toEqual({
      pods: 5000,
      nodes: 200,
      scenario: 'bottlenecks',
    });
    expect(platformSize({})).toEqual({});
    expect(platformSize({ pods: '-3' })).toBe('--pods -3: a whole number from 1 to 100000');
    expect(platformSize({ nodes: '1.5' })).toBe('--nodes 1.5: a whole number from 1 to 5000');
    expect(platformSize({ scenario: 'chaos' })).toBe(
      '--scenario chaos: one of bottlenecks (none: a healthy platform)',
    );
  });
});

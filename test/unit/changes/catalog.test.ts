import { describe, expect, it } from 'vitest';
import { helpText } from '../../../src/bot/grammar.js';
import { KNOB_CATALOG } from '../../../src/changes/catalog.js';
import { KNOB_SETS } from '../../../src/changes/knob-sets.js';

describe('the knob catalogue', () => {
  it('names every knob set and its keys exactly as the registry has them', () => {
    expect(KNOB_CATALOG).toEqual(
      KNOB_SETS.map((k) => ({ component: k.component, name: k.name, keys: k.keys.map((x) => x.name) })),
    );
  });

  it('is listed by help tune, in Slack and in the terminal', () => {
    expect(helpText('tune')).toContain('• `postgres pool` [max_connections=…]');
    expect(helpText('tune', 'cli')).toContain('• redis cache [maxmemory=…] [policy=…]');
  });
});

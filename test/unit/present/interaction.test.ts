import { describe, expect, it } from 'vitest';
import { PerfError } from '../../../src/errors.js';
import { type Doc, line } from '../../../src/present/document.js';
import { handleInteraction, interactionButton, parseInteraction } from '../../../src/present/interaction.js';

const actor = { id: 'U1', source: 'slack' } as const;

describe('parseInteraction', () => {
  it('reads back the record and version a button was made with', () => {
    const button = interactionButton(
      'perf:approve',
      'Approve',
      { recordId: 'chg-1', version: 4 },
      { style: 'primary' },
    );
    expect(button).toMatchObject({ actionId: 'perf:approve', style: 'primary' });
    expect(parseInteraction(button.actionId, actor, button.value)).toEqual({
      ok: true,
      value: { actionId: 'perf:approve', actor, recordId: 'chg-1', version: 4 },
    });
  });

  it.each([
    ['no value', undefined],
    ['not JSON', 'chg-1'],
    ['no record', '{"version":1}'],
    ['a negative version', '{"recordId":"c","version":-1}'],
    ['a fractional version', '{"recordId":"c","version":1.5}'],
  ])('refuses %s', (_name, value) => {
    expect(parseInteraction('perf:approve', actor, value).ok).toBe(false);
  });
});

describe('handleInteraction', () => {
  const done: Doc = { summary: line('done'), blocks: [] };
  const registry = new Map([['perf:approve', async () => done]]);

  it('runs the handler the action id names', async () => {
    expect(await handleInteraction(registry, 'perf:approve', actor, '{"recordId":"c","version":0}')).toBe(
      done,
    );
  });

  it('says so when no handler or no valid record', async () => {
    await expect(handleInteraction(registry, 'perf:nope', actor, '{}')).rejects.toMatchObject({
      code: 'not_available',
    });
    const error = await handleInteraction(registry, 'perf:approve', actor, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({ code: 'usage' });
  });
});

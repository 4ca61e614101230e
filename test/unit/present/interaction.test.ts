import { describe, expect, it } from 'vitest';
import { PerfError } from '../../../src/errors.js';
import { type Doc, line } from '../../../src/present/document.js';
import {
  handleInteraction,
  type Interaction,
  interactionButton,
  parseInteraction,
} from '../../../src/present/interaction.js';

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

  it('routes a numbered action id (a button repeated in one message) to its base id, with its item', async () => {
    let seen: unknown;
    const items = new Map([
      [
        'perf:propose-fix',
        async (i: Interaction) => {
          seen = i.item;
          return done;
        },
      ],
    ]);
    const value = '{"recordId":"bottlenecks-1a2b3c4d","version":1,"item":3}';
    expect(await handleInteraction(items, 'perf:propose-fix:3', actor, value)).toBe(done);
    expect(seen).toBe(3);
    await expect(handleInteraction(items, 'perf:propose-fixx', actor, value)).rejects.toMatchObject({
      code: 'not_available',
    });
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

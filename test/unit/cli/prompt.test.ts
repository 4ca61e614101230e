import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm, promptInteraction } from '../../../src/cli/prompt.js';
import { type Doc, line } from '../../../src/present/document.js';
import {
  type Interaction,
  type InteractionRegistry,
  interactionButton,
} from '../../../src/present/interaction.js';

const button = interactionButton('perf:test-approve', 'Approve', { recordId: 'chg-1', version: 3 });
const card: Doc = {
  summary: line('change chg-1'),
  blocks: [
    { kind: 'heading', text: 'Change chg-1' },
    { kind: 'actions', buttons: [button] },
  ],
};

function setup(answer: string | null) {
  const seen: Interaction[] = [];
  const registry: InteractionRegistry = new Map([
    [
      'perf:test-approve',
      async (i: Interaction): Promise<Doc> => {
        seen.push(i);
        return { summary: line('approved'), blocks: [{ kind: 'paragraph', lines: [line('Approved.')] }] };
      },
    ],
  ]);
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => {
    written += chunk.toString();
  });
  if (answer === null) input.end();
  else input.write(answer);
  return { seen, registry, io: { input, output }, written: () => written };
}

describe('the CLI adapter of the interaction port', () => {
  it('prints the card, asks, and on yes runs the handler as the local user and prints its card', async () => {
    const s = setup('y\n');
    const reply = await promptInteraction(card, button, s.registry, s.io, { actor: 'alice' });
    expect(reply?.summary).toEqual(line('approved'));
    expect(s.seen).toEqual([
      { actionId: 'perf:test-approve', actor: { id: 'alice', source: 'cli' }, recordId: 'chg-1', version: 3 },
    ]);
    expect(s.written()).toBe('Change chg-1\n════════════\n\n[ Approve ]\nApprove? [y/N] Approved.\n');
  });

  it.each([
    ['n', 'n\n'],
    ['an empty line', '\n'],
    ['the end of input', null],
  ])('takes %s as no and runs nothing', async (_name, answer) => {
    const s = setup(answer);
    expect(await promptInteraction(card, button, s.registry, s.io, { actor: 'alice' })).toBeUndefined();
    expect(s.seen).toEqual([]);
    expect(s.written()).toContain('Not done.');
  });

  it('does not ask with --yes', async () => {
    const s = setup(null);
    await promptInteraction(card, button, s.registry, s.io, { actor: 'alice', yes: true });
    expect(s.written()).not.toContain('[y/N]');
    expect(s.seen).toHaveLength(1);
  });

  it('accepts yes in any case', async () => {
    expect(await confirm('? ', setup('YES\n').io)).toBe(true);
  });
});

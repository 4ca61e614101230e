import { expect } from 'vitest';
import { LIMITS, type SlackMessage as Message } from '../../../src/present/slack/message.js';

/** Every limit of /work/shared/reference/slack.md that these views can reach. */
export function expectWithinSlackLimits(message: Message): void {
  const blocks = message.blocks ?? [];
  expect(message.text.length).toBeLessThanOrEqual(LIMITS.text);
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  for (const block of blocks) {
    const text = (block.text as { text?: string } | undefined)?.text ?? '';
    if (block.type === 'section') expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (block.type === 'header') expect(text.length).toBeLessThanOrEqual(LIMITS.header);
    if (block.type === 'context') expect((block.elements as unknown[]).length).toBeLessThanOrEqual(10);
    if (block.type === 'section' && Array.isArray(block.fields))
      expect(block.fields.length).toBeLessThanOrEqual(10);
  }
}

import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Button, Doc } from '../present/document.js';
import { handleInteraction, type InteractionRegistry } from '../present/interaction.js';
import { renderText } from '../present/text.js';

export interface PromptIo {
  input: Readable;
  /** A terminal's stdout, or anything that writes text (the CLI's `io.out`). */
  output: { write(text: string): unknown };
}

export interface PromptOptions {
  /** `--yes`: do not ask. */
  yes?: boolean;
  /** Who answers (the local user name). */
  actor: string;
}

/**
 * The CLI adapter of the interaction port: prints the card with the text renderer, asks y/N for its
 * button (anything but y or yes, or the end of input, is no), then runs the same handler a Slack
 * click runs and prints the card it returns.
 *
 * @example await promptInteraction(card, approveButton, registry, { input: process.stdin, output: process.stdout }, { actor: 'alice' })
 * @returns the handler's card, or undefined when declined
 */
export async function promptInteraction(
  card: Doc,
  button: Button,
  registry: InteractionRegistry,
  io: PromptIo,
  options: PromptOptions,
): Promise<Doc | undefined> {
  io.output.write(`${renderText(card)}\n`);
  if (!options.yes && !(await confirm(`${button.label}? [y/N] `, io))) {
    io.output.write('Not done.\n');
    return undefined;
  }
  const reply = await handleInteraction(
    registry,
    button.actionId,
    { id: options.actor, source: 'cli' },
    button.value,
  );
  io.output.write(`${renderText(reply)}\n`);
  return reply;
}

/** Asks one question; resolves on the first line, or false when the input ends first. */
export async function confirm(question: string, io: PromptIo): Promise<boolean> {
  const rl = createInterface({ input: io.input, terminal: false });
  try {
    io.output.write(question);
    const answer = await Promise.race([
      once(rl, 'line').then(([text]) => String(text)),
      once(rl, 'close').then(() => ''),
    ]);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

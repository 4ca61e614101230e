/**
 * Where a person reads perfbot's words: a Slack thread (commands typed as `/perf …`) or the terminal
 * (the CLI twin, `perfbot …`). The documents take it, so that each speaks the language of its reader.
 *
 * @example asCommand('cli', 'baseline kafka --runs 10') // 'perfbot baseline kafka --runs 10'
 */
export type Surface = 'slack' | 'cli';

const PREFIX: Record<Surface, string> = { slack: '/perf', cli: 'perfbot' };

/** A command as its reader types it. */
export const asCommand = (surface: Surface, command: string): string => `${PREFIX[surface]} ${command}`;

import { describe, expect, it } from 'vitest';
import { helpText, parseCommand } from '../../../src/bot/grammar.js';
import { line } from '../../../src/present/document.js';
import {
  buildAccepted,
  buildCancel,
  buildFailure,
  buildHelp,
  buildJobs,
  buildNotAuthorized,
  buildNotAvailable,
  buildUsage,
} from '../../../src/present/replies.js';
import type { SlackMessage as Message } from '../../../src/present/slack/message.js';
import { checkBlocks } from '../../../src/sim/slack/blocks.js';
import { slack, textOf } from './render.js';

function usageOf(text: string) {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`${text} parsed`);
  return result.error;
}

const job = {
  id: 'baseline-1',
  name: 'baseline',
  state: 'active' as const,
  summary: 'baseline kafka',
  requestedBy: 'U0ALICE',
  progress: 'run 2/3',
};

describe('replies', () => {
  it('tells what was wrong, the nearest valid command and the usage', () => {
    const message = slack(buildUsage(usageOf('baselin kafka')));
    expect(message.text).toContain(
      '`baselin` is not a perfbot command. Did you mean `/perf baseline kafka`?',
    );
    // `<service>` would be a link to Slack: it is escaped, and reads back as typed in a terminal.
    expect(message.text).toContain('/perf history &lt;service&gt;');
    expect(textOf(message)).toContain('/perf history <service>');
  });

  it('escapes what the user typed, so that pasted text cannot mention @channel', () => {
    const message = slack(buildUsage(usageOf('baseline <!channel>')));
    expect(JSON.stringify(message)).not.toContain('<!channel>');
  });

  it('lists jobs with state, progress and requester, and says when there are none', () => {
    expect(slack(buildJobs([job])).text).toBe(
      '`baseline-1` baseline kafka: active · run 2/3 (<@U0ALICE>)'.replace(/^/, ':arrows_counterclockwise: '),
    );
    expect(slack(buildJobs([], 'x-1')).text).toBe('No job `x-1` (it may have expired).');
    expect(slack(buildJobs([])).text).toBe('No recent jobs.');
  });

  it('says whether a cancel happened', () => {
    expect(slack(buildCancel('j1', { cancelled: true, reason: 'removed from the queue' })).text).toMatch(
      /^Cancelled job `j1`/,
    );
    expect(slack(buildCancel('j1', { cancelled: false, reason: 'already completed' })).text).toMatch(
      /was not cancelled: already completed/,
    );
  });

  it('stays within Block Kit limits, even for long text', () => {
    const messages: Message[] = [
      slack(buildUsage(usageOf('baseline kafka --runs 11'))),
      slack(buildHelp(helpText())),
      slack(buildHelp('x'.repeat(5000))),
      slack(buildNotAuthorized(line('You may not run `/perf tune`.'))),
      slack(buildNotAvailable('tune')),
      slack(buildAccepted('baseline kafka')),
      slack(buildFailure('baseline kafka', 'Slack error `not_in_channel`')),
      slack(buildJobs(Array.from({ length: 100 }, (_, i) => ({ ...job, id: `baseline-${i}` })))),
    ];
    for (const message of messages) {
      expect(message.text.length).toBeGreaterThan(0);
      expect(checkBlocks(message.blocks)).toEqual([]);
    }
  });
});

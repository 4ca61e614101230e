import { describe, expect, it } from 'vitest';
import { renderSlack } from '../../../src/present/slack/render.js';
import { buildSummary } from '../../../src/present/summary.js';
import { messageToText, mrkdwnToText } from '../../../src/sim/slack/display.js';
import { kafkaResult } from '../charts/results.js';

describe('mrkdwnToText', () => {
  it.each([
    ['*bold* and _italic_ and ~struck~', 'bold and italic and struck'],
    ['run `kafka-topics.sh` first', 'run kafka-topics.sh first'],
    ['asked by <@U024BE7LH>', 'asked by @U024BE7LH'],
    ['in <#C024BE7LR|perf>', 'in #perf'],
    ['<!here> look', '@here look'],
    ['see <https://trino.io/docs|the docs>', 'see the docs (https://trino.io/docs)'],
    ['see <https://trino.io/docs>', 'see https://trino.io/docs'],
    [':white_check_mark: done, :x: failed, :unknown_emoji: kept', '✅ done, ❌ failed, :unknown_emoji: kept'],
    ['a &lt;b&gt; &amp; c', 'a <b> & c'],
    ['p99*2 and snake_case_name stay', 'p99*2 and snake_case_name stay'],
    ['(*note*)', '(note)'],
  ])('%j → %j', (input, expected) => {
    expect(mrkdwnToText(input)).toBe(expected);
  });

  it('keeps the inside of a code block verbatim (tables), unescaping entities only', () => {
    const input = '*Table*\n```\nmetric  *median*\nq&lt;1     `3`\n```';
    expect(mrkdwnToText(input)).toBe('Table\nmetric  *median*\nq<1     `3`');
  });
});

describe('messageToText', () => {
  it('renders headers, sections with fields, contexts, dividers, images and buttons', () => {
    const text = messageToText({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Baseline: kafka' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Approve?*' },
          fields: [
            { type: 'mrkdwn', text: '*risk*: low' },
            { type: 'plain_text', text: 'restart: none' },
          ],
        },
        { type: 'divider' },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'by <@U1>' },
            { type: 'image', image_url: 'https://x/i.png', alt_text: 'icon' },
            { type: 'plain_text', text: 'job 42' },
          ],
        },
        { type: 'image', image_url: 'https://qc.internal/chart?c=1', alt_text: 'kafka throughput' },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'Approve' } },
            { type: 'button', text: { type: 'plain_text', text: 'Reject' } },
          ],
        },
      ],
    });
    expect(text).toBe(
      [
        'Baseline: kafka\n═══════════════',
        'Approve?\nrisk: low\nrestart: none',
        '─'.repeat(40),
        'by @U1 · job 42',
        '[image: kafka throughput] https://qc.internal/chart?c=1',
        '[ Approve ] [ Reject ]',
      ].join('\n\n'),
    );
  });

  it('falls back to the text when there are no blocks', () => {
    expect(messageToText({ text: 'baseline kafka: *queued*' })).toBe('baseline kafka: queued');
  });

  it('matches the snapshot for a Kafka summary', () => {
    expect(messageToText(renderSlack(buildSummary(kafkaResult({ previous: true }))))).toMatchSnapshot();
  });
});

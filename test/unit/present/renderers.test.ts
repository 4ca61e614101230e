import { describe, expect, it } from 'vitest';
import type { SerializedPerfError } from '../../../src/errors.js';
import { bold, code, type Doc, icon, line, mention } from '../../../src/present/document.js';
import { buildError } from '../../../src/present/error.js';
import { buildHistory } from '../../../src/present/history.js';
import { renderMarkdown } from '../../../src/present/markdown.js';
import { buildOverview } from '../../../src/present/overview.js';
import { buildJobs } from '../../../src/present/replies.js';
import { LIMITS } from '../../../src/present/slack/message.js';
import { renderSlack } from '../../../src/present/slack/render.js';
import { buildStatus } from '../../../src/present/status.js';
import { buildSummary } from '../../../src/present/summary.js';
import { renderText } from '../../../src/present/text.js';
import { checkBlocks } from '../../../src/sim/slack/blocks.js';
import { kafkaResult, trinoResult } from '../charts/results.js';
import { expectWithinSlackLimits } from './limits.js';

const failure: SerializedPerfError = {
  code: 'probe_failed',
  message: 'producer exited 1',
  userMessage: 'kafka-producer-perf-test.sh exited 1: check the brokers & retry.',
  retryable: false,
  context: { service: 'kafka', lastLines: 'ERROR <broker-0> not available\nexit 1' },
};

const views: [string, Doc][] = [
  ['summary', buildSummary(kafkaResult({ previous: true }))],
  [
    'status',
    buildStatus({
      title: 'baseline kafka',
      state: 'running',
      requestedBy: 'U0ALICE',
      jobId: 'baseline-1',
      progress: { step: 'run', pct: 40, message: 'run 2/3' },
    }),
  ],
  [
    'overview',
    buildOverview([
      { service: 'kafka', result: kafkaResult() },
      { service: 'trino', result: trinoResult() },
      { service: 'ray', error: 'No pod matches' },
    ]),
  ],
  ['history', buildHistory('kafka', [kafkaResult({ previous: true }), kafkaResult()])],
  ['error', buildError('baseline kafka', failure)],
  [
    'jobs',
    buildJobs([
      {
        id: 'baseline-1',
        name: 'baseline',
        state: 'active',
        summary: 'baseline kafka',
        requestedBy: 'U0ALICE',
        progress: 'run 2/3',
      },
    ]),
  ],
];

describe('the three renderers of each view', () => {
  it.each(views)('%s as terminal text', (_name, doc) => {
    const text = renderText(doc);
    // No Slack markup reaches a terminal.
    expect(text).not.toMatch(/:[a-z_]+:|<@|&lt;|&amp;/);
    expect(text).toMatchSnapshot();
  });

  it.each(views)('%s as Markdown', (_name, doc) => {
    expect(renderMarkdown(doc)).toMatchSnapshot();
  });

  it.each(views)('%s as Block Kit within Slack’s limits', (_name, doc) => {
    const message = renderSlack(doc);
    expectWithinSlackLimits(message);
    expect(checkBlocks(message.blocks)).toEqual([]);
  });
});

const table = (rows: string[][]): Doc => ({
  summary: line('t'),
  blocks: [
    {
      kind: 'table',
      title: line(bold('Queries')),
      columns: [{ header: 'query' }, { header: 'ms', align: 'right' }],
      rows,
    },
  ],
});

describe('tables', () => {
  it('aligns columns in the terminal, right for numbers', () => {
    expect(
      renderText(
        table([
          ['self-join', '2,395'],
          ['count', '12'],
        ]),
      ),
    ).toBe(
      ['Queries', 'query         ms', '─────────  ─────', 'self-join  2,395', 'count         12'].join('\n'),
    );
  });

  it('writes a pipe table with its alignment in Markdown, escaping a pipe in a cell', () => {
    expect(renderMarkdown(table([['a|b', '1']]))).toBe(
      ['**Queries**', '', '| query | ms |', '| :--- | ---: |', '| a\\|b | 1 |', ''].join('\n'),
    );
  });
});

describe('checklists', () => {
  const doc: Doc = {
    summary: line('criteria'),
    blocks: [
      {
        kind: 'checklist',
        items: [
          { done: true, text: line(bold('baselines taken'), ' (from ', code('r-1'), ')') },
          { done: false, text: line(bold('kafka +20%'), ': run ', code('/perf validate kafka')) },
        ],
      },
    ],
  };

  it('writes task-list boxes in Markdown, [x] only for a done item, the words still escaped', () => {
    expect(renderMarkdown(doc)).toBe(
      '- [x] **baselines taken** (from `r-1`)\n- [ ] **kafka +20%**: run `/perf validate kafka`\n',
    );
  });

  it('marks each box in Slack and the terminal', () => {
    const slack = JSON.stringify(renderSlack(doc).blocks);
    expect(slack).toContain(':white_check_mark: *baselines taken*');
    expect(slack).toContain(':white_large_square: *kafka +20%*');
    expect(checkBlocks(renderSlack(doc).blocks)).toEqual([]);
    expect(renderText(doc)).toBe('[x] baselines taken (from r-1)\n[ ] kafka +20%: run /perf validate kafka');
  });
});

describe('escaping the user’s words', () => {
  const typed: Doc = {
    summary: line('asked: <!channel> & *x*'),
    blocks: [{ kind: 'paragraph', lines: [line('asked by ', mention('U1'), ': <!channel> & *x* [y](z)')] }],
  };

  it('Slack: <, > and & cannot become a mention or a link; the mention span still is one', () => {
    const message = renderSlack(typed);
    expect(JSON.stringify(message.blocks)).toContain('asked by <@U1>: &lt;!channel&gt; &amp; *x*');
    // The fallback shows & as typed; < and > still cannot mention.
    expect(message.text).toBe('asked: &lt;!channel&gt; & *x*');
  });

  it('Slack: a mention of perfbot itself or a CLI user (no Slack id) is named, never an <@…> escape', () => {
    const doc: Doc = {
      summary: line('x'),
      blocks: [{ kind: 'paragraph', lines: [line('by ', mention('perfbot/auto'))] }],
    };
    expect(JSON.stringify(renderSlack(doc).blocks)).toContain('by _perfbot/auto_');
  });

  it('Markdown: markup characters are escaped, so text stays text', () => {
    expect(renderMarkdown(typed)).toBe('asked by @U1: \\<!channel\\> &amp; \\*x\\* \\[y\\](z)\n');
  });

  it('the terminal shows the words as typed', () => {
    expect(renderText(typed)).toBe('asked by @U1: <!channel> & *x* [y](z)');
  });

  it('a code span in Markdown takes a longer fence than the backticks inside it', () => {
    expect(renderMarkdown({ summary: [], blocks: [{ kind: 'paragraph', lines: [line(code('a`b'))] }] })).toBe(
      '``a`b``\n',
    );
  });
});

describe('Slack limits, enforced by the renderer', () => {
  it('cuts a long section, a long fallback and more than 50 blocks', () => {
    const long = 'x'.repeat(LIMITS.sectionText + 500);
    const doc: Doc = {
      summary: line('s'.repeat(LIMITS.text + 10)),
      blocks: Array.from({ length: 60 }, () => ({ kind: 'paragraph' as const, lines: [line(long)] })),
    };
    const message = renderSlack(doc);
    expectWithinSlackLimits(message);
    expect(message.blocks).toHaveLength(LIMITS.blocks);
    expect(checkBlocks(message.blocks)).toEqual([]);
  });

  it('puts at most 10 fields in a section', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `k${i}`, value: line(`v${i}`) }));
    const blocks = renderSlack({ summary: line('f'), blocks: [{ kind: 'fields', fields }] }).blocks ?? [];
    expect(blocks.map((b) => (b.fields as unknown[]).length)).toEqual([10, 2]);
    expect(checkBlocks(blocks)).toEqual([]);
  });

  it('drops a note with nothing in it (a context block needs an element) and sends no empty blocks', () => {
    const message = renderSlack({
      summary: line('only text'),
      blocks: [{ kind: 'note', parts: [line('')] }],
    });
    expect(message).toEqual({ text: 'only text' });
  });

  it('renders buttons with their action id, value, style and confirmation', () => {
    const doc: Doc = {
      summary: line('approve?'),
      blocks: [
        {
          kind: 'actions',
          buttons: [
            {
              actionId: 'perf:approve',
              label: 'Approve',
              value: '{"recordId":"c1","version":2}',
              style: 'primary',
              confirm: { title: 'Apply?', text: 'Restarts 3 pods', confirm: 'Apply', deny: 'Back' },
            },
          ],
        },
      ],
    };
    const [block] = renderSlack(doc).blocks ?? [];
    expect(block).toMatchObject({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'perf:approve',
          value: '{"recordId":"c1","version":2}',
          style: 'primary',
        },
      ],
    });
    expect(checkBlocks([block])).toEqual([]);
    expect(renderText(doc)).toBe('[ Approve ]');
  });

  it('shows icons as characters outside Slack', () => {
    const doc: Doc = { summary: line(icon('x'), ' failed'), blocks: [] };
    expect(renderSlack(doc).text).toBe(':x: failed');
    expect(renderText(doc)).toBe('❌ failed');
  });
});

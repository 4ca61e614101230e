import { describe, expect, it } from 'vitest';
import { bold, cut, line } from '../../../src/present/document.js';
import { type SlackBlock as Block, LIMITS } from '../../../src/present/slack/message.js';
import { codeBlock, escapeMrkdwn } from '../../../src/present/slack/mrkdwn.js';
import { renderSlack } from '../../../src/present/slack/render.js';
import { displayWidth, tableLines } from '../../../src/present/table.js';
import { blocksOf, paragraph, tableBlocks } from './render.js';

const header = (text: string) => blocksOf({ kind: 'heading', text })[0];
const section = (text: string) => blocksOf(paragraph(text))[0];
const context = (parts: string[]) => blocksOf({ kind: 'note', parts: parts.map((p) => line(p)) })[0] ?? {};

const textOf = (block: Block | undefined): string =>
  (block?.text as { text: string } | undefined)?.text ?? '';

describe('tableLines', () => {
  it('aligns columns left or right under a rule', () => {
    const lines = tableLines(
      [{ header: 'metric' }, { header: 'median', align: 'right' }],
      [
        ['producer throughput', '118,343'],
        ['p99 latency', '511'],
      ],
    );
    expect(lines).toEqual([
      'metric                median',
      '───────────────────  ───────',
      'producer throughput  118,343',
      'p99 latency              511',
    ]);
  });

  it('counts ✅ and ❌ as two columns so that the next column stays aligned', () => {
    expect(displayWidth('✅')).toBe(2);
    expect(displayWidth('—')).toBe(1);
    const lines = tableLines(
      [{ header: 'met' }, { header: 'change' }],
      [
        ['✅', 'a'],
        ['—', 'b'],
      ],
    );
    expect(lines.slice(2).map((l) => displayWidth(l.slice(0, l.length - 1)))).toEqual([5, 5]);
  });

  it('fills missing cells with blanks', () => {
    expect(tableLines([{ header: 'a' }, { header: 'b' }], [['x']])[2]).toBe('x');
  });
});

describe('tableBlocks', () => {
  it('puts a short table in one section, as a code block under its title', () => {
    const [block, ...rest] = tableBlocks([{ header: 'a' }], [['1']], line(bold('Title')));
    expect(rest).toEqual([]);
    expect(textOf(block)).toBe('*Title*\n```\na\n─\n1\n```');
  });

  it('splits a long table by rows, repeating the header, each part within the section limit', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [`query ${i} elapsed`, `${1_000 + i} ms`]);
    const blocks = tableBlocks(
      [{ header: 'metric' }, { header: 'median', align: 'right' }],
      rows,
      line(bold('Queries')),
    );
    expect(blocks.length).toBeGreaterThan(1);
    for (const block of blocks) {
      const text = textOf(block);
      expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(text).toMatch(/```\nmetric +median\n─+/);
    }
    const shown = blocks.flatMap((b) => textOf(b).split('\n')).filter((l) => l.startsWith('query '));
    expect(shown).toHaveLength(300);
  });

  it('escapes Slack’s markup characters after aligning', () => {
    const text = textOf(
      tableBlocks(
        [{ header: 'q' }, { header: 'n' }],
        [
          ['a<b & c', '1'],
          ['x', '2'],
        ],
      )[0],
    );
    expect(text).toContain('a&lt;b &amp; c  1');
    expect(text).toContain('x        2');
  });
});

describe('block helpers and limits', () => {
  it('escapes &, < and >', () => {
    expect(escapeMrkdwn('<@U1> & <b>')).toBe('&lt;@U1&gt; &amp; &lt;b&gt;');
  });

  it('cuts at a line end and says so', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const short = cut(text, 200);
    expect(short.length).toBeLessThanOrEqual(200);
    expect(short.endsWith('\n… (cut)')).toBe(true);
    expect(short.split('\n').slice(-2)[0]).toMatch(/^line \d+$/);
    expect(cut('short', 200)).toBe('short');
  });

  it('keeps headers, sections and contexts within their limits', () => {
    expect(textOf(header('h'.repeat(500))).length).toBeLessThanOrEqual(LIMITS.header);
    expect(textOf(section('s'.repeat(5_000))).length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect((context(Array.from({ length: 15 }, (_, i) => `c${i}`)).elements as unknown[]).length).toBe(10);
    expect((context(['a', '', 'b']).elements as unknown[]).length).toBe(2);
    expect(codeBlock('x')).toBe('```\nx\n```');
  });

  it('cuts a message to 50 blocks, the last saying how many were cut, and its text to 4,000 characters', () => {
    const docBlocks = Array.from({ length: 80 }, (_, i) => paragraph(`block ${i}`));
    const blocks = blocksOf(...docBlocks);
    const fitted = renderSlack({ summary: line('t'.repeat(10_000)), blocks: docBlocks });
    expect(fitted.blocks).toHaveLength(50);
    expect(textOf(fitted.blocks?.[48])).toBe('block 48');
    expect(JSON.stringify(fitted.blocks?.[49])).toContain('… 31 more block(s) cut');
    expect(fitted.text.length).toBeLessThanOrEqual(LIMITS.text);
    expect(renderSlack({ summary: line('ok'), blocks: docBlocks.slice(0, 3) })).toEqual({
      text: 'ok',
      blocks: blocks.slice(0, 3),
    });
  });
});

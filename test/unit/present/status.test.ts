import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../../src/present/status.js';
import { slack } from './render.js';

describe('renderStatus', () => {
  it('escapes a detail quoting tool output, so that <!channel> or <module> is neither a mention nor a link', () => {
    const message = slack(
      buildStatus({
        title: 'baseline ray',
        state: 'failed',
        requestedBy: 'U0ALICE',
        detail: 'File "<string>", line 1, in <module> <!channel>',
      }),
    );
    expect(JSON.stringify(message)).not.toMatch(/<!channel>|<module>/);
    expect(JSON.stringify(message)).toContain('&lt;module&gt;');
  });

  it('keeps the status line short when the detail is long', () => {
    const message = slack(
      buildStatus({
        title: 't',
        state: 'failed',
        requestedBy: 'U1',
        detail: 'x'.repeat(10_000),
      }),
    );
    expect(message.text.length).toBeLessThan(1000);
  });
});

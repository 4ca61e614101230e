import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/bottlenecks/rules.js';
import { BottleneckAction, buildBottlenecks } from '../../../src/present/bottlenecks.js';
import { checkBlocks } from '../../../src/sim/slack/blocks.js';
import { slack, textOf } from './render.js';

const finding: Finding = {
  rule: 'postgres.connections',
  severity: 'critical',
  score: 0.17,
  subject: 'postgres',
  statement: '97 of max_connections 100 in use (97%)',
  evidence: ['pg_stat_activity (psql in kong/postgresql-0, 2026-12-01T10:00:00.000Z)'],
  fix: { component: 'postgres', knobSet: 'pool', settings: { max_connections: '150' } },
};

describe('the bottlenecks answer', () => {
  it('ranks findings with their evidence and a Propose fix button in Slack', () => {
    const message = slack(
      buildBottlenecks({
        findings: [finding],
        checked: ['postgres'],
        surface: 'slack',
        answerId: 'bottlenecks-1a2b3c4d',
        tookMs: 1200,
      }),
    );
    expect(checkBlocks(message.blocks)).toEqual([]);
    expect(textOf(message)).toContain('1. postgres: 97 of max_connections 100 in use');
    const buttons = (message.blocks ?? []).flatMap((b) =>
      (b as { type: string }).type === 'actions'
        ? (b as { elements: { action_id: string; value: string }[] }).elements
        : [],
    );
    expect(buttons[0]?.action_id).toBe(`${BottleneckAction.proposeFix}:0`);
    expect(JSON.parse(buttons[0]?.value ?? '{}')).toEqual({
      recordId: 'bottlenecks-1a2b3c4d',
      version: 1,
      item: 0,
    });
  });

  it('the terminal prints the fix as a command; a healthy platform says what was checked', () => {
    expect(
      textOf(
        slack(buildBottlenecks({ findings: [finding], checked: ['postgres'], surface: 'cli', tookMs: 900 })),
      ),
    ).toContain('perfbot tune postgres pool max_connections=150');
    const none = textOf(
      slack(
        buildBottlenecks({
          findings: [],
          checked: ['nodes', 'pods', 'postgres'],
          surface: 'slack',
          tookMs: 800,
        }),
      ),
    );
    expect(none).toMatch(/No findings in 0\.8 s/);
    expect(none).toContain('Checked: nodes, pods, postgres.');
  });
});

import { describe, expect, it } from 'vitest';
import { authorize, groupIdsIn, needsGroupLookup } from '../../../src/bot/authorize.js';
import { PlatformConfigSchema } from '../../../src/config/platform.js';

const access = PlatformConfigSchema.parse({
  access: {
    commands: { tune: ['U0ALICE', 'S0PLATFORM'], rollback: [], cancel: ['S0ONCALL'], history: ['U0BOB'] },
    approvers: ['S0LEADS'],
  },
}).access;

describe('authorize', () => {
  it('lets everyone run a command whose rule is *', () => {
    expect(authorize('U0ANYONE', [], 'baseline', access)).toEqual({ ok: true, value: undefined });
  });

  it('lets a listed user in', () => {
    expect(authorize('U0ALICE', [], 'tune', access).ok).toBe(true);
  });

  it('lets a member of a listed group in', () => {
    expect(authorize('U0CAROL', ['S0OTHER', 'S0PLATFORM'], 'tune', access).ok).toBe(true);
  });

  it('refuses others and names who may run it and where that is set', () => {
    const result = authorize('U0CAROL', ['S0OTHER'], 'tune', access);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.allowed).toEqual(['U0ALICE', 'S0PLATFORM']);
    expect(result.error.message).toContain('<@U0ALICE>');
    expect(result.error.message).toContain('<!subteam^S0PLATFORM>');
    expect(result.error.message).toContain('access.commands.tune');
  });

  it('says nobody may run a command whose rule is empty', () => {
    const result = authorize('U0ALICE', [], 'rollback', access);
    expect(!result.ok && result.error.message).toMatch(/^Nobody may run `\/perf rollback` yet/);
  });

  it('does not let a user id stand in for a group id', () => {
    expect(authorize('S0PLATFORM', [], 'history', access).ok).toBe(false);
  });
});

describe('needsGroupLookup', () => {
  it('is false when * or the user id decides', () => {
    expect(needsGroupLookup('U0X', 'baseline', access)).toBe(false);
    expect(needsGroupLookup('U0ALICE', 'tune', access)).toBe(false);
  });

  it('is true only when a group in the rule could let the user in', () => {
    expect(needsGroupLookup('U0CAROL', 'tune', access)).toBe(true);
    expect(needsGroupLookup('U0CAROL', 'history', access)).toBe(false);
    expect(needsGroupLookup('U0CAROL', 'rollback', access)).toBe(false);
  });
});

describe('groupIdsIn', () => {
  it('collects each group named in commands and approvers once', () => {
    expect(groupIdsIn(access).sort()).toEqual(['S0LEADS', 'S0ONCALL', 'S0PLATFORM']);
  });
});

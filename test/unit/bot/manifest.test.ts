import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Route, SLASH_COMMAND } from '../../../src/bot/ids.js';

const manifest = parse(readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8')) as {
  features: { slash_commands: { command: string; url: string; usage_hint: string; description: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
};

describe('manifest.yml', () => {
  it('declares /perf with a description and usage hint, pointing at the events endpoint', () => {
    const [command] = manifest.features.slash_commands;
    expect(command?.command).toBe(SLASH_COMMAND);
    expect(command?.description.length).toBeGreaterThan(0);
    expect(command?.usage_hint).toContain('baseline');
    expect(new URL(command?.url ?? '').pathname).toBe(Route.slackEvents);
  });

  it('asks for exactly the bot scopes the code uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'chat:write',
      'commands',
      'files:write',
      'usergroups:read',
    ]);
  });

  it('turns interactivity on, at the same endpoint', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(Route.slackEvents);
    expect(typeof manifest.settings.socket_mode_enabled).toBe('boolean');
  });
});

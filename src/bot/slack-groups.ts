import type { webApi } from '@slack/bolt';
import { toSlackError } from './slack-errors.js';

/**
 * Slack has no "groups of a user" method: the groups named in the access rules are listed with
 * `usergroups.users.list` (scope usergroups:read) and cached for `ttlMs`.
 */
export function createSlackGroupResolver(
  client: webApi.WebClient,
  groupIds: readonly string[],
  options: { ttlMs?: number; now?: () => number } = {},
): (userId: string) => Promise<string[]> {
  const ttl = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; users: Promise<Set<string>> }>();
  const members = (group: string) => {
    const hit = cache.get(group);
    if (hit && now() - hit.at < ttl) return hit.users;
    const users = client.usergroups.users
      .list({ usergroup: group })
      .then((res) => new Set(res.users ?? []))
      .catch((error: unknown) => {
        cache.delete(group);
        throw toSlackError('usergroups.users.list', error);
      });
    cache.set(group, { at: now(), users });
    return users;
  };
  return async (userId) => {
    const sets = await Promise.all(groupIds.map(async (g) => [g, await members(g)] as const));
    return sets.filter(([, users]) => users.has(userId)).map(([g]) => g);
  };
}

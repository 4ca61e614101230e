import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/**
 * The sandbox's bearer token. It guards nothing (the sandbox listens on localhost and holds no data); the
 * server checks it so that a client that sends no credentials fails as it would against a real cluster.
 */
export const SANDBOX_TOKEN = 'perfbot-sandbox-token';
export const SANDBOX_CONTEXT = 'perfbot-sandbox';

/**
 * A kubeconfig for the sandbox at `url`, usable by kubectl and `@kubernetes/client-node` like any cluster.
 * @example writeFileSync('sandbox.kubeconfig', sandboxKubeconfig(sandbox.url)); // kubectl --kubeconfig sandbox.kubeconfig get pods -A
 */
export function sandboxKubeconfig(url: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // The sandbox speaks plain http; @kubernetes/client-node 2 refuses an http server unless this is set.
    clusters: [{ name: SANDBOX_CONTEXT, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'perfbot-sandbox-user', user: { token: SANDBOX_TOKEN } }],
    contexts: [
      {
        name: SANDBOX_CONTEXT,
        context: { cluster: SANDBOX_CONTEXT, user: 'perfbot-sandbox-user', namespace: 'default' },
      },
    ],
    'current-context': SANDBOX_CONTEXT,
    preferences: {},
  });
}

/** Writes the sandbox kubeconfig to `path` (mode 0600, as kubectl expects of a file with a token). */
export async function writeKubeconfig(path: string, url: string): Promise<void> {
  await writeFile(path, sandboxKubeconfig(url), { mode: 0o600 });
}

import { RESOURCES } from './resources.js';

/** What API clients discover before they call: `/version`, `/api`, `/apis` and each group version's kinds. */
const METRICS_GV = 'metrics.k8s.io/v1beta1';
const VERBS = ['get', 'list', 'patch'];

function resourceList(groupVersion: string): Record<string, unknown> | undefined {
  const resources: Record<string, unknown>[] = RESOURCES.filter(
    (r) => (r.group ? `${r.group}/${r.version}` : r.version) === groupVersion,
  ).map((r) => ({
    name: r.plural,
    singularName: r.kind.toLowerCase(),
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: VERBS,
    shortNames: r.shortNames,
  }));
  if (groupVersion === 'v1')
    resources.push({
      name: 'pods/exec',
      singularName: '',
      namespaced: true,
      kind: 'PodExecOptions',
      verbs: ['create', 'get'],
    });
  if (groupVersion === 'v1')
    resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  if (groupVersion === METRICS_GV) {
    resources.push(
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    );
  }
  return resources.length
    ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources }
    : undefined;
}

const group = (name: string, version: string) => ({
  name,
  versions: [{ groupVersion: `${name}/${version}`, version }],
  preferredVersion: { groupVersion: `${name}/${version}`, version },
});

const VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.4',
  gitCommit: 'sandbox',
  platform: 'linux/amd64',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  buildDate: '2024-08-14T19:00:00Z',
  gitTreeState: 'clean',
};

/** Discovery as clients walk it: `/version`, `/api`, `/apis`, a group, a group version's resource list. */
export function discovery(path: string): Record<string, unknown> | undefined {
  const groups = { apps: group('apps', 'v1'), 'metrics.k8s.io': group('metrics.k8s.io', 'v1beta1') };
  if (path === '/version') return { ...VERSION };
  if (path === '/api')
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' }],
    };
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: Object.values(groups) };
  if (path === '/api/v1') return resourceList('v1');
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  const found = m && groups[m[1] as keyof typeof groups];
  if (!m || !found) return undefined;
  if (m[2] === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...found };
  return resourceList(`${m[1]}/${m[2]}`);
}

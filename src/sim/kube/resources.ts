/** The kinds the simulated API serves, and the `Status` bodies it fails with. */

/** One kind the simulated API serves, as listed by discovery (`/api/v1`, `/apis/apps/v1`). */
export interface ResourceType {
  kind: string;
  plural: string;
  /** '' for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
}

export const RESOURCES: readonly ResourceType[] = [
  {
    kind: 'Namespace',
    plural: 'namespaces',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
  },
  { kind: 'Node', plural: 'nodes', group: '', version: 'v1', namespaced: false, shortNames: ['no'] },
  { kind: 'Pod', plural: 'pods', group: '', version: 'v1', namespaced: true, shortNames: ['po'] },
  { kind: 'ConfigMap', plural: 'configmaps', group: '', version: 'v1', namespaced: true, shortNames: ['cm'] },
  { kind: 'Secret', plural: 'secrets', group: '', version: 'v1', namespaced: true, shortNames: [] },
  { kind: 'Event', plural: 'events', group: '', version: 'v1', namespaced: true, shortNames: ['ev'] },
  {
    kind: 'Deployment',
    plural: 'deployments',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    kind: 'StatefulSet',
    plural: 'statefulsets',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['sts'],
  },
];

/** Finds a kind by its name (`Deployment`), plural (`deployments`), singular or short name (`deploy`). */
export function resourceFor(name: string): ResourceType | undefined {
  const n = name.toLowerCase();
  return RESOURCES.find((r) => r.kind.toLowerCase() === n || r.plural === n || r.shortNames.includes(n));
}

/** A failed store operation, shaped for a Kubernetes `Status`. */
export interface StoreError {
  code: 400 | 404 | 409 | 422;
  reason: 'BadRequest' | 'NotFound' | 'Conflict' | 'Invalid';
  message: string;
  details?: { name: string; group?: string; kind: string };
}

export function notFound(plural: string, group: string, name: string): StoreError {
  const resource = group ? `${plural}.${group}` : plural;
  return {
    code: 404,
    reason: 'NotFound',
    message: `${resource} "${name}" not found`,
    details: { name, group, kind: plural },
  };
}

export function conflict(type: ResourceType, name: string): StoreError {
  const resource = type.group ? `${type.plural}.${type.group}` : type.plural;
  return {
    code: 409,
    reason: 'Conflict',
    message: `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details: { name, group: type.group, kind: type.plural },
  };
}

/** The `Status` body the API server sends with an error (k8s.io/apimachinery metav1.Status). */
export function failureStatus(error: {
  code: number;
  reason: string;
  message: string;
  details?: StoreError['details'];
}): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(error.details ? { details: error.details } : {}),
    code: error.code,
  };
}

/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), which
 * `kubectl get` asks for: the columns kubectl users expect for the kinds a model chart uses,
 * NAME and AGE for the others.
 */
import type { ResourceType } from './kinds.js';
import type { K8sObject } from './status.js';

type Column = [name: string, cell: (o: K8sObject) => string | number];

function age(o: K8sObject): string {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(o.metadata?.creationTimestamp ?? '')) / 1000));
  if (!Number.isFinite(seconds)) return '<unknown>';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h`;
}

function podStatus(o: K8sObject): string {
  const waiting = (o.status?.containerStatuses ?? []).find((c: K8sObject) => c.state?.waiting)?.state.waiting.reason;
  return waiting ?? o.status?.phase ?? 'Pending';
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    [
      'Ready',
      (o) =>
        `${(o.status?.containerStatuses ?? []).filter((c: K8sObject) => c.ready).length}/${(o.spec?.containers ?? []).length}`,
    ],
    ['Status', podStatus],
    [
      'Restarts',
      (o) =>
        (o.status?.containerStatuses ?? []).reduce((n: number, c: K8sObject) => n + Number(c.restartCount ?? 0), 0),
    ],
  ],
  Deployment: [
    ['Ready', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`],
    ['Up-to-date', (o) => o.status?.updatedReplicas ?? 0],
    ['Available', (o) => o.status?.availableReplicas ?? 0],
  ],
  ReplicaSet: [
    ['Desired', (o) => o.spec?.replicas ?? 0],
    ['Current', (o) => o.status?.replicas ?? 0],
    ['Ready', (o) => o.status?.readyReplicas ?? 0],
  ],
  Service: [
    ['Type', (o) => o.spec?.type ?? ''],
    ['Cluster-IP', (o) => o.spec?.clusterIP ?? '<none>'],
    ['External-IP', () => '<none>'],
    [
      'Port(s)',
      (o) => (o.spec?.ports ?? []).map((p: K8sObject) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
    ],
  ],
  InferenceService: [
    ['URL', (o) => o.status?.url ?? ''],
    ['Ready', (o) => (o.status?.conditions ?? []).find((c: K8sObject) => c.type === 'Ready')?.status ?? ''],
  ],
};

export function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept.split(',')[0] ?? '');
}

export function toTable(type: ResourceType, objects: K8sObject[], resourceVersion: string): K8sObject {
  const columns: Column[] = [['Name', (o) => o.metadata?.name ?? ''], ...(COLUMNS[type.kind] ?? []), ['Age', age]];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(([name], i) => ({
      name,
      type: typeof columns[i]?.[1]({}) === 'number' ? 'integer' : 'string',
      format: name === 'Name' ? 'name' : '',
      description: '',
      priority: 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map(([, cell]) => cell(o)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

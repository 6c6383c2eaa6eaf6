/**
 * Server-side defaulting and the validation the API server does before storing, for the
 * built-in kinds a model chart uses. Clients wait on some defaults (a Service's clusterIP),
 * and a controller compares pod templates after defaulting, so these follow the real
 * defaults of k8s.io/kubernetes/pkg/apis/{core,apps}/v1/defaults.go where it matters.
 */
import type { ResourceType } from './kinds.js';
import { invalid, type Cause, type K8sObject } from './status.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

let nextClusterIp = 10;

function defaultContainer(c: K8sObject): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (c.imagePullPolicy === undefined) {
    const image = String(c.image ?? '');
    const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
    c.imagePullPolicy = tagged || image.includes('@') ? 'IfNotPresent' : 'Always';
  }
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
  }
}

export function defaultPodSpec(spec: K8sObject): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultContainer(c);
}

export function applyDefaults(t: ResourceType, obj: K8sObject): void {
  if (t.custom) return;
  switch (t.kind) {
    case 'Namespace':
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec = { finalizers: ['kubernetes'], ...(obj.spec ?? {}) };
      obj.status = { phase: 'Active' };
      break;
    case 'Secret':
      obj.type ??= 'Opaque';
      if (obj.stringData) {
        obj.data = { ...(obj.data ?? {}) };
        for (const [k, v] of Object.entries<string>(obj.stringData))
          obj.data[k] = Buffer.from(v, 'utf8').toString('base64');
        delete obj.stringData;
      }
      break;
    case 'Service': {
      const spec = (obj.spec ??= {});
      spec.type ??= 'ClusterIP';
      if (spec.type !== 'ExternalName' && !spec.clusterIP) {
        const n = nextClusterIp++;
        spec.clusterIP = `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
      }
      if (spec.clusterIP && spec.clusterIP !== 'None') spec.clusterIPs ??= [spec.clusterIP];
      spec.sessionAffinity ??= 'None';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case 'Deployment': {
      const spec = (obj.spec ??= {});
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate' };
      if (spec.strategy.type === 'RollingUpdate')
        spec.strategy.rollingUpdate = {
          maxUnavailable: '25%',
          maxSurge: '25%',
          ...(spec.strategy.rollingUpdate ?? {}),
        };
      spec.template ??= {};
      spec.template.metadata ??= {};
      defaultPodSpec((spec.template.spec ??= {}));
      obj.status ??= {};
      break;
    }
    case 'ReplicaSet':
      obj.spec.replicas ??= 1;
      defaultPodSpec((obj.spec.template.spec ??= {}));
      obj.status ??= { replicas: 0 };
      break;
    case 'Pod':
      defaultPodSpec((obj.spec ??= {}));
      obj.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    default:
      break;
  }
}

function labelsMatch(selector: K8sObject | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries<string>(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** The validation errors the real server gives for mistakes charts make; 422 Invalid. */
export function validate(t: ResourceType, obj: K8sObject, old?: K8sObject): void {
  const name = String(obj.metadata?.name ?? '');
  const causes: Cause[] = [];
  const add = (field: string, reason: string, message: string) => causes.push({ reason, message, field });
  if (!name) add('metadata.name', 'FieldValueRequired', 'Required value: name or generateName is required');
  else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    add(
      'metadata.name',
      'FieldValueInvalid',
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  } else if ((t.kind === 'Namespace' || t.kind === 'Service') && (name.length > 63 || !DNS1123_LABEL.test(name))) {
    add(
      'metadata.name',
      'FieldValueInvalid',
      `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
  }
  const podSpec =
    t.kind === 'Deployment' || t.kind === 'ReplicaSet'
      ? obj.spec?.template?.spec
      : t.kind === 'Pod'
        ? obj.spec
        : undefined;
  const prefix = t.kind === 'Pod' ? 'spec' : 'spec.template.spec';
  if (podSpec) {
    const containers: K8sObject[] = podSpec.containers ?? [];
    if (containers.length === 0) add(`${prefix}.containers`, 'FieldValueRequired', 'Required value');
    containers.forEach((c, i) => {
      if (!c.name) add(`${prefix}.containers[${i}].name`, 'FieldValueRequired', 'Required value');
      if (!c.image) add(`${prefix}.containers[${i}].image`, 'FieldValueRequired', 'Required value');
    });
  }
  if (t.kind === 'Deployment') {
    const spec = obj.spec ?? {};
    if (!spec.selector) add('spec.selector', 'FieldValueRequired', 'Required value');
    else if (!labelsMatch(spec.selector, spec.template?.metadata?.labels)) {
      add(
        'spec.template.metadata.labels',
        'FieldValueInvalid',
        `Invalid value: ${JSON.stringify(spec.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\``,
      );
    }
    if (typeof spec.replicas === 'number' && spec.replicas < 0)
      add('spec.replicas', 'FieldValueInvalid', `Invalid value: ${spec.replicas}: must be greater than or equal to 0`);
    if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(spec.selector)) {
      add('spec.selector', 'FieldValueInvalid', `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable`);
    }
  }
  if (
    t.kind === 'Service' &&
    obj.spec?.type !== 'ExternalName' &&
    !(obj.spec?.ports?.length > 0) &&
    obj.spec?.clusterIP !== 'None'
  ) {
    add('spec.ports', 'FieldValueRequired', 'Required value');
  }
  if (causes.length > 0) throw invalid(t, name, causes);
}

/** Top-level fields each built-in kind has; `fieldValidation=Strict` refuses others. */
const KNOWN_TOP_LEVEL: Record<string, string[]> = {
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Event: [
    'involvedObject',
    'reason',
    'message',
    'source',
    'firstTimestamp',
    'lastTimestamp',
    'count',
    'type',
    'eventTime',
    'series',
    'action',
    'related',
    'reportingComponent',
    'reportingInstance',
  ],
};
const KNOWN_METADATA = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/** Unknown fields, as `.spec.foo`-style paths (top level and metadata only: there are no schemas). */
export function unknownFields(t: ResourceType, obj: K8sObject): string[] {
  if (t.custom) return [];
  const allowed = new Set(['apiVersion', 'kind', 'metadata', ...(KNOWN_TOP_LEVEL[t.kind] ?? ['spec', 'status'])]);
  const unknown = Object.keys(obj)
    .filter((k) => !allowed.has(k))
    .map((k) => `.${k}`);
  for (const k of Object.keys(obj.metadata ?? {})) if (!KNOWN_METADATA.includes(k)) unknown.push(`.metadata.${k}`);
  return unknown;
}

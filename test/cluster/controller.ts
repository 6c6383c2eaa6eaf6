/**
 * A small controller manager: Deployments get a ReplicaSet per pod template and the status
 * fields helm 3 (newest ReplicaSet's readyReplicas), helm 4 (kstatus: observedGeneration,
 * replica counts, Available/Progressing conditions) and `kubectl rollout status` read;
 * ReplicaSets get their Pods; InferenceServices are kserve.ts's. It reconciles everything after each change (the objects are
 * few), and on a timer for progress deadlines.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InferenceServices } from './kserve.js';
import type { Resources } from './resources.js';
import type { ResourceType } from './kinds.js';
import type { StoreEvent } from './store.js';
import { ApiError, type K8sObject } from './status.js';
import { sortKeys } from './patch.js';

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export const LOOPBACK_URL_ANNOTATION = 'mlops-gha.dev/loopback-url';

export interface ControllerHooks {
  /** the loopback URL of a Service, once its proxy listens */
  serviceUrl(namespace: string, name: string): string | undefined;
}

export class Controller {
  private scheduled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly rolloutStarted = new Map<string, number>();
  private readonly types: Record<'deploy' | 'rs' | 'pod' | 'svc', ResourceType>;
  private readonly kserve: InferenceServices;

  constructor(
    private readonly resources: Resources,
    private readonly hooks: ControllerHooks,
  ) {
    this.types = {
      deploy: resources.type({ group: 'apps', version: 'v1', resource: 'deployments' }),
      rs: resources.type({ group: 'apps', version: 'v1', resource: 'replicasets' }),
      pod: resources.type({ group: '', version: 'v1', resource: 'pods' }),
      svc: resources.type({ group: '', version: 'v1', resource: 'services' }),
    };
    this.kserve = new InferenceServices(resources, hooks, this.types);
    resources.store.on('event', (e: StoreEvent) => {
      if (
        ['apps/deployments', 'apps/replicasets', '/pods', '/services', 'serving.kserve.io/inferenceservices'].includes(
          e.key,
        )
      )
        this.kick();
    });
    this.timer = setInterval(() => this.kick(), 250);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.reconcile();
      } catch (error) {
        // An object deleted between a read and a write is picked up by the next pass.
        if (!(error instanceof ApiError)) throw error;
        this.kick();
      }
    });
  }

  private write(t: ResourceType, obj: K8sObject): K8sObject {
    return this.resources.store.update(t, obj);
  }

  private reconcile(): void {
    const { store } = this.resources;
    this.kserve.reconcile();
    for (const d of store.list(this.types.deploy)) this.reconcileDeployment(d);
    for (const rs of store.list(this.types.rs)) this.reconcileReplicaSet(rs);
    for (const d of store.list(this.types.deploy)) this.updateDeploymentStatus(d);
    this.kserve.updateStatus();
  }

  private owned(t: ResourceType, owner: K8sObject): K8sObject[] {
    return this.resources.store
      .list(t, owner.metadata.namespace)
      .filter((o) =>
        (o.metadata.ownerReferences ?? []).some((r: K8sObject) => r.uid === owner.metadata.uid && r.controller),
      );
  }

  static ownerRef(owner: K8sObject): K8sObject {
    return {
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      name: owner.metadata.name,
      uid: owner.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  static templateHash(template: K8sObject): string {
    return createHash('sha256')
      .update(JSON.stringify(sortKeys(template)))
      .digest('hex')
      .slice(0, 10)
      .replace(/[^a-z0-9]/g, 'x');
  }

  // ---- Deployments ----

  private reconcileDeployment(d: K8sObject): void {
    const hash = Controller.templateHash(d.spec.template);
    const sets = this.owned(this.types.rs, d);
    const revisions = sets.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
    let current = sets.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const desired = Number(d.spec.replicas ?? 1);
    const key = d.metadata.uid;
    if (!current) {
      const template = structuredClone(d.spec.template);
      template.metadata = {
        ...(template.metadata ?? {}),
        labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash },
      };
      const revision = String(Math.max(0, ...revisions) + 1);
      const rs = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: d.metadata.namespace,
          labels: template.metadata.labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired + 1),
            'deployment.kubernetes.io/revision': revision,
          },
          ownerReferences: [Controller.ownerRef(d)],
        },
        spec: {
          replicas: desired,
          selector: {
            ...d.spec.selector,
            matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash },
          },
          template,
        },
      };
      current = this.resources.create(this.types.rs, d.metadata.namespace, rs, {
        dryRun: false,
        fieldValidation: 'Ignore',
        warnings: [],
      });
      this.rolloutStarted.set(key, Date.now());
      this.setAnnotation(d, 'deployment.kubernetes.io/revision', revision);
    } else {
      // A template seen before (a rollback) makes its old ReplicaSet the newest revision again.
      const own = Number(current.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      const newest = Math.max(0, ...revisions);
      if (own < newest || current.spec.replicas !== desired) {
        if (own < newest)
          current.metadata.annotations = {
            ...(current.metadata.annotations ?? {}),
            'deployment.kubernetes.io/revision': String(newest + 1),
          };
        current.spec.replicas = desired;
        current = this.write(this.types.rs, current);
        this.rolloutStarted.set(key, Date.now());
      }
    }
    if (!this.rolloutStarted.has(key)) this.rolloutStarted.set(key, Date.now());
    // Rolling update, simplified: the new ReplicaSet runs all replicas at once; old ones are
    // scaled to zero once it is fully ready (so a never-ready release keeps the old pods).
    const newReady = Number(current.status?.readyReplicas ?? 0) >= desired;
    for (const rs of sets) {
      if (rs.metadata.uid === current.metadata.uid || rs.spec.replicas === 0 || !newReady) continue;
      rs.spec.replicas = 0;
      this.write(this.types.rs, rs);
    }
    const revision = current.metadata.annotations?.['deployment.kubernetes.io/revision'];
    if (revision && d.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
      this.setAnnotation(d, 'deployment.kubernetes.io/revision', revision);
    }
  }

  private setAnnotation(d: K8sObject, key: string, value: string): void {
    const fresh = this.resources.store.tryGet(this.types.deploy, d.metadata.namespace, d.metadata.name);
    if (!fresh) return;
    fresh.metadata.annotations = { ...(fresh.metadata.annotations ?? {}), [key]: value };
    this.write(this.types.deploy, fresh);
  }

  private updateDeploymentStatus(d: K8sObject): void {
    const hash = Controller.templateHash(d.spec.template);
    const sets = this.owned(this.types.rs, d);
    const current = sets.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const desired = Number(d.spec.replicas ?? 1);
    const sum = (f: string) => sets.reduce((n, rs) => n + Number(rs.status?.[f] ?? 0), 0);
    const replicas = sum('replicas');
    const ready = sum('readyReplicas');
    const updated = Number(current?.status?.replicas ?? 0);
    const updatedReady = Number(current?.status?.readyReplicas ?? 0);
    const maxUnavailable = this.maxUnavailable(d);
    const complete = updated === desired && updatedReady >= desired && replicas === desired;
    const started = this.rolloutStarted.get(d.metadata.uid) ?? Date.now();
    const deadline = Number(d.spec.progressDeadlineSeconds ?? 600) * 1000;
    const old = d.status?.conditions ?? [];
    const previous = (type: string) => old.find((c: K8sObject) => c.type === type);
    const condition = (type: string, status: string, reason: string, message: string) => {
      const before = previous(type);
      const changed = !before || before.status !== status;
      return {
        type,
        status,
        lastUpdateTime: before && before.reason === reason ? before.lastUpdateTime : now(),
        lastTransitionTime: changed ? now() : before.lastTransitionTime,
        reason,
        message,
      };
    };
    const rsName = current?.metadata.name ?? d.metadata.name;
    let progressing;
    if (complete)
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
      );
    else if (Date.now() - started > deadline || previous('Progressing')?.reason === 'ProgressDeadlineExceeded') {
      progressing = condition(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
      );
    } else
      progressing = condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`);
    if (complete) this.rolloutStarted.delete(d.metadata.uid);
    const available = ready >= desired - maxUnavailable;
    const status: K8sObject = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [
        available
          ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : condition(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ),
        progressing,
      ],
    };
    if (replicas - ready > 0) status.unavailableReplicas = replicas - ready;
    for (const f of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'])
      if (status[f] === 0) delete status[f];
    const comparable = (s: K8sObject) =>
      JSON.stringify({ ...s, conditions: (s.conditions ?? []).map((c: K8sObject) => [c.type, c.status, c.reason]) });
    if (comparable(status) === comparable(d.status ?? {})) return;
    this.write(this.types.deploy, { ...d, status });
  }

  private maxUnavailable(d: K8sObject): number {
    const desired = Number(d.spec.replicas ?? 1);
    if (d.spec.strategy?.type !== 'RollingUpdate' || desired === 0) return 0;
    const value = d.spec.strategy.rollingUpdate?.maxUnavailable ?? '25%';
    const n =
      typeof value === 'string' && value.endsWith('%')
        ? Math.floor((desired * Number(value.slice(0, -1))) / 100)
        : Number(value);
    return Math.min(Math.max(0, n), desired);
  }

  // ---- ReplicaSets ----

  private reconcileReplicaSet(rs: K8sObject): void {
    const pods = this.owned(this.types.pod, rs);
    const desired = Number(rs.spec.replicas ?? 1);
    for (let i = pods.length; i < desired; i++) {
      const template = structuredClone(rs.spec.template);
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${rs.metadata.name}-${randomBytes(4).toString('hex').slice(0, 5)}`,
          namespace: rs.metadata.namespace,
          labels: template.metadata?.labels ?? {},
          annotations: template.metadata?.annotations,
          ownerReferences: [Controller.ownerRef(rs)],
        },
        spec: template.spec,
      };
      if (!pod.metadata.annotations) delete pod.metadata.annotations;
      this.resources.create(this.types.pod, rs.metadata.namespace, pod, {
        dryRun: false,
        fieldValidation: 'Ignore',
        warnings: [],
      });
    }
    for (const pod of pods.slice(desired))
      this.resources.delete(this.types.pod, pod.metadata.namespace, pod.metadata.name, false);
    const live = this.owned(this.types.pod, rs);
    const ready = live.filter((p) =>
      (p.status?.conditions ?? []).some((c: K8sObject) => c.type === 'Ready' && c.status === 'True'),
    ).length;
    const status: K8sObject = {
      replicas: live.length,
      fullyLabeledReplicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    };
    for (const f of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'])
      if (status[f] === 0) delete status[f];
    if (JSON.stringify(status) === JSON.stringify(rs.status ?? {})) return;
    this.write(this.types.rs, { ...rs, status });
  }
}

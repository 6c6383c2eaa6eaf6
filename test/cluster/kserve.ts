/**
 * KServe's InferenceService, as the double's controller runs it: for each one, a predictor
 * Deployment + Service `<name>-predictor` running the model server, then the Ready,
 * PredictorReady and IngressReady conditions and `status.url` once the predictor is available.
 */
import { Controller, type ControllerHooks } from './controller.js';
import type { ResourceType } from './kinds.js';
import type { Resources } from './resources.js';
import type { K8sObject } from './status.js';

export const ISVC_RUNTIME_IMAGE = 'ghcr.io/mlops-gha/mlops-model-server:runtime';

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class InferenceServices {
  constructor(
    private readonly resources: Resources,
    private readonly hooks: ControllerHooks,
    private readonly types: Record<'deploy' | 'svc', ResourceType>,
  ) {}

  private type(): ResourceType | undefined {
    return this.resources.registry
      .all()
      .find((t) => t.group === 'serving.kserve.io' && t.resource === 'inferenceservices');
  }

  private inferenceServices(): K8sObject[] {
    const t = this.type();
    return t ? this.resources.store.list(t) : [];
  }

  /**
   * What KServe's controller would create for a predictor: a Deployment running the model
   * server (the double's stand-in for the ServingRuntime of the model format) with the
   * storageUri as MODEL_URI, and a Service `<name>-predictor`.
   */
  reconcile(): void {
    for (const isvc of this.inferenceServices()) this.reconcileOne(isvc);
  }

  updateStatus(): void {
    for (const isvc of this.inferenceServices()) this.updateStatusOf(isvc);
  }

  private reconcileOne(isvc: K8sObject): void {
    const name = `${isvc.metadata.name}-predictor`;
    const ns = isvc.metadata.namespace;
    const model = isvc.spec?.predictor?.model ?? {};
    const labels = { 'serving.kserve.io/inferenceservice': isvc.metadata.name, component: 'predictor' };
    // KServe serves the model under the InferenceService's name, from its storageUri.
    const env = [
      ...(Array.isArray(model.env) ? model.env : []).filter(
        (e: K8sObject) => e?.name !== 'MODEL_URI' && e?.name !== 'MODEL_NAME',
      ),
      { name: 'MODEL_URI', value: String(model.storageUri ?? '') },
      { name: 'MODEL_NAME', value: String(isvc.metadata.name) },
    ];
    const container = {
      name: 'kserve-container',
      image: model.image ?? ISVC_RUNTIME_IMAGE,
      args: Array.isArray(model.args) ? model.args : [],
      env,
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      readinessProbe: { httpGet: { path: '/v2/health/ready', port: 8080 } },
    };
    const desired = {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container] } },
    };
    const opts = { dryRun: false, fieldValidation: 'Ignore' as const, warnings: [] };
    const existing = this.resources.store.tryGet(this.types.deploy, ns, name);
    if (!existing) {
      this.resources.create(
        this.types.deploy,
        ns,
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace: ns, labels, ownerReferences: [Controller.ownerRef(isvc)] },
          spec: desired,
        },
        opts,
      );
    } else if (
      JSON.stringify(existing.spec.template.spec.containers[0]?.env) !== JSON.stringify(env) ||
      existing.spec.template.spec.containers[0]?.image !== container.image
    ) {
      this.resources.update(
        this.types.deploy,
        ns,
        name,
        { ...existing, spec: { ...existing.spec, template: desired.template } },
        opts,
      );
    }
    if (!this.resources.store.tryGet(this.types.svc, ns, name)) {
      this.resources.create(
        this.types.svc,
        ns,
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: ns, labels, ownerReferences: [Controller.ownerRef(isvc)] },
          spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
        },
        opts,
      );
    }
  }

  private updateStatusOf(isvc: K8sObject): void {
    const t = this.type();
    if (!t) return;
    const d = this.resources.store.tryGet(
      this.types.deploy,
      isvc.metadata.namespace,
      `${isvc.metadata.name}-predictor`,
    );
    const ready =
      d?.status?.observedGeneration === d?.metadata.generation &&
      (d?.status?.conditions ?? []).some(
        (c: K8sObject) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable',
      );
    const url = this.hooks.serviceUrl(isvc.metadata.namespace, `${isvc.metadata.name}-predictor`);
    const cond = (type: string) => {
      const before = (isvc.status?.conditions ?? []).find((c: K8sObject) => c.type === type);
      const status = ready ? 'True' : 'False';
      return {
        type,
        status,
        lastTransitionTime: before?.status === status ? before.lastTransitionTime : now(),
        ...(ready ? {} : { reason: 'PredictorNotReady', message: 'predictor Deployment is not available' }),
      };
    };
    const status: K8sObject = {
      observedGeneration: isvc.metadata.generation,
      conditions: [cond('IngressReady'), cond('PredictorReady'), cond('Ready')],
      modelStatus: { states: { activeModelState: ready ? 'Loaded' : 'Pending', targetModelState: 'Loaded' } },
    };
    if (ready && url) {
      status.url = url;
      status.address = { url };
    }
    const strip = (s: K8sObject) =>
      JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c: K8sObject) => [c.type, c.status]) });
    if (strip(status) === strip(isvc.status ?? {})) return;
    this.resources.store.update(t, { ...isvc, status });
  }
}

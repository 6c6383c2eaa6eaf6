/**
 * Where the smoke test reaches the model server. With `smoke-test-url`, there. Without it, the
 * release's own Service, found in the revision's rendered manifest (the Service that selects
 * the pods of the release's Deployment, or the `-predictor` Service KServe creates for an
 * InferenceService), reached through the Kubernetes API server's service proxy
 * (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/`) with the kubeconfig helm used: the
 * runner needs no route into the cluster, only the API access the deploy already has.
 */
import { describeError, UserError, type Logger } from '@mlops-gha/common';
import type { Helm, Target } from '@mlops-gha/helm';
import { parseAllDocuments } from 'yaml';
import { kubeAccess } from './kubeconfig.js';
import type { HttpJson } from './smoke.js';

export interface SmokeEndpoint {
  url: string;
  http?: HttpJson;
  /** How the endpoint is named in messages. */
  label?: string;
}

export interface ModelService {
  name: string;
  /** The port's name, or its number when unnamed. */
  port: string;
  why: string;
}

interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    selector?: Record<string, string> | { matchLabels?: Record<string, string> };
    ports?: { name?: string; port?: number }[];
    template?: { metadata?: { labels?: Record<string, string> } };
  };
}

const isLabels = (v: unknown): v is Record<string, string> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** The Service of the release that fronts its model pods, from the rendered manifest. */
export function findModelService(manifest: string): ModelService | undefined {
  const objects: Obj[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if ('empty' in doc || doc.errors.length) continue;
    const value = doc.toJS() as Obj | null;
    if (value && typeof value === 'object' && typeof value.metadata?.name === 'string') objects.push(value);
  }
  const isvc = objects.find((o) => o.kind === 'InferenceService' && o.apiVersion?.startsWith('serving.kserve.io/'));
  if (isvc)
    return {
      name: `${isvc.metadata!.name}-predictor`,
      port: 'http',
      why: `the predictor Service KServe creates for the InferenceService ${isvc.metadata!.name}`,
    };
  const services = objects.filter((o) => o.kind === 'Service' && (o.spec?.ports?.length ?? 0) > 0);
  const podLabels = objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => ({ kind: o.kind!, name: o.metadata!.name!, labels: o.spec?.template?.metadata?.labels ?? {} }));
  const selecting = services
    .map((s) => {
      const selector = s.spec?.selector;
      const pods = isLabels(selector)
        ? podLabels.find(
            (p) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => p.labels[k] === v),
          )
        : undefined;
      return { s, pods };
    })
    .filter((x) => x.pods);
  // among the Services that select the release's pods, one with a port named http comes first
  const ranked = [...selecting].sort(
    (a, b) =>
      Number(!!b.s.spec!.ports!.some((p) => p.name === 'http')) -
      Number(!!a.s.spec!.ports!.some((p) => p.name === 'http')),
  );
  const chosen = ranked[0];
  if (!chosen) return undefined;
  const port = chosen.s.spec!.ports!.find((p) => p.name === 'http') ?? chosen.s.spec!.ports![0]!;
  return {
    name: chosen.s.metadata!.name!,
    port: port.name || String(port.port),
    why: `the Service selecting the pods of ${chosen.pods!.kind} ${chosen.pods!.name}`,
  };
}

/**
 * The endpoint the smoke test uses: `smoke-test-url`, else the release's Service through the
 * API server's proxy; undefined (with the reason logged) when neither can be had.
 */
export async function smokeEndpoint(o: {
  smokeTestUrl?: string;
  helm: Helm;
  target: Target;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}): Promise<SmokeEndpoint | undefined> {
  if (o.smokeTestUrl) return { url: o.smokeTestUrl };
  const service = findModelService(await o.helm.manifest(o.target));
  if (!service) {
    o.logger.info(
      `no smoke-test-url, and the manifest of ${o.target.release} has no Service selecting its pods: the served model was not checked`,
    );
    return undefined;
  }
  try {
    const kube = await kubeAccess({
      ...(o.target.kubeContext ? { kubeContext: o.target.kubeContext } : {}),
      env: o.env,
    });
    const path = `/api/v1/namespaces/${encodeURIComponent(o.target.namespace)}/services/${encodeURIComponent(service.name)}:${encodeURIComponent(service.port)}/proxy`;
    const label = `Service ${o.target.namespace}/${service.name} port ${service.port} (through the Kubernetes API's service proxy)`;
    o.logger.info(`smoke test endpoint: ${label}, ${service.why}`);
    return { url: `${kube.server}${path}`, http: kube.http, label };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    o.logger.warning(
      `The release's Service ${service.name} was found, but the Kubernetes API cannot be reached to smoke-test it: ${describeError(error)}`,
    );
    return undefined;
  }
}

export {
  startCluster,
  MODEL_SERVER_BUNDLE,
  REPO_ROOT,
  type Cluster,
  type ClusterFault,
  type ClusterOptions,
  type RecordedRequest,
} from './cluster.js';
export { LOOPBACK_URL_ANNOTATION, ISVC_RUNTIME_IMAGE } from './controller.js';
export type { PodFault } from './pods.js';
export { KSERVE_CRD, installCrd } from './crds.js';

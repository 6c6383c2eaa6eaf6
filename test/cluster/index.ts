export {
  startCluster,
  MODEL_SERVER_BUNDLE,
  REPO_ROOT,
  type Cluster,
  type ClusterFault,
  type ClusterOptions,
  type RecordedRequest,
} from './cluster.js';
export { LOOPBACK_URL_ANNOTATION } from './controller.js';
export { ISVC_RUNTIME_IMAGE } from './kserve.js';
export type { PodFault } from './pods.js';
export { KSERVE_CRD, installCrd } from './crds.js';

/**
 * `npm run cluster [-- --kubeconfig PATH] [--port N] [--kserve]`: the Kubernetes API double in
 * the foreground for a person (or the demo) to point helm and kubectl at. Prints the
 * kubeconfig path; Ctrl-C stops it and its pods' processes.
 */
import { parseArgs } from 'node:util';
import { startCluster } from './cluster.js';
import { KSERVE_CRD } from './crds.js';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    port: { type: 'string' },
    'no-kserve': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run cluster -- [--kubeconfig PATH] [--port N] [--no-kserve]');
  process.exit(0);
}
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
  console.error(`cluster: --port must be a TCP port number (0-65535), got "${values.port}"`);
  process.exit(2);
}
const cluster = await startCluster({
  kubeconfigPath: values.kubeconfig,
  port,
  crds: values['no-kserve'] ? [] : [KSERVE_CRD],
});
console.log(`cluster: Kubernetes API double at ${cluster.url}`);
console.log(`cluster: kubeconfig ${cluster.kubeconfigPath}`);
console.log(`cluster:   export KUBECONFIG=${cluster.kubeconfigPath}`);
console.log('cluster: Services get a loopback URL in their annotation mlops-gha.dev/loopback-url. Ctrl-C stops.');

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`cluster: ${signal}, stopping`);
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

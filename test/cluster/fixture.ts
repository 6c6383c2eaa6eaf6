/** The cluster a test file works against: started (helm tools checked) before its tests, stopped after. */
import { afterAll, beforeAll } from '@jest/globals';
import { requireHelmTools } from '../harness/helm-tools.js';
import { startCluster, type Cluster, type ClusterFault, type ClusterOptions } from './cluster.js';

/** Registers beforeAll/afterAll; the returned object's `cluster` is set once the file's tests start. */
export function clusterFixture(options: ClusterOptions = {}, faults: ClusterFault[] = []): { cluster: Cluster } {
  const fixture = {} as { cluster: Cluster };
  beforeAll(async () => {
    requireHelmTools();
    fixture.cluster = await startCluster(options);
    for (const fault of faults) fixture.cluster.setFault(fault);
  }, 120_000);
  afterAll(async () => fixture.cluster?.stop());
  return fixture;
}

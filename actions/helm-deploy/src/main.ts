import * as core from '@actions/core';
import { actionsLogger, reportFailure, runMain, setOutputs, writeSummary } from '@mlops-gha/action-common';
import { deploy, deploySummary } from '@mlops-gha/deploy';
import { readSettings } from './settings.js';

// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then SIGKILL: the first
// signal stops helm and makes the deploy put the release back (never left pending-*).
const cancel = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (!cancel.signal.aborted)
      core.warning(`${signal}: the job is being cancelled; stopping helm and putting the release back`);
    cancel.abort();
  });
}

await runMain(async () => {
  const settings = readSettings();
  const outcome = await deploy(settings, { logger: actionsLogger(), signal: cancel.signal });
  setOutputs({
    revision: outcome.revision,
    'previous-revision': outcome.previousRevision,
    status: outcome.status,
    'model-version': outcome.modelVersion,
    'deployment-id': outcome.deploymentId,
  });
  core.summary.addRaw(deploySummary(settings, outcome), true);
  await writeSummary();
  if (outcome.failure) reportFailure(outcome.failure);
});

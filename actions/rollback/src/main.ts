import * as core from '@actions/core';
import { actionsLogger, reportFailure, runMain, setOutputs, writeSummary } from '@mlops-gha/action-common';
import { rollback, rollbackSummary } from '@mlops-gha/deploy';
import { readSettings } from './settings.js';

await runMain(async () => {
  const settings = readSettings();
  const outcome = await rollback(settings, { logger: actionsLogger() });
  setOutputs({
    'from-revision': outcome.fromRevision,
    'to-revision': outcome.toRevision,
    'new-revision': outcome.newRevision,
    'model-version': outcome.modelVersion,
  });
  core.summary.addRaw(rollbackSummary(settings, outcome), true);
  await writeSummary();
  if (outcome.failure) reportFailure(outcome.failure);
});

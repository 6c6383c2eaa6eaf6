import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import * as core from '@actions/core';
import { actionsLogger, runMain, setOutputs, writeSummary } from '@mlops-gha/action-common';
import { Cancellation, train } from '@mlops-gha/training';
import { expandOutputs } from './outputs.js';
import { readSettings } from './settings.js';
import { addRunSummary } from './summary.js';
import { commonRoot, uploadRun, type UploadedArtifact } from './upload.js';

// Installed first: a cancel that arrives while the command runs is forwarded to it, and one
// that arrives later no longer kills the action before the record is uploaded.
const cancellation = new Cancellation();

await runMain(async () => {
  try {
    const settings = readSettings();
    const logger = actionsLogger();
    const recordPath = join(settings.workingDirectory, 'run.json');
    const outcome = await train({
      ...settings,
      env: process.env,
      scriptDir: process.env.RUNNER_TEMP || tmpdir(),
      recordPath,
      expandOutputs,
      groups: { start: (title) => core.startGroup(title), end: () => core.endGroup() },
      cancellation,
      logger,
      output: 'inherit',
    });
    const fromWorkspace = (p: string) => relative(settings.workspace, p).split(sep).join('/');

    let artifact: UploadedArtifact | undefined;
    let uploadError: unknown;
    if (settings.artifactName) {
      const files = [recordPath, ...outcome.outputFiles];
      try {
        artifact = await uploadRun(settings.artifactName, files, commonRoot(files));
        logger.info(
          `Uploaded artifact ${settings.artifactName} (id ${artifact.id}): run.json and ${outcome.outputFiles.length} output file(s).`,
        );
      } catch (error) {
        uploadError = error;
      }
    }

    setOutputs({
      'run-id': outcome.record.run_id,
      metrics: outcome.record.metrics,
      'model-path': outcome.outputFiles[0] ? fromWorkspace(outcome.outputFiles[0]) : undefined,
      'run-record': fromWorkspace(recordPath),
      'artifact-id': artifact?.id,
      gpu: outcome.record.gpu.summary,
      'duration-seconds': outcome.record.duration_seconds,
    });
    addRunSummary(outcome, fromWorkspace(recordPath), artifact, settings.artifactName);
    await writeSummary();

    if (outcome.failure) {
      // The training's failure is the step's failure; an upload problem on top of it is a warning.
      if (uploadError) logger.warning(uploadError instanceof Error ? uploadError.message : String(uploadError));
      throw outcome.failure;
    }
    if (uploadError) throw uploadError;
  } finally {
    cancellation.dispose();
  }
});

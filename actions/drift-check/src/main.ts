import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { actionsLogger, runMain, setOutputs, writeSummary } from '@mlops-gha/action-common';
import { type Logger } from '@mlops-gha/common';
import { buildProfile, checkDrift, validateProfile, type Profile } from '@mlops-gha/drift';
import { upsertStickyComment } from '@mlops-gha/github';
import { Registry } from '@mlops-gha/registry';
import { readSettings, type DriftCheckSettings } from './settings.js';

interface Reference {
  profile: Profile;
  label: string;
  model?: string;
  metrics?: Record<string, number>;
}

/** The reference profile: the registry version's profile.json (and its model), or a data file profiled now. */
async function loadReference(settings: DriftCheckSettings, work: string, logger: Logger): Promise<Reference> {
  if (settings.reference.kind === 'file') {
    const profile = await buildProfile(settings.reference.path, {
      input: 'reference',
      model: settings.model,
      label: settings.labelColumn,
      logger,
    });
    return { profile, label: settings.reference.path, model: settings.model };
  }
  const registry = Registry.open(settings.registry!, { endpoint: settings.endpoint, region: settings.region, logger });
  try {
    const resolved = await registry.resolve(settings.reference.ref);
    const profile = validateProfile(
      await registry.readProfile(resolved.name, resolved.version),
      `of ${resolved.name}/${resolved.version}`,
    );
    let model = settings.model;
    const onnx = resolved.manifest.files.find((f) => /\.onnx$/i.test(f.path));
    if (!model && onnx && profile.predictions) {
      const dest = await mkdtemp(join(work, 'model-'));
      await registry.download(resolved.name, resolved.version, dest);
      model = join(dest, ...onnx.path.split('/'));
    }
    return {
      profile,
      label: `${settings.reference.ref} (version ${resolved.version}, profile of ${profile.source})`,
      model,
      metrics: resolved.manifest.metrics,
    };
  } finally {
    registry.close();
  }
}

await runMain(async () => {
  const settings = readSettings();
  const logger = actionsLogger();
  const work = join(process.env.RUNNER_TEMP || tmpdir(), 'drift-check');
  await mkdir(work, { recursive: true });
  const reference = await loadReference(settings, work, logger);
  const outcome = await checkDrift({
    current: settings.current,
    reference: reference.profile,
    referenceLabel: reference.label,
    model: reference.model,
    labelColumn: settings.labelColumn,
    referenceMetrics: reference.metrics,
    columns: settings.columns,
    methods: settings.methods,
    threshold: settings.threshold,
    driftShare: settings.driftShare,
    correction: settings.correction,
    logger,
  });
  const { result } = outcome;
  for (const note of result.notes) logger.info(note);
  logger.info(
    `${result.drifted.length} of ${result.tested} columns drifted (share ${result.share.toFixed(3)}): dataset drift ${result.drift}`,
  );

  const reportPath = join(work, 'report.md');
  await writeFile(reportPath, outcome.report);
  core.summary.addRaw(`## drift-check\n\n${outcome.report}`, true);

  const pullNumber = context.payload.pull_request?.number;
  if (pullNumber !== undefined && settings.token) {
    const comment = await upsertStickyComment({
      token: settings.token,
      apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
      owner: context.repo.owner,
      repo: context.repo.repo,
      issueNumber: pullNumber,
      key: 'drift-check/default',
      body: `## drift-check\n\n${outcome.report}`,
      logger,
    });
    if (comment.outcome === 'forbidden') {
      core.warning(
        `No pull-request comment: the token may not write to pull request #${pullNumber} (${comment.message}). The report is in the job summary.`,
        { title: 'drift-check comment skipped' },
      );
    } else logger.info(`Pull-request comment ${comment.outcome}: ${comment.url}`);
  }

  setOutputs({ drift: result.drift, 'drifted-columns': result.drifted, share: result.share, report: reportPath });
  await writeSummary();
  if (settings.failOnDrift && result.drift) {
    core.setFailed(
      `drift-check: ${settings.current} drifted from ${reference.label} in ${result.drifted.length} of ${result.tested} columns (${result.drifted.join(', ')}); fail-on-drift is true. The report (${reportPath} and the job summary) shows each column; retrain on the fresh data, or set \`fail-on-drift: false\` to only report drift.`,
    );
  }
});

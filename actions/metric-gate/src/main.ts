import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { actionsLogger, runMain, setOutputs, writeSummary } from '@mlops-gha/action-common';
import { runMetricGate } from '@mlops-gha/gate';
import { upsertStickyComment } from '@mlops-gha/github';
import { resolveRegistryBaseline } from './registry-baseline.js';
import { readSettings } from './settings.js';

await runMain(async () => {
  const settings = readSettings();
  const logger = actionsLogger();
  const work = join(process.env.RUNNER_TEMP || tmpdir(), 'metric-gate');
  const outcome = await runMetricGate(
    {
      ...settings.gate,
      resolveRegistryBaseline: (uri, prefer) =>
        resolveRegistryBaseline(uri, settings.registry, join(work, 'baseline'), {
          endpoint: settings.endpointUrl,
          region: settings.region,
          logger,
          prefer,
        }),
    },
    logger,
  );
  const { decision } = outcome;

  const reportPath = join(work, `${settings.commentKey.replace(/[^\w.-]/g, '_')}.md`);
  await mkdir(join(reportPath, '..'), { recursive: true });
  await writeFile(reportPath, outcome.report);
  core.summary.addRaw(outcome.report, true);

  let commentUrl: string | undefined;
  const pullNumber = context.payload.pull_request?.number ?? context.payload.issue?.number;
  const wantComment = settings.comment ?? pullNumber !== undefined;
  if (pullNumber === undefined) {
    logger.info(
      `No pull request in this ${context.eventName ? `${context.eventName} ` : ''}event: the report is in the job summary and at ${reportPath}; no comment written.`,
    );
  } else if (wantComment && !settings.token) {
    core.warning('No pull-request comment: `github-token` is empty. The report is in the job summary.');
  } else if (wantComment) {
    const result = await upsertStickyComment({
      token: settings.token!,
      apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
      owner: context.repo.owner,
      repo: context.repo.repo,
      issueNumber: pullNumber!,
      key: `metric-gate/${settings.commentKey}`,
      body: outcome.commentReport,
      logger,
    });
    if (result.outcome === 'forbidden') {
      core.warning(
        `No pull-request comment: the token may not write to pull request #${pullNumber} (${result.message}). ` +
          'Pull requests from forks get a read-only GITHUB_TOKEN; otherwise grant `permissions: pull-requests: write`. The report is in the job summary.',
        { title: 'metric-gate comment skipped' },
      );
    } else {
      commentUrl = result.url;
      logger.info(`Pull-request comment ${result.outcome}: ${result.url}`);
    }
  }

  setOutputs({
    verdict: decision.verdict,
    metrics: outcome.candidateMetrics,
    report: reportPath,
    'comment-url': commentUrl,
  });
  await writeSummary();
  if (decision.failStep) {
    const failing = decision.outcomes.filter((o) => o.status !== 'pass').map((o) => `${o.rule.text} (${o.status})`);
    core.setFailed(`metric-gate verdict: ${decision.verdict} (fail-on: ${decision.failOn}): ${failing.join('; ')}`);
  }
});

/**
 * The demo: the ML lifecycle of workflows-examples/ on this machine, with no credentials and
 * no network. Every step runs an action's committed bundle in a child process exactly as
 * GitHub's runner does (test/harness/run-action.ts), on a copy of the example project, with a
 * local DVC remote, a local registry and a local GitHub API double for the pull-request comment.
 *
 *   npm run demo                 (or: npx tsx demo/run.ts [--verbose], from any directory)
 *   DEMO_DIR=/some/folder ...    where to work and write the report [<repo>/.demo]
 *
 * The story, in order: pull -> train -> gate (no baseline) -> push v1 -> deploy to staging ->
 * promote production -> a worse model on a pull request stopped by the gate (the comment it
 * posts) -> a better model released as v2 -> a v3 whose smoke test fails, rolled back -> a
 * manual rollback -> fresh data that has drifted, starting a retrain -> the audit log.
 * Steps whose action is not built yet are listed as such, never faked.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { openRegistry } from '@mlops-gha/registry';
import { startGitHubApi, type GitHubApiDouble } from '../test/doubles/github-api.js';
import { repoRoot } from '../test/harness/run-action.js';
import { writeReport, runVerdict, type EventRow, type VersionRow } from './report.js';
import { DemoRun, declares, isBuilt } from './steps.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const MODEL = 'churn-classifier';
const OWNER = 'octo-org';
const REPO = 'octo-repo';
const TOKEN = 'ghs_demo_token';
const PR = 7;
const FEATURES = ['tenure_months', 'monthly_charges', 'support_calls', 'late_payments', 'contract_years', 'usage_gb'];

const demoDir = process.env.DEMO_DIR ? resolve(process.env.DEMO_DIR) : join(repoRoot, '.demo');
const project = join(demoDir, 'example-project');
const registry = join(demoDir, 'registry');
const verbose = process.argv.includes('--verbose');

/** What `npm run setup` installs that this run needs; named, never installed from here. */
function missingTools(): string[] {
  const missing: string[] = [];
  const probe = spawnSync(PYTHON, ['-c', 'import numpy, sklearn, onnx, yaml'], { encoding: 'utf8' });
  if (probe.status !== 0) missing.push(`${PYTHON} with numpy, scikit-learn, onnx and PyYAML (Debian: python3-sklearn python3-onnx python3-yaml)`);
  if (!existsSync(join(repoRoot, 'tools/node24/node_modules/node/bin/node')) && process.versions.node.split('.')[0] !== '24') {
    missing.push('Node 24 in tools/node24 (npm ci installs it)');
  }
  return missing;
}

/** A "commit" of the example project: params.yaml edited as a developer would, and a sha for it. */
async function commit(features: string[]): Promise<string> {
  const path = join(project, 'params.yaml');
  const text = await readFile(path, 'utf8');
  const next = text.replace(/features: \[[^\]]*\]/, `features: [${features.join(', ')}]`);
  if (!next.includes(`features: [${features.join(', ')}]`)) throw new Error(`demo: could not set train.features in ${path}`);
  await writeFile(path, next);
  return createHash('sha1').update(next).digest('hex');
}

function workflowEnv(workflow: string, sha: string, ref = 'refs/heads/main'): Record<string, string> {
  return { GITHUB_WORKFLOW: workflow, GITHUB_SHA: sha, GITHUB_REF: ref, GITHUB_JOB: workflow };
}

const trainInputs = (dataVersion: string, run = `${PYTHON} train.py`): Record<string, string> => ({
  run,
  'metrics-file': 'metrics.json',
  'params-file': 'params.yaml',
  outputs: 'model.onnx',
  'data-version': dataVersion,
  'sample-interval': '1',
});

/** registry-push inputs; sample-data / profile-data only where the action declares them already. */
function pushInputs(alias: string, runRecord: string, description: string, sample: string, profile: string): Record<string, string> {
  const inputs: Record<string, string> = { name: MODEL, model: 'model.onnx', registry, alias, 'metrics-file': 'metrics.json', 'run-record': runRecord, description };
  if (declares('registry-push', 'sample-data')) inputs['sample-data'] = sample;
  if (declares('registry-push', 'profile-data')) inputs['profile-data'] = profile;
  return inputs;
}

async function registryFacts(): Promise<{ versions: VersionRow[]; events: EventRow[] }> {
  if (!existsSync(join(registry, MODEL))) return { versions: [], events: [] };
  const reg = openRegistry(registry);
  try {
    const versions: VersionRow[] = [];
    for (const v of await reg.listVersions(MODEL)) {
      const manifest = await reg.readManifest(MODEL, v.version);
      const metrics = Object.fromEntries(Object.entries(manifest.metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'));
      versions.push({ version: v.version, createdAt: v.created_at, sha256: v.sha256, aliases: v.aliases, description: manifest.description ?? '', metrics });
    }
    const events = (await reg.listEvents(MODEL)).map((e) => ({
      at: e.at,
      type: e.type,
      actor: e.actor ?? '',
      detail: [
        e.version !== undefined ? `version ${e.version}` : '',
        e.alias ? `alias ${e.alias}: ${e.from ?? 'none'} -> ${e.to}` : '',
        e.applied === false ? '(not applied)' : '',
        e.reason ? `reason: ${e.reason}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    }));
    return { versions, events };
  } finally {
    reg.close();
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const missing = missingTools();
  if (missing.length) {
    console.error(`demo: missing on this machine (run \`npm run setup\` at ${repoRoot}):\n  - ${missing.join('\n  - ')}`);
    return 2;
  }
  if (!isAbsolute(demoDir)) throw new Error('unreachable: demoDir is resolved');
  // A fresh copy every run, so a second run starts from the same state as the first.
  await rm(demoDir, { recursive: true, force: true });
  await mkdir(demoDir, { recursive: true });
  await cp(join(repoRoot, 'workflows-examples/example-project'), project, {
    recursive: true,
    filter: (src) => !/example-project\/(data|fresh|model\.onnx|metrics\.json|run\.json)$/.test(src),
  });
  console.log(`demo: working in ${demoDir} (example project, registry, job summaries, report)`);

  const api: GitHubApiDouble = await startGitHubApi();
  api.addToken(TOKEN, { login: 'github-actions[bot]', permission: 'write' });
  const demo = new DemoRun(project, join(demoDir, 'summaries'), !verbose);
  try {
    await story(demo, api);
  } finally {
    await api.stop();
  }

  const comments = api.comments(OWNER, REPO, PR);
  const commentRequests = api.requests.filter((r) => r.path.includes('/issues/') && r.path.includes('comments'));
  const facts = await registryFacts();
  const reportPath = join(demoDir, 'report.html');
  const seconds = (Date.now() - started) / 1000;
  await writeReport(reportPath, {
    title: 'MLOps lifecycle demo: churn-classifier',
    startedAt: new Date(started).toISOString(),
    seconds,
    records: demo.records,
    prComment: comments[0]
      ? {
          url: comments[0].html_url,
          body: comments[0].body,
          posts: commentRequests.filter((r) => r.method === 'POST').length,
          edits: commentRequests.filter((r) => r.method === 'PATCH').length,
        }
      : undefined,
    versions: facts.versions,
    events: facts.events,
    missing,
  });

  console.log('\n### Registry');
  for (const v of facts.versions) console.log(`  v${v.version} ${v.aliases.length ? `[${v.aliases.join(', ')}] ` : ''}roc_auc=${v.metrics.roc_auc?.toFixed(4)} ${v.description}`);
  console.log('### Audit log');
  for (const e of facts.events) console.log(`  ${e.at} ${e.type.padEnd(15)} ${e.detail}`);
  const verdict = runVerdict(demo.records);
  const notBuilt = demo.records.filter((r) => r.outcome === 'not built').map((r) => `${r.n}. ${r.label}`);
  console.log(`\ndemo: ${verdict.text} in ${seconds.toFixed(1)} s`);
  if (notBuilt.length) console.log(`demo: not built yet:\n  ${notBuilt.join('\n  ')}`);
  console.log(`demo: job summaries in ${join(demoDir, 'summaries')}`);
  console.log(`demo: report: ${reportPath}`);
  return verdict.ok ? 0 : 1;
}

async function story(demo: DemoRun, api: GitHubApiDouble): Promise<void> {
  const five = FEATURES.filter((f) => f !== 'late_payments');
  const gateCommon = { model: 'model.onnx', 'label-column': 'churn', registry, seed: '1', 'bootstrap-samples': '1000', 'fail-on': 'fail' };

  // --- release.yml on the first commit: v1 -------------------------------------------------
  let sha = await commit(five);
  demo.beginChapter('release 1 (push to main)');
  const env1 = workflowEnv('release', sha);
  const pull = await demo.step('pull data.dvc from the local DVC remote', 'data-pull', {
    inputs: { targets: 'data.dvc', remote: 'local' },
    env: env1,
    show: ['data-version', 'files', 'bytes'],
  });
  const dataVersion = pull?.outputs['data-version'] ?? '';
  const train1 = await demo.step('train v1 (5 features)', 'train', { inputs: trainInputs(dataVersion), env: env1, show: ['run-id', 'metrics', 'duration-seconds'] });
  await demo.step('gate v1 on absolute thresholds (no baseline yet)', 'metric-gate', {
    inputs: { ...gateCommon, dataset: 'data/holdout.csv', rules: 'roc_auc >= 0.7\naccuracy >= 0.65', comment: 'false', 'data-version': dataVersion },
    env: env1,
    show: ['verdict'],
  });
  await demo.step('register v1 as staging', 'registry-push', {
    inputs: pushInputs('staging', train1?.outputs['run-record'] ?? '', 'v1: first release', 'data/holdout.csv', 'data/train.csv'),
    env: env1,
    show: ['version', 'sha256', 'created'],
  });
  await deployOrSkip(demo, 'deploy v1 to staging, smoke test');
  await promote(demo, 'promote v1 to production', env1);

  // --- pr.yml: a worse model on a pull request -----------------------------------------------
  sha = await commit(five.filter((f) => f !== 'support_calls'));
  demo.beginChapter(`pull request #${PR} (drops support_calls)`);
  const prEnv = workflowEnv('pr', sha, `refs/pull/${PR}/merge`);
  const prEvent = {
    action: 'synchronize',
    number: PR,
    pull_request: {
      number: PR,
      head: { sha, ref: 'drop-support-calls', repo: { full_name: `${OWNER}/${REPO}`, fork: false } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository: { name: REPO, owner: { login: OWNER }, full_name: `${OWNER}/${REPO}` },
  };
  const trainPr = await demo.step('train the pull request\'s model', 'train', { inputs: trainInputs(dataVersion), env: prEnv, show: ['metrics'] });
  await demo.step('gate against registry://churn-classifier@production, comment on the PR', 'metric-gate', {
    inputs: {
      ...gateCommon,
      dataset: 'data/holdout.csv',
      baseline: `registry://${MODEL}@production`,
      rules: 'roc_auc >= baseline - 0.01\naccuracy >= baseline - 0.02',
      'data-version': dataVersion,
      comment: 'true',
      'comment-key': MODEL,
    },
    env: prEnv,
    eventName: 'pull_request',
    event: prEvent,
    apiUrl: api.url,
    token: TOKEN,
    expectFailure: true,
    show: ['verdict', 'comment-url'],
  });
  void trainPr;

  // --- release.yml on a better commit: v2 -----------------------------------------------------
  sha = await commit(FEATURES);
  demo.beginChapter('release 2 (adds late_payments)');
  const env2 = workflowEnv('release', sha);
  const train2 = await demo.step('train v2 (6 features)', 'train', { inputs: trainInputs(dataVersion), env: env2, show: ['metrics'] });
  await demo.step('gate v2 against production (paired bootstrap)', 'metric-gate', {
    inputs: { ...gateCommon, dataset: 'data/holdout.csv', baseline: `registry://${MODEL}@production`, rules: 'roc_auc >= baseline - 0.01\naccuracy >= baseline - 0.02', comment: 'false', 'data-version': dataVersion },
    env: env2,
    show: ['verdict'],
  });
  await demo.step('register v2 as staging', 'registry-push', {
    inputs: pushInputs('staging', train2?.outputs['run-record'] ?? '', 'v2: adds late_payments', 'data/holdout.csv', 'data/train.csv'),
    env: env2,
    show: ['version', 'sha256', 'created'],
  });
  await deployOrSkip(demo, 'deploy v2 to staging and production, smoke test');
  await promote(demo, 'promote v2 to production', env2);

  demo.beginChapter('release 3 (a model the cluster does not serve faithfully)');
  await deployOrSkip(demo, 'deploy v3: smoke test fails, rolled back automatically');
  demo.beginChapter('rollback.yml (workflow_dispatch)');
  if (isBuilt('rollback') && isBuilt('helm-deploy')) demo.skip('manual rollback to v1 with a reason', 'rollback', 'needs the cluster wiring of the deploy steps', 'skipped');
  else demo.skip('manual rollback to v1 with a reason', 'rollback', 'actions/rollback has no committed bundle yet');

  // --- retrain.yml: fresh data has drifted --------------------------------------------------
  demo.beginChapter('retrain (schedule)');
  const retrainEnv = workflowEnv('retrain', sha);
  const fresh = await demo.step('pull the fresh snapshot fresh.dvc', 'data-pull', { inputs: { targets: 'fresh.dvc', remote: 'local' }, env: retrainEnv, show: ['data-version', 'files'] });
  const freshVersion = fresh?.outputs['data-version'] ?? '';
  const drift = await demo.step('drift-check fresh/current.csv against production', 'drift-check', {
    inputs: {
      current: 'fresh/current.csv',
      reference: declares('registry-push', 'profile-data') ? `registry://${MODEL}@production` : 'data/train.csv',
      registry,
      'label-column': 'churn',
    },
    env: retrainEnv,
    show: ['drift', 'drifted-columns', 'share'],
  });
  const drifted = drift?.outputs.drift === 'true';
  if (drift && !drifted) {
    demo.skip('retrain', 'train', 'drift-check found no drift, so the scheduled run stops here', 'skipped');
    return;
  }
  // Without drift-check built, the retrain runs as retrain.yml does when dispatched with force.
  const why = drifted ? `drift in ${drift?.outputs['drifted-columns']}` : 'dispatched with force (drift-check not built)';
  const train3 = await demo.step(`retrain on fresh/current.csv (${why})`, 'train', { inputs: trainInputs(freshVersion, `${PYTHON} train.py --train fresh/current.csv`), env: retrainEnv, show: ['metrics'] });
  const gate3 = await demo.step('gate the retrained model against production on fresh/holdout.csv', 'metric-gate', {
    inputs: { ...gateCommon, dataset: 'fresh/holdout.csv', baseline: `registry://${MODEL}@production`, rules: 'roc_auc >= baseline\nlog_loss <= baseline', comment: 'false', 'data-version': freshVersion },
    env: retrainEnv,
    show: ['verdict'],
  });
  if (gate3) {
    await demo.step('register the retrained model as candidate', 'registry-push', {
      inputs: pushInputs('candidate', train3?.outputs['run-record'] ?? '', 'retrained on the drifted snapshot', 'fresh/holdout.csv', 'fresh/current.csv'),
      env: retrainEnv,
      show: ['version', 'created'],
    });
  }
}

/** Deploy steps need helm-deploy, the chart, real helm and the cluster on loopback. */
async function deployOrSkip(demo: DemoRun, label: string): Promise<void> {
  demo.skip(label, 'helm-deploy', isBuilt('helm-deploy') ? 'the demo does not drive the cluster on loopback yet' : 'actions/helm-deploy has no committed bundle yet', isBuilt('helm-deploy') ? 'skipped' : 'not built');
}

/**
 * Production's alias. helm-deploy moves it (promote-alias) after a deploy; until that runs
 * here, the same compare-and-swap move is made by registry-push re-pushing the identical
 * model (it returns the existing version, created=false, and moves the alias).
 */
async function promote(demo: DemoRun, label: string, env: Record<string, string>): Promise<void> {
  await demo.step(`${label} (registry alias; helm-deploy's promote-alias once deploys run)`, 'registry-push', {
    inputs: { name: MODEL, model: 'model.onnx', registry, alias: 'production', 'metrics-file': 'metrics.json' },
    env,
    show: ['version', 'created'],
  });
}

process.exitCode = await main();

/**
 * The demo's story, in the order of the issue: each chapter is a workflow run of
 * workflows-examples/ on a "commit" of the example project, each step an action's bundle
 * (DemoRun.step). Deploy and rollback steps need the helm-deploy/rollback bundles and helm;
 * without them they are listed as not built, and production's alias is moved the way a
 * registry user would (registry-push of the identical model with `alias: production`).
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitHubApiDouble } from '../test/doubles/github-api.js';
import type { DemoCluster } from './cluster.js';
import { declares, isBuilt, type DemoRun } from './steps.js';

export const MODEL = 'churn-classifier';
export const RELEASE = 'churn-api';
export const OWNER = 'octo-org';
export const REPO = 'octo-repo';
export const TOKEN = 'ghs_demo_token';
export const PR = 7;
const FEATURES = ['tenure_months', 'monthly_charges', 'support_calls', 'late_payments', 'contract_years', 'usage_gb'];
const GATE_RULES = 'roc_auc >= baseline - 0.01\naccuracy >= baseline - 0.02';

export interface StoryContext {
  demo: DemoRun;
  api: GitHubApiDouble;
  project: string;
  registry: string;
  python: string;
  /** The cluster on loopback, when helm is installed and helm-deploy is built. */
  k8s?: DemoCluster;
  /** The ingress URL of each environment's Service (the workflows' smoke-test-url). */
  urls: Record<'staging' | 'production', string>;
}

type Env = Record<string, string>;

export async function story(ctx: StoryContext): Promise<void> {
  const { demo, registry } = ctx;
  const five = FEATURES.filter((f) => f !== 'late_payments');
  const gateCommon = {
    model: 'model.onnx',
    'label-column': 'churn',
    registry,
    seed: '1',
    'bootstrap-samples': '1000',
    'fail-on': 'fail',
  };

  // --- release.yml on the first commit: v1 ------------------------------------------------
  let sha = await commit(ctx, five);
  demo.beginChapter('release 1 (push to main)');
  const env1 = workflowEnv('release', sha);
  const pull = await demo.step('pull data.dvc from the local DVC remote', 'data-pull', {
    inputs: { targets: 'data.dvc', remote: 'local' },
    env: env1,
    show: ['data-version', 'files', 'bytes'],
  });
  const dataVersion = pull?.outputs['data-version'] ?? '';
  const train1 = await demo.step('train v1 (5 features)', 'train', {
    inputs: trainInputs(ctx, dataVersion),
    env: env1,
    show: ['run-id', 'metrics', 'duration-seconds'],
  });
  await demo.step('gate v1 on absolute thresholds (no baseline yet)', 'metric-gate', {
    inputs: {
      ...gateCommon,
      dataset: 'data/holdout.csv',
      rules: 'roc_auc >= 0.7\naccuracy >= 0.65',
      comment: 'false',
      'data-version': dataVersion,
    },
    env: env1,
    show: ['verdict'],
  });
  const push1 = await demo.step('register v1 as staging', 'registry-push', {
    inputs: pushInputs(
      ctx,
      'staging',
      train1?.outputs['run-record'] ?? '',
      'v1: first release',
      'smoke-sample.csv',
      'data/train.csv',
    ),
    env: env1,
    show: ['version', 'sha256', 'created'],
  });
  await release(ctx, push1?.outputs.version ?? '1', 'v1', env1);

  // --- pr.yml: a worse model on a pull request --------------------------------------------
  sha = await commit(
    ctx,
    five.filter((f) => f !== 'support_calls'),
  );
  demo.beginChapter(`pull request #${PR} (drops support_calls)`);
  const prEnv = workflowEnv('pr', sha, `refs/pull/${PR}/merge`);
  await demo.step("train the pull request's model", 'train', {
    inputs: trainInputs(ctx, dataVersion),
    env: prEnv,
    show: ['metrics'],
  });
  await demo.step(`gate against registry://${MODEL}@production, comment on the PR`, 'metric-gate', {
    inputs: {
      ...gateCommon,
      dataset: 'data/holdout.csv',
      baseline: `registry://${MODEL}@production`,
      rules: GATE_RULES,
      'data-version': dataVersion,
      comment: 'true',
      'comment-key': MODEL,
    },
    env: prEnv,
    eventName: 'pull_request',
    event: prEventOf(sha),
    apiUrl: ctx.api.url,
    token: TOKEN,
    expectFailure: (r) => r.outputs.verdict === 'fail',
    show: ['verdict', 'comment-url'],
  });

  // --- release.yml on a better commit: v2 --------------------------------------------------
  sha = await commit(ctx, FEATURES);
  demo.beginChapter('release 2 (adds late_payments)');
  const env2 = workflowEnv('release', sha);
  const train2 = await demo.step('train v2 (6 features)', 'train', {
    inputs: trainInputs(ctx, dataVersion),
    env: env2,
    show: ['metrics'],
  });
  await demo.step('gate v2 against production (paired bootstrap)', 'metric-gate', {
    inputs: {
      ...gateCommon,
      dataset: 'data/holdout.csv',
      baseline: `registry://${MODEL}@production`,
      rules: GATE_RULES,
      comment: 'false',
      'data-version': dataVersion,
    },
    env: env2,
    show: ['verdict'],
  });
  const push2 = await demo.step('register v2 as staging', 'registry-push', {
    inputs: pushInputs(
      ctx,
      'staging',
      train2?.outputs['run-record'] ?? '',
      'v2: adds late_payments',
      'smoke-sample.csv',
      'data/train.csv',
    ),
    env: env2,
    show: ['version', 'sha256', 'created'],
  });
  await release(ctx, push2?.outputs.version ?? '2', 'v2', env2);

  // --- release.yml: v3, exported with noise left in: the smoke test must catch it --------------
  demo.beginChapter('release 3 (exported in training mode)');
  if (ctx.k8s) {
    sha = await commit(ctx, FEATURES, 0.05);
    const env3 = workflowEnv('release', sha);
    const train3 = await demo.step('train v3 (export.noise_std 0.05)', 'train', {
      inputs: trainInputs(ctx, dataVersion),
      env: env3,
      show: ['metrics'],
    });
    await demo.step('gate v3 against production (offline metrics barely move)', 'metric-gate', {
      inputs: {
        ...gateCommon,
        dataset: 'data/holdout.csv',
        baseline: `registry://${MODEL}@production`,
        rules: GATE_RULES,
        comment: 'false',
        'data-version': dataVersion,
      },
      env: env3,
      show: ['verdict'],
    });
    const push3 = await demo.step('register v3 as staging', 'registry-push', {
      inputs: pushInputs(
        ctx,
        'staging',
        train3?.outputs['run-record'] ?? '',
        'v3: exported with noise',
        'smoke-sample.csv',
        'data/train.csv',
      ),
      env: env3,
      show: ['version', 'created'],
    });
    await deploy(
      ctx,
      'staging',
      push3?.outputs.version ?? '3',
      'deploy v3 to staging: the smoke test fails, rolled back automatically',
      env3,
      { expectRollback: true },
    );
    await commit(ctx, FEATURES, 0);
  } else {
    demo.skip(
      'train, gate, register and deploy v3: the smoke test fails, rolled back automatically',
      'helm-deploy',
      notDeployable(ctx),
    );
  }

  // --- rollback.yml: by hand, with a reason ------------------------------------------------------
  demo.beginChapter('rollback.yml (workflow_dispatch)');
  if (ctx.k8s && isBuilt('rollback')) {
    await demo.step('roll production back to model version 1, with a reason', 'rollback', {
      inputs: {
        release: RELEASE,
        namespace: 'production',
        'to-model-version': push1?.outputs.version ?? '1',
        reason: 'v2 over-predicts churn for annual contracts (incident 42)',
        registry,
        'model-name': MODEL,
        alias: 'production',
        'smoke-test-url': ctx.urls.production,
        environment: 'production',
        'github-token': TOKEN,
        helm: ctx.k8s.helm,
      },
      env: { ...workflowEnv('rollback', sha), ...ctx.k8s.cluster.env },
      eventName: 'workflow_dispatch',
      apiUrl: ctx.api.url,
      token: TOKEN,
      show: ['from-revision', 'to-revision', 'new-revision', 'model-version'],
    });
  } else {
    demo.skip(
      'roll production back to model version 1, with a reason',
      'rollback',
      ctx.k8s ? 'actions/rollback has no committed bundle yet' : notDeployable(ctx),
    );
  }

  // --- retrain.yml: fresh data has drifted ---------------------------------------------------
  demo.beginChapter('retrain (schedule)');
  const retrainEnv = workflowEnv('retrain', sha);
  const fresh = await demo.step('pull the fresh snapshot fresh.dvc', 'data-pull', {
    inputs: { targets: 'fresh.dvc', remote: 'local' },
    env: retrainEnv,
    show: ['data-version', 'files'],
  });
  const freshVersion = fresh?.outputs['data-version'] ?? '';
  const drift = await demo.step('drift-check fresh/current.csv against production', 'drift-check', {
    inputs: {
      current: 'fresh/current.csv',
      // The production version's stored profile; without one, the training table it came from.
      reference: profileable() ? `registry://${MODEL}@production` : 'data/train.csv',
      registry,
      'label-column': 'churn',
      // Two of the six features moving is enough to retrain (the default asks for half).
      'drift-share': '0.25',
    },
    env: retrainEnv,
    show: ['drift', 'drifted-columns', 'share'],
  });
  const drifted = drift?.outputs.drift === 'true';
  if (isBuilt('drift-check') && !drifted) {
    // retrain.yml's retrain job needs a drift job that succeeded and found drift.
    demo.skip(
      'retrain',
      'train',
      drift
        ? 'drift-check found no drift, so the scheduled run stops here'
        : 'drift-check failed, so the retrain job does not run',
      'skipped',
    );
    return;
  }
  // Without drift-check built, the retrain runs as retrain.yml does when dispatched with force.
  const why = drifted
    ? `drift in ${drift?.outputs['drifted-columns']}`
    : 'dispatched with force (drift-check not built)';
  const train4 = await demo.step(`retrain on fresh/current.csv (${why})`, 'train', {
    inputs: trainInputs(ctx, freshVersion, `${ctx.python} train.py --train fresh/current.csv`),
    env: retrainEnv,
    show: ['metrics'],
  });
  const gate4 = await demo.step('gate the retrained model against production on fresh/holdout.csv', 'metric-gate', {
    inputs: {
      ...gateCommon,
      dataset: 'fresh/holdout.csv',
      baseline: `registry://${MODEL}@production`,
      rules: 'roc_auc >= baseline\nlog_loss <= baseline',
      comment: 'false',
      'data-version': freshVersion,
    },
    env: retrainEnv,
    show: ['verdict'],
  });
  if (gate4) {
    await demo.step('register the retrained model as candidate', 'registry-push', {
      inputs: pushInputs(
        ctx,
        'candidate',
        train4?.outputs['run-record'] ?? '',
        'retrained on the drifted snapshot',
        'smoke-sample.csv',
        'fresh/current.csv',
      ),
      env: retrainEnv,
      show: ['version', 'created'],
    });
  }
}

/** release.yml after registry-push: staging, then production with promote-alias. */
async function release(ctx: StoryContext, version: string, name: string, env: Env): Promise<void> {
  if (ctx.k8s) {
    await deploy(ctx, 'staging', version, `deploy ${name} to staging, smoke test`, env);
    await deploy(ctx, 'production', version, `deploy ${name} to production (approved), promote-alias production`, env, {
      promote: true,
    });
    return;
  }
  ctx.demo.skip(`deploy ${name} to staging and production, smoke test`, 'helm-deploy', notDeployable(ctx));
  // The same compare-and-swap move helm-deploy's promote-alias makes, through registry-push:
  // the identical model returns the existing version (created=false) and the alias moves.
  await ctx.demo.step(`promote ${name} to production (registry alias; no deploy here)`, 'registry-push', {
    inputs: {
      name: MODEL,
      model: 'model.onnx',
      registry: ctx.registry,
      alias: 'production',
      'metrics-file': 'metrics.json',
    },
    env,
    show: ['version', 'created'],
  });
}

async function deploy(
  ctx: StoryContext,
  environment: 'staging' | 'production',
  version: string,
  label: string,
  env: Env,
  options: { promote?: boolean; expectRollback?: boolean } = {},
): Promise<void> {
  const k8s = ctx.k8s!;
  await ctx.demo.step(label, 'helm-deploy', {
    inputs: {
      release: RELEASE,
      chart: 'chart',
      namespace: environment,
      'create-namespace': 'true',
      'model-name': MODEL,
      'model-version': version,
      registry: ctx.registry,
      timeout: '2m',
      'smoke-test-url': ctx.urls[environment],
      ...(options.promote ? { 'promote-alias': 'production' } : {}),
      environment,
      'github-token': TOKEN,
      helm: k8s.helm,
    },
    env: { ...env, ...k8s.cluster.env },
    apiUrl: ctx.api.url,
    token: TOKEN,
    // The intended failure: the smoke test failed and the release went back (status rolled-back).
    expectFailure: options.expectRollback ? (r) => r.outputs.status === 'rolled-back' : undefined,
    show: ['revision', 'previous-revision', 'status', 'model-version', 'deployment-id'],
  });
}

function notDeployable(ctx: StoryContext): string {
  if (!isBuilt('helm-deploy')) return 'actions/helm-deploy has no committed bundle yet';
  return ctx.k8s ? '' : 'helm is not installed (npm run setup extracts it to tools/helm3, tools/helm4)';
}

/** A "commit" of the example project: params.yaml edited as a developer would; its sha. */
async function commit(ctx: StoryContext, features: string[], noise = 0): Promise<string> {
  const path = join(ctx.project, 'params.yaml');
  const text = await readFile(path, 'utf8');
  const next = text
    .replace(/features: \[[^\]]*\]/, `features: [${features.join(', ')}]`)
    .replace(/noise_std: [0-9.]+/, `noise_std: ${noise}`);
  if (!next.includes(`features: [${features.join(', ')}]`) || !next.includes(`noise_std: ${noise}`))
    throw new Error(`demo: could not edit train.features / export.noise_std in ${path}`);
  await writeFile(path, next);
  return createHash('sha1').update(next).digest('hex');
}

function workflowEnv(workflow: string, sha: string, ref = 'refs/heads/main'): Env {
  return { GITHUB_WORKFLOW: workflow, GITHUB_SHA: sha, GITHUB_REF: ref, GITHUB_JOB: workflow };
}

function prEventOf(sha: string): object {
  return {
    action: 'synchronize',
    number: PR,
    pull_request: {
      number: PR,
      head: { sha, ref: 'drop-support-calls', repo: { full_name: `${OWNER}/${REPO}`, fork: false } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository: { name: REPO, owner: { login: OWNER }, full_name: `${OWNER}/${REPO}` },
  };
}

function trainInputs(ctx: StoryContext, dataVersion: string, run = `${ctx.python} train.py`): Env {
  return {
    run,
    'metrics-file': 'metrics.json',
    'params-file': 'params.yaml',
    outputs: 'model.onnx',
    'data-version': dataVersion,
    'sample-interval': '1',
  };
}

const profileable = (): boolean =>
  declares('registry-push', 'profile-data') && declares('registry-push', 'label-column');

/** registry-push inputs; sample-data / profile-data only where the action declares them already. */
function pushInputs(
  ctx: StoryContext,
  alias: string,
  runRecord: string,
  description: string,
  sample: string,
  profile: string,
): Env {
  const inputs: Env = {
    name: MODEL,
    model: 'model.onnx',
    registry: ctx.registry,
    alias,
    'metrics-file': 'metrics.json',
    'run-record': runRecord,
    description,
  };
  if (declares('registry-push', 'label-column')) inputs['label-column'] = 'churn';
  if (declares('registry-push', 'sample-data')) inputs['sample-data'] = sample;
  // The profile runs the model on the training table, whose label column (churn) it must
  // leave out: only a registry-push that can be told the label column gets it.
  if (profileable()) inputs['profile-data'] = profile;
  return inputs;
}

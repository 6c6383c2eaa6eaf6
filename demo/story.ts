/**
 * The demo's story, in the order of the issue: each chapter is a workflow run of
 * workflows-examples/ on a "commit" of the example project, each step an action's bundle
 * (DemoRun.step). Deploy and rollback steps need the helm-deploy/rollback bundles and helm;
 * without them they are listed as not built, and production's alias is moved the way a
 * registry user would (registry-push of the identical model with `alias: production`).
 * The steps' inputs are the workflows' (workflow-steps.ts), shared with the pipeline e2e test.
 */
import type { GitHubApiDouble } from '../test/doubles/github-api.js';
import { pullRequestEvent } from '../test/harness/github-events.js';
import type { ActionResult } from '../test/harness/run-action.js';
import type { DemoCluster } from './cluster.js';
import { declares, isBuilt, type DemoRun } from './steps.js';
import {
  BASELINE_RULES,
  FEATURES,
  MODEL,
  OWNER,
  PRODUCTION_BASELINE,
  REPO,
  commit,
  deployInputs,
  rollbackInputs,
  trainInputs,
  workflowEnv,
  type Environment,
  type Inputs,
} from './workflow-steps.js';

export { MODEL, OWNER, REPO };
export { RELEASE } from './workflow-steps.js';
export const TOKEN = 'ghs_demo_token';
export const PR = 7;

export interface StoryContext {
  demo: DemoRun;
  api: GitHubApiDouble;
  project: string;
  registry: string;
  python: string;
  /** The cluster on loopback, when helm is installed and helm-deploy is built. */
  k8s?: DemoCluster;
  /** The ingress URL of each environment's Service (the workflows' smoke-test-url). */
  urls: Record<Environment, string>;
}

export async function story(ctx: StoryContext): Promise<void> {
  const { demo } = ctx;
  const five = FEATURES.filter((f) => f !== 'late_payments');

  // --- release.yml on the first commit: v1 ------------------------------------------------
  let sha = await commit(ctx.project, five);
  demo.beginChapter('release 1 (push to main)');
  const env1 = workflowEnv('release', sha);
  const pull = await demo.step('pull data.dvc from the local DVC remote', 'data-pull', {
    inputs: { targets: 'data.dvc', remote: 'local' },
    env: env1,
    show: ['data-version', 'files', 'bytes'],
  });
  const dataVersion = pull?.outputs['data-version'] ?? '';
  const train1 = await train(ctx, 'train v1 (5 features)', dataVersion, env1, [
    'run-id',
    'metrics',
    'duration-seconds',
  ]);
  await gate(ctx, 'gate v1 on absolute thresholds (no baseline yet)', env1, {
    dataset: 'data/holdout.csv',
    rules: 'roc_auc >= 0.7\naccuracy >= 0.65',
    'data-version': dataVersion,
  });
  const push1 = await register(ctx, 'register v1 as staging', train1, 'v1: first release', env1);
  await release(ctx, push1?.outputs.version ?? '1', 'v1', env1);

  // --- pr.yml: a worse model on a pull request --------------------------------------------
  sha = await commit(
    ctx.project,
    five.filter((f) => f !== 'support_calls'),
  );
  demo.beginChapter(`pull request #${PR} (drops support_calls)`);
  const prEnv = workflowEnv('pr', sha, `refs/pull/${PR}/merge`);
  await train(ctx, "train the pull request's model", dataVersion, prEnv);
  await demo.step(`gate against ${PRODUCTION_BASELINE}, comment on the PR`, 'metric-gate', {
    inputs: gateInputs(ctx, againstProduction(dataVersion, { comment: 'true', 'comment-key': MODEL })),
    env: prEnv,
    eventName: 'pull_request',
    event: pullRequestEvent({ number: PR, headSha: sha, headRef: 'drop-support-calls', owner: OWNER, repo: REPO }),
    apiUrl: ctx.api.url,
    token: TOKEN,
    expectFailure: (r) => r.outputs.verdict === 'fail',
    show: ['verdict', 'comment-url'],
  });

  // --- release.yml on a better commit: v2 --------------------------------------------------
  sha = await commit(ctx.project, FEATURES);
  demo.beginChapter('release 2 (adds late_payments)');
  const env2 = workflowEnv('release', sha);
  const train2 = await train(ctx, 'train v2 (6 features)', dataVersion, env2);
  await gate(ctx, 'gate v2 against production (paired bootstrap)', env2, againstProduction(dataVersion));
  const push2 = await register(ctx, 'register v2 as staging', train2, 'v2: adds late_payments', env2);
  await release(ctx, push2?.outputs.version ?? '2', 'v2', env2);

  // --- release.yml: v3, exported with noise left in: the smoke test must catch it --------------
  demo.beginChapter('release 3 (exported in training mode)');
  if (ctx.k8s) {
    sha = await commit(ctx.project, FEATURES, 0.05);
    const env3 = workflowEnv('release', sha);
    const train3 = await train(ctx, 'train v3 (export.noise_std 0.05)', dataVersion, env3);
    await gate(ctx, 'gate v3 against production (offline metrics barely move)', env3, againstProduction(dataVersion));
    const push3 = await register(ctx, 'register v3 as staging', train3, 'v3: exported with noise', env3, {
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
    await commit(ctx.project, FEATURES, 0);
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
      inputs: rollbackInputs({
        registry: ctx.registry,
        version: push1?.outputs.version ?? '1',
        reason: 'v2 over-predicts churn for annual contracts (incident 42)',
        smokeTestUrl: ctx.urls.production,
        token: TOKEN,
        helm: ctx.k8s.helm,
      }),
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
      reference: profileable() ? PRODUCTION_BASELINE : 'data/train.csv',
      registry: ctx.registry,
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
    inputs: trainInputs(ctx.python, freshVersion, `${ctx.python} train.py --train fresh/current.csv`),
    env: retrainEnv,
    show: ['metrics'],
  });
  const gate4 = await gate(ctx, 'gate the retrained model against production on fresh/holdout.csv', retrainEnv, {
    dataset: 'fresh/holdout.csv',
    baseline: PRODUCTION_BASELINE,
    rules: 'roc_auc >= baseline\nlog_loss <= baseline',
    'data-version': freshVersion,
  });
  if (gate4) {
    await register(
      ctx,
      'register the retrained model as candidate',
      train4,
      'retrained on the drifted snapshot',
      retrainEnv,
      {
        alias: 'candidate',
        profile: 'fresh/current.csv',
        show: ['version', 'created'],
      },
    );
  }
}

/** The train step of every workflow, on the project's train.py. */
function train(
  ctx: StoryContext,
  label: string,
  dataVersion: string,
  env: Inputs,
  show = ['metrics'],
): Promise<ActionResult | undefined> {
  return ctx.demo.step(label, 'train', { inputs: trainInputs(ctx.python, dataVersion), env, show });
}

/** metric-gate's inputs in every workflow: the model just trained, this demo's seed, fail on a fail verdict. */
function gateInputs(ctx: StoryContext, inputs: Inputs): Inputs {
  return {
    model: 'model.onnx',
    'label-column': 'churn',
    registry: ctx.registry,
    seed: '1',
    'bootstrap-samples': '1000',
    'fail-on': 'fail',
    comment: 'false',
    ...inputs,
  };
}

/** pr.yml's and release.yml's gate: the holdout against the production version. */
function againstProduction(dataVersion: string, extra: Inputs = {}): Inputs {
  return {
    dataset: 'data/holdout.csv',
    baseline: PRODUCTION_BASELINE,
    rules: BASELINE_RULES,
    'data-version': dataVersion,
    ...extra,
  };
}

/** A gate on a push (no pull request, so no comment): the verdict is what shows. */
function gate(ctx: StoryContext, label: string, env: Inputs, inputs: Inputs): Promise<ActionResult | undefined> {
  return ctx.demo.step(label, 'metric-gate', { inputs: gateInputs(ctx, inputs), env, show: ['verdict'] });
}

/** registry-push of the model a train step made, with its run record and a description. */
function register(
  ctx: StoryContext,
  label: string,
  trained: ActionResult | undefined,
  description: string,
  env: Inputs,
  options: { alias?: string; profile?: string; show?: string[] } = {},
): Promise<ActionResult | undefined> {
  const { alias = 'staging', profile = 'data/train.csv', show = ['version', 'sha256', 'created'] } = options;
  return ctx.demo.step(label, 'registry-push', {
    inputs: pushInputs(ctx, alias, trained?.outputs['run-record'] ?? '', description, profile),
    env,
    show,
  });
}

/** release.yml after registry-push: staging, then production with promote-alias. */
async function release(ctx: StoryContext, version: string, name: string, env: Inputs): Promise<void> {
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
  environment: Environment,
  version: string,
  label: string,
  env: Inputs,
  options: { promote?: boolean; expectRollback?: boolean } = {},
): Promise<void> {
  const k8s = ctx.k8s!;
  await ctx.demo.step(label, 'helm-deploy', {
    inputs: deployInputs({
      registry: ctx.registry,
      environment,
      version,
      smokeTestUrl: ctx.urls[environment],
      token: TOKEN,
      helm: k8s.helm,
      promote: options.promote,
    }),
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

const profileable = (): boolean =>
  declares('registry-push', 'profile-data') && declares('registry-push', 'label-column');

/** registry-push inputs; sample-data / profile-data only where the action declares them already. */
function pushInputs(ctx: StoryContext, alias: string, runRecord: string, description: string, profile: string): Inputs {
  const inputs: Inputs = {
    name: MODEL,
    model: 'model.onnx',
    registry: ctx.registry,
    alias,
    'metrics-file': 'metrics.json',
    'run-record': runRecord,
    description,
  };
  if (declares('registry-push', 'label-column')) inputs['label-column'] = 'churn';
  if (declares('registry-push', 'sample-data')) inputs['sample-data'] = 'smoke-sample.csv';
  // The profile runs the model on the training table, whose label column (churn) it must
  // leave out: only a registry-push that can be told the label column gets it.
  if (profileable()) inputs['profile-data'] = profile;
  return inputs;
}

/**
 * The demo pipeline: runs the actions' committed bundles on the example ML project exactly as
 * GitHub's runner would run them (test/harness/run-action.ts), with embedded defaults: local
 * folders for the DVC remote and the model registry, no credentials, no network.
 *
 *   npm run demo
 *
 * Two iterations: the first trains, gates on absolute thresholds and registers version 1 as
 * `staging`; the second changes a hyper-parameter, retrains, and gates the candidate against
 * `registry://churn-classifier@staging` with paired statistics before registering it.
 * Steps whose action is not built yet are listed as such, not faked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadActionMetadata, repoRoot, runAction, type ActionResult } from '../test/harness/run-action.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const demoDir = join(repoRoot, '.demo');
const project = join(demoDir, 'example-project');
const registry = join(demoDir, 'registry');

interface StepRecord {
  step: string;
  status: 'ok' | 'failed' | 'not built';
  detail: string;
  seconds?: number;
}
const records: StepRecord[] = [];

function built(action: string): boolean {
  try {
    return existsSync(loadActionMetadata(action).main);
  } catch {
    return false;
  }
}

async function step(
  label: string,
  action: string,
  inputs: Record<string, string>,
  show: string[],
  env: Record<string, string> = {},
): Promise<ActionResult | undefined> {
  if (!built(action)) {
    console.log(`\n=== ${label}: actions/${action} is not built yet (no bundle) — skipped`);
    records.push({ step: label, status: 'not built', detail: `actions/${action} does not exist yet` });
    return undefined;
  }
  console.log(`\n=== ${label} (actions/${action})`);
  const result = await runAction(action, { cwd: project, inputs, env, node: '24' });
  for (const line of result.log) console.log(`  | ${line}`);
  const outputs = show.map((k) => `${k}=${(result.outputs[k] ?? '').slice(0, 120)}`).join('  ');
  const ok = result.exitCode === 0;
  console.log(`  -> exit ${result.exitCode}; ${outputs}`);
  records.push({ step: label, status: ok ? 'ok' : 'failed', detail: ok ? outputs : (result.annotations.find((a) => a.level === 'error')?.message ?? `exit ${result.exitCode}`), seconds: result.durationMs / 1000 });
  return ok ? result : undefined;
}

function checkPython(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import numpy, sklearn, onnx, yaml'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `${PYTHON} cannot import numpy, sklearn, onnx and yaml (the example project's train.py needs them): run \`npm run setup\` (Debian: apt-get install python3-sklearn python3-onnx python3-yaml).`;
}

async function main(): Promise<void> {
  await rm(demoDir, { recursive: true, force: true });
  await mkdir(demoDir, { recursive: true });
  await cp(join(repoRoot, 'workflows-examples/example-project'), project, {
    recursive: true,
    filter: (src) => !/example-project\/(data|fresh|model\.onnx|metrics\.json|run\.json)$/.test(src),
  });
  console.log(`demo: example project copied to ${relative(repoRoot, project)}; registry at ${relative(repoRoot, registry)}`);
  const pythonProblem = checkPython();
  if (pythonProblem) console.log(`demo: warning: ${pythonProblem}`);

  // Iteration 1: first release.
  const pull = await step('1. data-pull', 'data-pull', { remote: 'local', targets: 'data.dvc' }, ['data-version', 'files', 'bytes', 'downloaded-bytes']);
  const dataVersion = pull?.outputs['data-version'] ?? '';
  const train1 = await step(
    '2. train',
    'train',
    { run: `${PYTHON} train.py`, 'metrics-file': 'metrics.json', 'params-file': 'params.yaml', outputs: 'model.onnx', 'data-version': dataVersion, 'sample-interval': '1' },
    ['run-id', 'metrics', 'model-path', 'duration-seconds'],
  );
  await step(
    '3. metric-gate (absolute thresholds, no baseline yet)',
    'metric-gate',
    { model: 'model.onnx', dataset: 'data/holdout.csv', 'label-column': 'churn', rules: 'accuracy >= 0.7\nroc_auc >= 0.75', comment: 'false', seed: '1' },
    ['verdict', 'metrics'],
  );
  await step(
    '4. registry-push (version 1 -> staging)',
    'registry-push',
    { name: 'churn-classifier', model: 'model.onnx', registry, alias: 'staging', 'metrics-file': 'metrics.json', 'run-record': train1?.outputs['run-record'] ?? '', description: 'first release' },
    ['version', 'uri', 'sha256', 'created'],
  );

  // Iteration 2: a change of regularisation, gated against what staging holds.
  const params = join(project, 'params.yaml');
  await writeFile(params, (await readFile(params, 'utf8')).replace(/C: [0-9.]+/, 'C: 0.05'));
  console.log('\ndemo: params.yaml changed (train.C 1.0 -> 0.05); second iteration');
  const train2 = await step(
    '5. train (C=0.05)',
    'train',
    { run: `${PYTHON} train.py`, 'metrics-file': 'metrics.json', 'params-file': 'params.yaml', outputs: 'model.onnx', 'data-version': dataVersion, 'sample-interval': '1' },
    ['run-id', 'metrics'],
  );
  const gate2 = await step(
    '6. metric-gate (paired, against registry://churn-classifier@staging)',
    'metric-gate',
    {
      model: 'model.onnx',
      dataset: 'data/holdout.csv',
      'label-column': 'churn',
      baseline: 'registry://churn-classifier@staging',
      registry,
      rules: 'accuracy >= baseline - 0.02\nroc_auc >= baseline - 0.02',
      comment: 'false',
      'fail-on': 'fail',
      seed: '1',
      'bootstrap-samples': '1000',
    },
    ['verdict', 'report'],
  );
  if (gate2?.outputs.report && existsSync(gate2.outputs.report)) {
    console.log('\n--- gate report ---');
    console.log(await readFile(gate2.outputs.report, 'utf8'));
  }
  await step(
    '7. registry-push (version 2 -> staging)',
    'registry-push',
    { name: 'churn-classifier', model: 'model.onnx', registry, alias: 'staging', 'metrics-file': 'metrics.json', 'run-record': train2?.outputs['run-record'] ?? '', description: 'C=0.05' },
    ['version', 'uri', 'created'],
  );
  await step('8. helm-deploy', 'helm-deploy', {}, ['revision']);
  await step('9. rollback', 'rollback', {}, ['to-revision']);

  console.log('\n=== demo summary');
  for (const r of records) {
    console.log(`${r.status.padEnd(9)} ${r.step}${r.seconds !== undefined ? ` (${r.seconds.toFixed(1)} s)` : ''}\n          ${r.detail}`);
  }
  const failed = records.filter((r) => r.status === 'failed');
  if (failed.length) {
    console.log(`\ndemo: ${failed.length} step(s) failed`);
    process.exitCode = 1;
  } else {
    const missing = records.filter((r) => r.status === 'not built').map((r) => r.step);
    console.log(`\ndemo: every built step passed${missing.length ? `; not built yet: ${missing.join(', ')}` : ''}`);
  }
}

await main();

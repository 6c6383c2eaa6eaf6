/** The job summaries of helm-deploy and rollback: the verdict first, the facts table, the smoke test, the plan. */
import { describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import type { DeployOutcome } from './deploy.js';
import { planFrom } from './plan.js';
import type { RollbackOutcome } from './rollback.js';
import type { SmokeResult } from './smoke.js';
import { deploySummary, rollbackSummary } from './summary.js';

const plan = planFrom({
  action: 'upgrade',
  release: 'iris',
  namespace: 'ml',
  next: { chart: 'model-server-0.1.0' },
  nextValues: { a: 1 },
});
const settings = { release: 'iris', namespace: 'ml' };
const smoke = (o: Partial<SmokeResult> = {}): SmokeResult => ({
  ok: true,
  equivalence: 'checked',
  checks: [
    { check: 'ready', ok: true, detail: 'ready after 2 s' },
    { check: 'inference', ok: true, detail: '16 rows reproduced' },
  ],
  ...o,
});
const deployed = (o: Partial<DeployOutcome> = {}): DeployOutcome => ({
  status: 'deployed',
  revision: 4,
  previousRevision: 3,
  modelVersion: 7,
  helmMajor: 3,
  helmMs: 2500,
  totalMs: 4000,
  plan,
  ...o,
});

describe('deploySummary', () => {
  it('leads with the verdict, then the facts (empty ones left out), the smoke test and the plan', () => {
    const md = deploySummary(
      settings,
      deployed({ smoke: smoke(), deploymentId: 12, alias: { alias: 'production', from: 6, to: 7, moved: true } }),
    );
    const lines = md.split('\n');
    expect(lines[0]).toBe('## helm-deploy iris: ✅ deployed');
    expect(md).toContain('| release | iris (namespace ml) |');
    expect(md).toContain('| revision | 4 |');
    expect(md).toContain('| previous revision | 3 |');
    expect(md).toContain('| model version | 7 |');
    expect(md).toContain('| pending release | no |');
    expect(md).toContain('| alias | production: 6 → 7 |');
    expect(md).toContain('| GitHub Deployment | 12 |');
    expect(md).toContain('| helm | Helm 3, 2.5 s in helm of 4.0 s |');
    expect(md).not.toContain('| rolled back to |');
    expect(md).toContain(
      '_The stored sample replayed through /infer gave the recorded outputs: the cluster serves the registered model._',
    );
    expect(md).toContain('| inference | ok | 16 rows reproduced |');
    expect(md.indexOf('### Smoke test')).toBeLessThan(md.indexOf('### Plan: upgrade'));
  });
  it('a first install, an alias already in place, and a version without a sample say so', () => {
    const md = deploySummary(
      settings,
      deployed({
        previousRevision: undefined,
        alias: { alias: 'prod', from: null, to: 7, moved: false },
        smoke: smoke({ equivalence: 'not-possible' }),
      }),
    );
    expect(md).toContain('| previous revision | (none) |');
    expect(md).toContain('| alias | prod: (new) → 7 (already there) |');
    expect(md).toContain('| GitHub Deployment | (none) |');
    expect(md).toContain('no equivalence check was possible');
  });
  it('says the served model was not checked when there was no smoke test', () => {
    expect(deploySummary(settings, deployed())).toContain(
      '_No smoke test (no `smoke-test-url`, and no Service of the release could be reached): the served model was not checked._',
    );
    expect(deploySummary(settings, deployed({ status: 'planned' }))).not.toContain('No smoke test');
  });
  it('a failure shows its message quoted with HTML and mentions neutralised, and where the release went', () => {
    const md = deploySummary(
      settings,
      deployed({
        status: 'rolled-back',
        rolledBackTo: 3,
        revision: 5,
        failure: new UserError('smoke test of <b>iris</b> failed, ping @ops'),
      }),
    );
    expect(md.split('\n')[0]).toBe('## helm-deploy iris: ❌ failed and rolled back');
    expect(md).toContain('> smoke test of &#60;b&#62;iris&#60;/b&#62; failed, ping &#64;ops');
    expect(md).toContain('| rolled back to | 3 |');
    for (const [status, words] of [
      ['planned', '📝 plan only (dry-run): nothing changed'],
      ['cancelled', '⚠️ cancelled'],
      ['failed', '❌ failed'],
    ] as const)
      expect(deploySummary(settings, deployed({ status })).split('\n')[0]).toBe(`## helm-deploy iris: ${words}`);
  });
});

describe('rollbackSummary', () => {
  const outcome = (o: Partial<RollbackOutcome> = {}): RollbackOutcome => ({
    status: 'rolled-back',
    fromRevision: 5,
    toRevision: 3,
    newRevision: 6,
    modelVersion: 2,
    plan: { ...plan, action: 'rollback' },
    helmMs: 1,
    totalMs: 2,
    ...o,
  });
  const s = { ...settings, reason: 'latency regression | see #12' };
  it('leads with the verdict, then from/to, the reason (escaped), alias, event, the smoke test and the plan', () => {
    const md = rollbackSummary(
      s,
      outcome({ eventId: 'ev-1', alias: { alias: 'prod', from: 3, to: 2, moved: true }, smoke: smoke() }),
    );
    expect(md.split('\n')[0]).toBe('## rollback iris: ✅ rolled back');
    expect(md).toContain('| from revision | 5 |');
    expect(md).toContain('| to revision | 3 |');
    expect(md).toContain('| new revision | 6 |');
    expect(md).toContain('| reason | latency regression &#124; see #12 |');
    expect(md).toContain('| alias | prod: 3 → 2 |');
    expect(md).toContain('| audit event | ev-1 |');
    expect(md).toContain('| ready | ok | ready after 2 s |');
    expect(md).toContain('### Plan: rollback');
  });
  it('a redeploy has no target revision and says the current chart is used; a failure is quoted', () => {
    const md = rollbackSummary(
      s,
      outcome({ status: 'redeployed', toRevision: undefined, plan: { ...plan, action: 'redeploy' } }),
    );
    expect(md.split('\n')[0]).toBe('## rollback iris: ✅ redeployed (the version was no longer in the history)');
    expect(md).toContain('| to revision | (redeploy with the current chart) |');
    const failed = rollbackSummary(s, outcome({ status: 'failed', failure: new UserError('helm said <no>') }));
    expect(failed.split('\n')[0]).toBe('## rollback iris: ❌ failed');
    expect(failed).toContain('> helm said &#60;no&#62;');
    expect(rollbackSummary(s, outcome({ status: 'planned' })).split('\n')[0]).toBe(
      '## rollback iris: 📝 plan only (dry-run): nothing changed',
    );
  });
});

/** The plan shown before anything changes: current vs new, the values diff, the manifest diff, as log text and markdown. */
import { describe, expect, it } from '@jest/globals';
import type { HistoryEntry } from '@mlops-gha/helm';
import { planFrom, planMarkdown, planText } from './plan.js';

const current: HistoryEntry & { model?: string } = {
  revision: 3,
  updated: '2026-01-01T00:00:00Z',
  status: 'deployed',
  chart: 'model-server-0.1.0',
  app_version: '1.0',
  description: 'mlops-gha: iris/2 sha256:0123456789ab',
  model: 'iris/2',
};
const deployment = (replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: iris\nspec:\n  replicas: ${replicas}\n`;
const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: iris\nspec:\n  ports: [{ port: 80 }]\n';

describe('planFrom', () => {
  it('carries the current revision, the new one, and the values and manifest diffs in the release namespace', () => {
    const plan = planFrom({
      action: 'upgrade',
      release: 'iris',
      namespace: 'ml',
      current,
      currentValues: { replicaCount: 1, model: { version: 2 } },
      currentManifest: `${deployment(1)}---\n${service}`,
      next: { chart: 'model-server-0.2.0', appVersion: '1.1', model: 'iris/3' },
      nextValues: { replicaCount: 2, model: { version: 3 } },
      nextManifest: `${deployment(2)}---\n${service}`,
      notes: ['recovered: revision 4 was pending-upgrade'],
    });
    expect(plan.current).toEqual({
      revision: 3,
      status: 'deployed',
      chart: 'model-server-0.1.0',
      appVersion: '1.0',
      model: 'iris/2',
    });
    // one hunk of sorted YAML: the two changed lines are adjacent, so both removals come first
    expect(plan.valuesDiff).toEqual([
      '@@ -1,3 +1,3 @@',
      ' model:',
      '-  version: 2',
      '-replicaCount: 1',
      '+  version: 3',
      '+replicaCount: 2',
    ]);
    expect(plan.manifestDiff!.changes.map((c) => [c.key, c.change])).toEqual([['Deployment/ml/iris', 'changed']]);
    expect(plan.manifestDiff!.unchanged).toBe(1);
    expect(plan.notes).toEqual(['recovered: revision 4 was pending-upgrade']);
  });
  it('a first install has no current side; without a rendered manifest there is no manifest diff', () => {
    const plan = planFrom({
      action: 'install',
      release: 'iris',
      namespace: 'ml',
      next: { chart: 'c-1' },
      nextValues: { a: 1 },
    });
    expect(plan.current).toBeUndefined();
    expect(plan.manifestDiff).toBeUndefined();
    expect(plan.valuesDiff).toContain('+a: 1');
    expect(plan.notes).toEqual([]);
  });
});

describe('planText and planMarkdown', () => {
  const plan = planFrom({
    action: 'rollback',
    release: 'iris',
    namespace: 'ml',
    current,
    currentValues: { a: 1 },
    currentManifest: deployment(1),
    next: { revision: 2, chart: 'model-server-0.1.0', model: 'iris/1' },
    nextValues: { a: 1 },
    nextManifest: deployment(3),
    notes: ['target: revision 2, as asked', 'reason: <script>@team</script>'],
  });
  it('planText: the action, both sides, the notes, "(no change)" for equal values, the manifest diff indented', () => {
    const lines = planText(plan).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Plan: rollback iris in ml',
      '  current: revision 3 (deployed), chart model-server-0.1.0, app 1.0, model iris/2',
      '  new:     revision 2, chart model-server-0.1.0, model iris/1',
      '  note: target: revision 2, as asked',
      '  note: reason: <script>@team</script>',
    ]);
    expect(lines.slice(5, 7)).toEqual(['Values diff:', '  (no change)']);
    expect(lines[7]).toBe('Manifest diff:');
    expect(lines).toContain('  -  replicas: 1');
    expect(lines).toContain('  +  replicas: 3');
    const install = planText(
      planFrom({ action: 'install', release: 'r', namespace: 'n', next: { chart: 'c-1' }, nextValues: {} }),
    );
    expect(install).toContain('  current: none (first install)');
    expect(install).toContain('  new:     chart c-1, model unknown');
  });
  it('planMarkdown: a table of both sides, notes with HTML and mentions neutralised, diffs in fences', () => {
    const md = planMarkdown(plan);
    expect(md).toContain('### Plan: rollback');
    expect(md).toContain('| revision | 3 (deployed) | 2 |');
    expect(md).toContain('| model | iris/2 | iris/1 |');
    expect(md).toContain('> reason: &#60;script&#62;&#64;team&#60;/script&#62;');
    expect(md).not.toContain('<script>');
    expect(md).toContain('#### Values diff\n\n_no change_');
    expect(md).toMatch(/#### Manifest diff\n\n```diff\nDeployment\/ml\/iris \(changed\)\n/);
    const same = planFrom({
      action: 'upgrade',
      release: 'r',
      namespace: 'n',
      current,
      currentManifest: service,
      next: { chart: 'c' },
      nextValues: {},
      nextManifest: service,
    });
    expect(planMarkdown(same)).toContain('#### Manifest diff\n\n_no changes to the 1 rendered objects_');
  });
});

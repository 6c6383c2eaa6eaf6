/** Which revision a rollback goes to: the one asked for, the newest good one that served a model version, or the newest good one. */
import { describe, expect, it } from '@jest/globals';
import type { HistoryEntry } from '@mlops-gha/helm';
import type { RollbackSettings } from './rollback.js';
import { chooseTarget } from './target.js';

const SHA = '0123456789ab';
const h = (revision: number, status: HistoryEntry['status'], description: string): HistoryEntry => ({
  revision,
  updated: '',
  status,
  chart: 'model-server-0.1.0',
  app_version: '1.0',
  description,
});
const ours = (version: number, name = 'iris') => `mlops-gha: ${name}/${version} sha256:${SHA}`;
const settings = (o: Partial<RollbackSettings>) => ({ release: 'iris', ...o }) as RollbackSettings;

// 1 iris/1, 2 iris/2, 3 iris/3 failed, 4 iris/4 (current)
const history = [
  h(1, 'superseded', ours(1)),
  h(2, 'superseded', ours(2)),
  h(3, 'failed', ours(3)),
  h(4, 'deployed', ours(4)),
];
const current = history[3]!;

describe('chooseTarget: to-revision', () => {
  it('takes the revision asked for, noting why it might be bad', () => {
    expect(chooseTarget(history, current, settings({ toRevision: 1 }), [])).toEqual({
      entry: history[0],
      why: 'target: revision 1, as asked',
    });
    const known = [{ revision: 1, why: 'its smoke test failed (registry event e1)' }];
    expect(chooseTarget(history, current, settings({ toRevision: 1 }), known).why).toBe(
      'target: revision 1, as asked (note: its smoke test failed (registry event e1))',
    );
  });
  it('refuses a revision that does not exist, listing those that do', () => {
    expect(() => chooseTarget(history, current, settings({ toRevision: 9 }), [])).toThrow(
      expect.objectContaining({
        message: 'Revision 9 of iris does not exist (its history has revisions 1, 2, 3, 4)',
        fix: "Set `to-revision` to one of them (`helm history` shows each one's model), or use `to-model-version`.",
      }),
    );
  });
  it('refuses a failed or pending revision, naming the newest good one instead', () => {
    expect(() => chooseTarget(history, current, settings({ toRevision: 3 }), [])).toThrow(
      expect.objectContaining({
        message: 'Revision 3 of iris is failed: a failed revision is never a rollback target',
        fix: 'Choose a deployed or superseded revision, or leave `to-revision` empty for the newest good one (2).',
      }),
    );
    const pending = [...history, h(5, 'pending-upgrade', ours(5))];
    expect(() => chooseTarget(pending, pending[4]!, settings({ toRevision: 5 }), [])).toThrow('is pending-upgrade');
  });
  it('refuses the current revision', () => {
    expect(() => chooseTarget(history, current, settings({ toRevision: 4 }), [])).toThrow(
      'Revision 4 is already the current revision of iris',
    );
  });
});

describe('chooseTarget: to-model-version', () => {
  it('takes the newest good revision that served the version, following rollbacks to their source', () => {
    // 5 rolled back to 2 (serves iris/2), 6 iris/5 current: version 2 is served by 2 and 5; 5 is newer
    const hist = [...history, h(5, 'superseded', 'Rollback to 2'), h(6, 'deployed', ours(5))];
    const t = chooseTarget(hist, hist[5]!, settings({ toModelVersion: 2 }), []);
    expect(t).toEqual({
      entry: hist[4],
      why: 'target: revision 5, the newest good revision that served model version 2',
    });
  });
  it('only counts revisions of the named model when `model-name` is set', () => {
    const hist = [h(1, 'superseded', ours(2, 'other')), h(2, 'superseded', ours(2)), h(3, 'deployed', ours(3))];
    expect(chooseTarget(hist, hist[2]!, settings({ toModelVersion: 2, modelName: 'other' }), [])).toMatchObject({
      entry: hist[0],
    });
    expect(chooseTarget(hist, hist[2]!, settings({ toModelVersion: 2, modelName: 'iris' }), [])).toMatchObject({
      entry: hist[1],
    });
  });
  it('refuses a version found only in revisions that are not good, saying why each is not', () => {
    expect(() => chooseTarget(history, current, settings({ toModelVersion: 3 }), [])).toThrow(
      expect.objectContaining({
        message: 'Model version 3 of iris only appears in revisions that are not good (3: failed)',
        fix: 'Choose another version, or redeploy it with helm-deploy (`model-version`).',
      }),
    );
  });
  it('a version pruned from the history is a redeploy with the current chart, and says so', () => {
    const t = chooseTarget(history, current, settings({ toModelVersion: 1 + 10 }), []);
    expect(t).toEqual({
      redeploy: true,
      why: "model version 11 is not in the history of iris (revisions 1, 2, 3, 4; older ones were pruned by history-max): it is redeployed with the current chart (revision 4's, model-server-0.1.0) and that version's values",
    });
  });
});

describe('chooseTarget: the default', () => {
  it('is the newest good revision before the current one, skipping failed ones and the same content', () => {
    expect(chooseTarget(history, current, settings({}), [])).toEqual({
      entry: history[1],
      why: 'target: revision 2, the newest good revision before revision 4 with different content',
    });
    // 5 is a rollback to 2 (current): 2 carries the same content, so 1 is the target
    const hist = [...history.slice(0, 3), h(4, 'superseded', ours(4)), h(5, 'deployed', 'Rollback to 2')];
    expect(chooseTarget(hist, hist[4]!, settings({}), [{ revision: 4, why: 'its smoke test failed' }])).toMatchObject({
      entry: hist[0],
    });
  });
  it('refuses when no good revision precedes the current one', () => {
    const hist = [h(1, 'failed', ours(1)), h(2, 'deployed', ours(2))];
    expect(() => chooseTarget(hist, hist[1]!, settings({}), [])).toThrow(
      expect.objectContaining({
        message: 'iris has no good revision before the current one (revision 2) to roll back to',
        fix: 'Set `to-revision` or `to-model-version`, or deploy a known-good version with helm-deploy.',
      }),
    );
  });
});

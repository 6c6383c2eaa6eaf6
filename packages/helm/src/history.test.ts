import { describe, expect, test } from '@jest/globals';
import {
  badRevisions,
  describeDeploy,
  describeSmokeFailure,
  lastGoodRevision,
  modelFromDescription,
  modelOfRevision,
  isPending,
  originOf,
} from './history.js';
import type { HistoryEntry } from './parse.js';

const h = (revision: number, status: HistoryEntry['status'], description: string): HistoryEntry => ({
  revision,
  status,
  description,
  updated: '',
  chart: 'c-1',
  app_version: '',
});
const iris = (version: number) => ({ name: 'iris', version, sha256: `${version}`.repeat(64).slice(0, 64) });

describe('descriptions', () => {
  test('round trip of the model identity', () => {
    expect(describeDeploy(iris(4))).toBe('mlops-gha: iris/4 sha256:444444444444');
    expect(modelFromDescription(describeDeploy(iris(4)))).toEqual({
      name: 'iris',
      version: 4,
      sha256Prefix: '444444444444',
    });
    expect(modelFromDescription('Upgrade complete')).toBeUndefined();
  });
});

describe('last good revision', () => {
  test('never blind N-1: a failed upgrade in between is skipped', () => {
    const history = [
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'deployed', describeDeploy(iris(2))),
      h(3, 'failed', 'Upgrade "r" failed: context deadline exceeded'),
    ];
    expect(lastGoodRevision(history, { before: 3 })?.revision).toBe(2);
  });
  test('a revision rolled back from (by a smoke-test failure) is not good', () => {
    const history = [
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'superseded', describeDeploy(iris(2))),
      h(3, 'superseded', describeDeploy(iris(3))),
      h(4, 'deployed', 'Rollback to 2'),
    ];
    expect(badRevisions(history).get(3)).toMatch(/rolled back from/);
    // the smoke test of a new revision 5 fails: go back to 4 (= content of 2), not 3
    expect(lastGoodRevision([...history, h(5, 'deployed', describeDeploy(iris(5)))], { before: 5 })?.revision).toBe(4);
    // the rollback action's default from 4: older than 4 and not 4's content (2), not 3 (rolled back from) -> 1
    expect(originOf(history, 4)).toBe(2);
    expect(lastGoodRevision(history, { before: 4, notSameAs: 4 })?.revision).toBe(1);
    expect(modelOfRevision(history, 4)?.version).toBe(2);
  });
  test('our recorded smoke failure and the registry events mark revisions bad', () => {
    const history = [
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'superseded', describeDeploy(iris(2))),
      h(3, 'deployed', describeSmokeFailure(iris(1), 2)),
    ];
    expect(badRevisions(history).get(2)).toBe('its smoke test failed');
    expect(lastGoodRevision(history, { before: 3 })?.revision).toBe(1);
    const plain = [h(1, 'superseded', 'Install complete'), h(2, 'deployed', 'Upgrade complete')];
    expect(
      lastGoodRevision(plain, { known: [{ revision: 2, why: 'smoke test failed (registry event)' }] })?.revision,
    ).toBe(1);
  });
  test('pending and uninstalled revisions are never targets; none left -> undefined', () => {
    expect(lastGoodRevision([h(1, 'pending-install', 'Initial install underway')])).toBeUndefined();
    expect(
      lastGoodRevision([h(1, 'uninstalled', 'Uninstallation complete'), h(2, 'pending-upgrade', 'Preparing upgrade')]),
    ).toBeUndefined();
  });
});

describe('descriptions are ours only when they start with our tag', () => {
  test('the smoke-failure description names the failed revision in parentheses', () => {
    expect(describeSmokeFailure(iris(1), 2)).toBe(
      'mlops-gha: iris/1 sha256:111111111111 (smoke test of revision 2 failed)',
    );
    expect(modelFromDescription(describeSmokeFailure(iris(7), 3))).toEqual({
      name: 'iris',
      version: 7,
      sha256Prefix: '777777777777',
    });
  });
  test.each([
    ['someone else quoting it', `manual fix after ${describeDeploy(iris(4))}`],
    ['a short sha256', 'mlops-gha: iris/4 sha256:44444'],
    ['upper-case hex', 'mlops-gha: iris/4 sha256:ABCDEFABCDEF'],
    ['no version', 'mlops-gha: iris sha256:444444444444'],
    ['a name starting with a dot', 'mlops-gha: .iris/4 sha256:444444444444'],
  ])('%s is not a model identity', (_, description) => {
    expect(modelFromDescription(description)).toBeUndefined();
  });
  test('model names keep dots, dashes and underscores; versions are whole numbers', () => {
    expect(modelFromDescription('mlops-gha: churn.v2_eu-west/12 sha256:0123456789abcdef')).toEqual({
      name: 'churn.v2_eu-west',
      version: 12,
      sha256Prefix: '0123456789ab',
    });
  });
  test('a smoke failure written by anyone else marks nothing', () => {
    const history = [
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'superseded', describeDeploy(iris(2))),
      h(3, 'deployed', 'hand-written: smoke test of revision 2 failed'),
    ];
    expect(badRevisions(history).has(2)).toBe(false);
    expect(lastGoodRevision(history, { before: 3 })?.revision).toBe(2);
  });
});

describe('rollbacks', () => {
  test('the origin follows a chain of rollbacks back to the revision that deployed the content', () => {
    const history = [
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'superseded', describeDeploy(iris(2))),
      h(3, 'superseded', 'Rollback to 1'),
      h(4, 'superseded', describeDeploy(iris(4))),
      h(5, 'deployed', 'Rollback to 3'),
    ];
    expect(originOf(history, 5)).toBe(1);
    expect(originOf(history, 4)).toBe(4);
    expect(modelOfRevision(history, 5)?.version).toBe(1);
    expect(modelOfRevision(history, 2)?.version).toBe(2);
    // helm's text, surrounding blanks aside; anything after the number is someone's own text
    expect(originOf([h(1, 'superseded', describeDeploy(iris(1))), h(2, 'deployed', '  Rollback to 1 ')], 2)).toBe(1);
    expect(originOf([h(1, 'superseded', describeDeploy(iris(1))), h(2, 'deployed', 'Rollback to 1 by hand')], 2)).toBe(
      2,
    );
  });
  test('a rollback to a revision helm no longer keeps (--history-max) names that revision', () => {
    const history = [h(7, 'superseded', describeDeploy(iris(7))), h(8, 'deployed', 'Rollback to 3')];
    expect(originOf(history, 8)).toBe(3);
    // its model is unknown from what is left: the rollback's own description is not ours
    expect(modelOfRevision(history, 8)).toBeUndefined();
    // a revision not in the history at all: no model
    expect(modelOfRevision(history, 99)).toBeUndefined();
  });
  test('a description naming its own revision, or a loop of rollbacks, ends (no hang)', () => {
    expect(originOf([h(1, 'deployed', 'Rollback to 1')], 1)).toBe(1);
    const loop = [h(1, 'superseded', 'Rollback to 2'), h(2, 'deployed', 'Rollback to 1')];
    expect([1, 2]).toContain(originOf(loop, 2));
  });
  test('a rollback is a verdict only on the revision just before it', () => {
    const history = [
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'superseded', describeDeploy(iris(2))),
      h(4, 'deployed', 'Rollback to 1'),
    ];
    // revision 3 is gone from the history: 2 was not what the rollback left
    expect(badRevisions(history).has(2)).toBe(false);
    expect(lastGoodRevision(history, { before: 4, notSameAs: 4 })?.revision).toBe(2);
  });
  test('a failed revision keeps its status as the reason, even when it was rolled back from', () => {
    const history = [
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'failed', describeDeploy(iris(2))),
      h(3, 'deployed', 'Rollback to 1'),
    ];
    expect(badRevisions(history).get(2)).toBe('failed');
    expect(badRevisions(history, [{ revision: 1, why: 'smoke test failed (registry event)' }]).get(1)).toBe(
      'smoke test failed (registry event)',
    );
  });
  test('the history need not be sorted; the newest good revision wins', () => {
    const history = [
      h(3, 'deployed', describeDeploy(iris(3))),
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'superseded', describeDeploy(iris(2))),
    ];
    expect(lastGoodRevision(history)?.revision).toBe(3);
    expect(lastGoodRevision(history, { before: 3 })?.revision).toBe(2);
    expect(lastGoodRevision(history, { notSameAs: 3 })?.revision).toBe(2);
  });
  test('pending states are recognised by their prefix', () => {
    expect(['pending-install', 'pending-upgrade', 'pending-rollback', 'deployed', 'failed'].map(isPending)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('what helm writes, exactly', () => {
  test('only helm’s own "Rollback to N" text is a rollback, with any number of digits', () => {
    const base = [h(1, 'superseded', describeDeploy(iris(1)))];
    expect(originOf([...base, h(2, 'deployed', 'Manual: Rollback to 1')], 2)).toBe(2);
    const many = Array.from({ length: 12 }, (_, i) => h(i + 1, 'superseded', describeDeploy(iris(i + 1))));
    expect(originOf([...many, h(13, 'deployed', 'Rollback to 12')], 13)).toBe(12);
  });
  test('a smoke failure of a revision with several digits marks that revision', () => {
    const many = Array.from({ length: 12 }, (_, i) => h(i + 1, 'superseded', describeDeploy(iris(i + 1))));
    const history = [...many, h(13, 'deployed', describeSmokeFailure(iris(11), 12))];
    expect(badRevisions(history).get(12)).toBe('its smoke test failed');
    expect(badRevisions(history).has(1)).toBe(false);
  });
  test('a rollback to the revision just before it judges nothing bad (the same content again)', () => {
    const history = [
      h(1, 'superseded', describeDeploy(iris(1))),
      h(2, 'superseded', describeDeploy(iris(2))),
      h(3, 'deployed', 'Rollback to 2'),
    ];
    expect(badRevisions(history).size).toBe(0);
  });
  test('a history listed newest first is read in revision order', () => {
    const history = [
      h(4, 'deployed', 'Rollback to 2'),
      h(3, 'superseded', describeDeploy(iris(3))),
      h(2, 'superseded', describeDeploy(iris(2))),
      h(1, 'superseded', describeDeploy(iris(1))),
    ];
    expect([...badRevisions(history).entries()]).toEqual([[3, 'rolled back from (revision 4)']]);
    expect(lastGoodRevision(history, { before: 4, notSameAs: 4 })?.revision).toBe(1);
  });
});

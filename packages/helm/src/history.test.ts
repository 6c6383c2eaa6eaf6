import { describe, expect, test } from '@jest/globals';
import {
  badRevisions,
  describeDeploy,
  describeSmokeFailure,
  lastGoodRevision,
  modelFromDescription,
  modelOfRevision,
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

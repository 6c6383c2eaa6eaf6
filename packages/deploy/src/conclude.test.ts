/**
 * The tail helm-deploy and rollback share, against a real model server (packages/serving) on a
 * registry version, a folder registry and the GitHub API double: the smoke test first; only when
 * it passes, the alias moved by compare-and-swap, the event appended, the Deployment marked success.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { silentLogger, type Logger } from '@mlops-gha/common';
import type { Registry } from '@mlops-gha/registry';
import { serveModel, type RunningModelServer } from '@mlops-gha/serving';
import { startGitHubApi, type GitHubApiDouble } from '../../../test/doubles/github-api.js';
import { MODEL, seedRegistry } from '../../../test/e2e/deploy-fixtures.js';
import { conclude, recordEvent, runSmokeTest } from './conclude.js';
import { trackDeployment } from './deployment.js';
import { resolveModel, type DeployableModel } from './model.js';

const TOKEN = 'ghs_concludeTestToken00000000000000000';
let registry: Registry;
let api: GitHubApiDouble;
let good: DeployableModel;
let badSample: DeployableModel;
const servers: RunningModelServer[] = [];

/** A model server on a registry version, loaded. */
async function serve(m: DeployableModel): Promise<string> {
  const running = await serveModel(
    { uri: m.manifest.uri, sha256: m.manifest.sha256, port: 0, host: '127.0.0.1' },
    silentLogger,
  );
  servers.push(running);
  await running.loaded;
  return running.url;
}

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(m), warning: (m) => void lines.push(`warning: ${m}`), debug() {} };
}

beforeAll(async () => {
  ({ registry } = await seedRegistry(2, { badSampleVersion: 2 }));
  good = await resolveModel(registry, MODEL, { version: 1 });
  badSample = await resolveModel(registry, MODEL, { version: 2 });
  api = await startGitHubApi();
  api.addToken(TOKEN, { login: 'github-actions[bot]', permission: 'write' });
}, 120_000);
afterAll(async () => {
  for (const s of servers) await s.close();
  await api?.stop();
  registry?.close();
});

const deployment = () =>
  trackDeployment({
    environment: 'production',
    github: { token: TOKEN, apiUrl: api.url, owner: 'octo', repo: 'ml', ref: 'abc' },
    logger: silentLogger,
    description: 'test',
    payload: {},
  });

describe('conclude', () => {
  it('a passing smoke test moves the alias (from what it was), records the event and marks the Deployment success', async () => {
    const url = await serve(good);
    const tracked = await deployment();
    const logger = recorder();
    const done = await conclude({
      registry,
      model: good,
      endpoint: { url },
      timeoutMs: 60_000,
      logger,
      alias: { alias: 'production', expected: null, reason: 'helm-deploy iris revision 2' },
      deployment: tracked,
      success: 'iris/1 serves on revision 2',
      event: (smoke) => ({
        type: 'deployed',
        release: 'iris',
        revision: 2,
        smoke_test: smoke ? smoke.equivalence : 'not-run',
      }),
    });
    expect(done.smokeFailed).toBe(false);
    expect(done.smoke).toMatchObject({ ok: true, equivalence: 'checked' });
    expect(done.alias).toEqual({ alias: 'production', from: null, to: 1, moved: true });
    expect((await registry.listAliases(MODEL)).production?.version).toBe(1);
    const event = (await registry.listEvents(MODEL)).find((e) => e.id === done.eventId);
    expect(event).toMatchObject({ type: 'deployed', release: 'iris', revision: 2, smoke_test: 'checked' });
    expect(api.deploymentStatuses('octo', 'ml', tracked!.id).map((s) => [s.state, s.description])).toContainEqual([
      'success',
      'iris/1 serves on revision 2',
    ]);
    expect(logger.lines.filter((l) => l.startsWith('smoke test ')).every((l) => l.includes(': ok: '))).toBe(true);
  });

  it('a failing smoke test moves nothing, records nothing and leaves the Deployment to the caller', async () => {
    const url = await serve(badSample);
    const tracked = await deployment();
    const eventsBefore = (await registry.listEvents(MODEL)).length;
    const aliasesBefore = await registry.listAliases(MODEL);
    const done = await conclude({
      registry,
      model: badSample,
      endpoint: { url },
      timeoutMs: 60_000,
      logger: silentLogger,
      alias: { alias: 'production', expected: 1, reason: 'r' },
      deployment: tracked,
      success: 'never',
      event: () => ({ type: 'deployed' }),
    });
    expect(done.smokeFailed).toBe(true);
    expect(done.smoke).toMatchObject({ ok: false, equivalence: 'failed' });
    expect(done.smoke!.failure).toMatch(/probabilities/);
    expect(done.alias).toBeUndefined();
    expect(await registry.listAliases(MODEL)).toEqual(aliasesBefore);
    expect((await registry.listEvents(MODEL)).length).toBe(eventsBefore);
    expect(api.deploymentStatuses('octo', 'ml', tracked!.id).map((s) => s.state)).not.toContain('success');
  });

  it('an alias that moved meanwhile is a warning (compare-and-swap), the rest goes on', async () => {
    const logger = recorder();
    const done = await conclude({
      registry,
      model: good,
      timeoutMs: 1000,
      logger,
      alias: { alias: 'production', expected: 7, reason: 'r' },
      success: 's',
      event: (smoke) => ({ type: 'deployed', smoke_test: smoke ? 'run' : 'not-run' }),
    });
    expect(done).toMatchObject({ smokeFailed: false });
    expect(done.alias).toBeUndefined();
    expect(done.eventId).toBeDefined();
    expect(logger.lines).toContain('no smoke test endpoint: the served model was not checked');
    expect(
      logger.lines.some((l) => l.startsWith('warning: The release changed, but the alias production was not moved: ')),
    ).toBe(true);
  });
});

describe('runSmokeTest and recordEvent', () => {
  it('runSmokeTest runs nothing without an endpoint or a model', async () => {
    expect(await runSmokeTest({ model: good, timeoutMs: 1, logger: silentLogger, success: '' })).toBeUndefined();
    expect(
      await runSmokeTest({ endpoint: { url: 'http://127.0.0.1:9' }, timeoutMs: 1, logger: silentLogger, success: '' }),
    ).toBeUndefined();
  });
  it('recordEvent says why nothing was recorded without a registry, and warns when the registry refuses', async () => {
    const logger = recorder();
    expect(await recordEvent(undefined, MODEL, { type: 'rollback' }, logger)).toBeUndefined();
    expect(logger.lines).toEqual(['no registry (or model name): the rollback event was not recorded']);
    expect(await recordEvent(registry, 'Bad Name!', { type: 'rollback' }, logger)).toBeUndefined();
    expect(logger.lines[1]).toMatch(/^warning: Could not record the rollback event in the registry: /);
  });
});

/**
 * The Jest setup the deploy test files share (kept apart from deploy-fixtures.ts, which the
 * deploy benchmark imports outside Jest).
 */
import { afterAll, beforeAll } from '@jest/globals';
import { clusterFixture } from '../cluster/fixture.js';
import { startGitHubApi } from '../doubles/github-api.js';
import {
  READ_TOKEN,
  WRITE_TOKEN,
  deployVersions,
  seedRegistry,
  type DeployWorld,
  type ReleaseUnderTest,
} from './deploy-fixtures.js';

/**
 * Registers the setup every deploy test file shares: the Kubernetes API double (pods of the
 * `never-ready` image run but never get Ready, so upgrades to it hang in --wait as on a
 * cluster), the GitHub API double with write tokens `w` and WRITE_TOKEN, read-only ones `r` and READ_TOKEN, and a
 * registry seeded with `versions` model versions; all stopped after the file.
 */
export function deployWorld(versions: number, options: { badSampleVersion?: number } = {}): DeployWorld {
  const world = {} as DeployWorld;
  const fx = clusterFixture({}, [{ image: 'never-ready', pod: 'never-ready' }]);
  beforeAll(async () => {
    world.cluster = fx.cluster;
    world.api = await startGitHubApi();
    world.api.addToken('w', { login: 'github-actions[bot]', permission: 'write' });
    world.api.addToken('r', { login: 'github-actions[bot]', permission: 'read' });
    world.api.addToken(WRITE_TOKEN, { login: 'github-actions[bot]', permission: 'write' });
    world.api.addToken(READ_TOKEN, { login: 'github-actions[bot]', permission: 'read' });
    Object.assign(world, await seedRegistry(versions, options));
  }, 300_000);
  afterAll(async () => {
    await world.api?.stop();
    world.registry?.close();
  });
  return world;
}

/** Registers a beforeAll that deploys `versions` to the release in turn (a pipeline's earlier runs). */
export function deployedRelease(
  world: DeployWorld,
  r: ReleaseUnderTest,
  versions: number[],
  inputs: Record<string, string> = {},
): void {
  beforeAll(() => deployVersions(world, { ...r, versions, inputs }), 600_000);
}

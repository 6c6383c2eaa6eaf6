import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { readSettings } from './settings.js';
import { actionEnv, refusal } from '../../../test/harness/action-env.js';

const { inputs } = actionEnv();

describe('data-pull settings', () => {
  it('reads every input into one object, the working directory resolved from the job directory', () => {
    inputs({
      'working-directory': 'data/project',
      targets: 'data/train.csv.dvc\n# the holdout too\n  data/holdout.dvc  \n',
      remote: 'storage',
      'remote-url': 's3://bucket/dvc',
      'endpoint-url': 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      jobs: '8',
      'cache-dir': '/tmp/dvc-cache',
      'link-type': 'hardlink',
      force: 'true',
      'actions-cache': 'True',
    });
    expect(readSettings()).toEqual({
      cwd: resolve(process.cwd(), 'data/project'),
      targets: ['data/train.csv.dvc', 'data/holdout.dvc'],
      remote: 'storage',
      remoteUrl: 's3://bucket/dvc',
      endpointUrl: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      jobs: 8,
      cacheDir: '/tmp/dvc-cache',
      linkType: 'hardlink',
      force: true,
      actionsCache: true,
    });
  });

  it('takes the defaults the action.yml documents: the job directory, every target, copies', () => {
    expect(readSettings()).toEqual({
      cwd: process.cwd(),
      targets: [],
      remote: undefined,
      remoteUrl: undefined,
      endpointUrl: undefined,
      region: undefined,
      jobs: undefined,
      cacheDir: undefined,
      linkType: undefined,
      force: false,
      actionsCache: false,
    });
  });

  it.each(['copy', 'symlink'])('accepts link-type %s', (linkType) => {
    inputs({ 'link-type': linkType });
    expect(readSettings().linkType).toBe(linkType);
  });

  it.each([
    [{ jobs: '0' }, 'Input `jobs` must be an integer between 1 and 1024, got "0"', 'Set `jobs:` to an integer'],
    [{ jobs: '2.5' }, 'Input `jobs` must be an integer between 1 and 1024, got "2.5"', 'Set `jobs:`'],
    [{ jobs: 'many' }, 'Input `jobs` must be an integer between 1 and 1024, got "many"', 'Set `jobs:`'],
    [{ jobs: '1025' }, 'Input `jobs` must be an integer between 1 and 1024, got "1025"', 'Set `jobs:`'],
    [
      { 'link-type': 'reflink' },
      'Input `link-type` must be one of copy, hardlink, symlink, got "reflink"',
      'Set `link-type:` to one of copy, hardlink, symlink.',
    ],
    [{ force: 'yes' }, 'Input `force` must be true or false, got "yes"', 'Set `force: true` or `force: false`.'],
    [{ 'actions-cache': '1' }, 'Input `actions-cache` must be true or false, got "1"', 'Set `actions-cache: true`'],
  ])('refuses %j before anything is pulled, saying how to fix it', (bad, message, fix) => {
    inputs(bad);
    const error = refusal(() => readSettings());
    expect(error.message).toBe(message);
    expect(error.fix).toContain(fix);
  });
});

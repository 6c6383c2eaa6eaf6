import { expect, test } from '@jest/globals';
import { findModelKey } from './redeploy.js';

test('the model block is found where helm-deploy wrote it, the one naming the model first', () => {
  const block = (name: string) => ({ name, version: 3, storageUri: 'file:///r/x/versions/3/files/', sha256: 'ab' });
  expect(findModelKey({ replicaCount: 2, model: block('iris') }, 'iris')).toBe('model');
  expect(findModelKey({ serving: { shadow: block('other'), model: block('iris') } }, 'iris')).toBe('serving.model');
  expect(findModelKey({ serving: { shadow: block('other') } }, 'iris')).toBe('serving.shadow');
  expect(findModelKey({ image: { tag: '1' } }, 'iris')).toBe('model');
});

import { describe, expect, it } from '@jest/globals';
import { claimVersion, layout } from './layout.js';

describe('layout', () => {
  it('puts every key of a model under its name, as the README layout documents', () => {
    expect(layout.model('iris')).toBe('iris/');
    expect(layout.claims('iris')).toBe('iris/claims/');
    expect(layout.claim('iris', 3)).toBe('iris/claims/3.json');
    expect(layout.versionPrefix('iris', 3)).toBe('iris/versions/3/');
    expect(layout.filesPrefix('iris', 3)).toBe('iris/versions/3/files/');
    expect(layout.file('iris', 3, 'sub/model.onnx')).toBe('iris/versions/3/files/sub/model.onnx');
    expect(layout.manifest('iris', 3)).toBe('iris/versions/3/manifest.json');
    expect(layout.content('iris', 'ab12')).toBe('iris/content/ab12.json');
    expect(layout.aliases('iris')).toBe('iris/aliases/');
    expect(layout.alias('iris', 'prod')).toBe('iris/aliases/prod.json');
    expect(layout.events('iris')).toBe('iris/events/');
    expect(layout.event('iris', '20260101T000000000Z-abc')).toBe('iris/events/20260101T000000000Z-abc.json');
    expect(layout.probe('id-1')).toBe('.registry-probe/id-1');
  });

  it('keeps the sample and profile beside the manifest, outside files/ (the uri holds only model files)', () => {
    expect(layout.sample('iris', 2)).toBe('iris/versions/2/sample.json');
    expect(layout.profile('iris', 2)).toBe('iris/versions/2/profile.json');
    expect(layout.sample('iris', 2).startsWith(layout.filesPrefix('iris', 2))).toBe(false);
    expect(layout.profile('iris', 2).startsWith(layout.versionPrefix('iris', 2))).toBe(true);
  });
});

describe('claimVersion', () => {
  it('reads the number out of a claim key of that model', () => {
    expect(claimVersion('iris', 'iris/claims/1.json')).toBe(1);
    expect(claimVersion('iris', 'iris/claims/120.json')).toBe(120);
    expect(claimVersion('m.v2', layout.claim('m.v2', 7))).toBe(7);
  });

  it('is undefined for anything else under the prefix (temporary files, other names, nested keys)', () => {
    for (const key of [
      'iris/claims/1.json.tmp',
      'iris/claims/x.json',
      'iris/claims/.1.json',
      'iris/claims/1.json/extra',
      'iris/claims/sub/1.json',
      'iris/claims/-1.json',
      'iris/versions/1/manifest.json',
      'iris/claims/',
    ])
      expect(claimVersion('iris', key)).toBeUndefined();
  });
});

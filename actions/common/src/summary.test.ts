import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as core from '@actions/core';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addKeyValueTable, addTable, escapeHtml, writeSummary } from './summary.js';
import { actionEnv } from '../../../test/harness/action-env.js';
import { captureLog } from '../../../test/harness/workflow-log.js';

const { env } = actionEnv();

// @actions/core keeps one summary per process, its buffer and the file path it first found:
// every test writes to the same path, emptied (and the buffer cleared) before each test.
let file: string;
beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'summary-')), 'step_summary');
});
beforeEach(async () => {
  core.summary.emptyBuffer();
  await rm(file, { recursive: true, force: true });
  await writeFile(file, '');
  env({ GITHUB_STEP_SUMMARY: file });
});

describe('escapeHtml', () => {
  it('escapes the characters HTML gives a meaning, and @ so a value cannot mention anyone', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & @octocat`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; &#64;octocat',
    );
    expect(escapeHtml('&amp;')).toBe('&amp;amp;'); // text, not markup: an entity is shown as typed
    expect(escapeHtml('')).toBe('');
  });
});

describe('addTable and writeSummary', () => {
  it('write an HTML table to the job summary, every header and cell escaped, empty cells for null and undefined', async () => {
    addTable(
      ['metric', 'value <b>'],
      [
        ['acc<script>', 0.93],
        ['@team', true],
        ['loss', null],
        ['f1', undefined],
      ],
    );
    await writeSummary();
    expect(await readFile(file, 'utf8')).toBe(
      '<table><tr><th>metric</th><th>value &lt;b&gt;</th></tr>' +
        '<tr><td>acc&lt;script&gt;</td><td>0.93</td></tr>' +
        '<tr><td>&#64;team</td><td>true</td></tr>' +
        // @actions/core writes an empty cell as a bare <td>, which the next </tr> closes (valid HTML)
        '<tr><td>loss</td><td></tr>' +
        '<tr><td>f1</td><td></tr></table>\n',
    );
  });

  it('addKeyValueTable writes two columns under an empty header', async () => {
    addKeyValueTable([
      ['Model', 'iris'],
      ['Version', 3],
    ]);
    await writeSummary();
    expect(await readFile(file, 'utf8')).toBe(
      // two empty header cells, bare as @actions/core writes empty cells
      '<table><tr><th><th></tr><tr><td>Model</td><td>iris</td></tr><tr><td>Version</td><td>3</td></tr></table>\n',
    );
  });

  it('appends to what earlier steps wrote', async () => {
    await writeFile(file, '## data-pull\n');
    addTable(['a'], [['1']]);
    await writeSummary();
    expect(await readFile(file, 'utf8')).toBe('## data-pull\n<table><tr><th>a</th></tr><tr><td>1</td></tr></table>\n');
  });

  it('warns instead of failing the step when the summary cannot be written', async () => {
    await rm(file);
    await mkdir(file); // a folder where the summary file should be
    addTable(['a'], [['1']]);
    const log = await captureLog(() => writeSummary());
    expect(log.annotations).toHaveLength(1);
    expect(log.annotations[0]!.level).toBe('warning');
    expect(log.annotations[0]!.message).toMatch(/^Could not write the job summary: \S/);
    expect(log.annotations[0]!.message).toContain('EISDIR');
    expect(log.exitCode).toBeUndefined();
  });
});

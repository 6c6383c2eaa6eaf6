/**
 * The docs a user reads: every mermaid diagram in docs/ parses with the real mermaid (as
 * GitHub renders it, in a browser: Debian's chromium through playwright-core), and every
 * relative link in docs/, CHANGELOG.md and the workflows' READMEs points at a file that exists.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness/chromium.js';
import { repoRoot } from './harness/run-action.js';

const docs = readdirSync(join(repoRoot, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => join('docs', f));
const diagrams = docs.flatMap((file) =>
  [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m, i) => ({
    name: `${file} #${i + 1}`,
    text: m[1]!,
  })),
);

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ path: join(repoRoot, 'node_modules/mermaid/dist/mermaid.min.js') });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('docs', () => {
  it('has the lifecycle diagram', () => {
    expect(diagrams.map((d) => d.name)).toContain('docs/pipeline.md #1');
  });

  it('rejects a broken diagram (the check can fail)', async () => {
    const error = await page.evaluate(async (text) => {
      try {
        await (globalThis as unknown as { mermaid: { parse(t: string): Promise<unknown> } }).mermaid.parse(text);
        return '';
      } catch (e) {
        return String(e);
      }
    }, 'flowchart TD\n  A[unclosed --> B');
    expect(error).not.toBe('');
  });

  it.each(diagrams.map((d) => [d.name, d.text]))('%s parses with mermaid', async (_name, text) => {
    const error = await page.evaluate(async (t) => {
      try {
        await (globalThis as unknown as { mermaid: { parse(t: string): Promise<unknown> } }).mermaid.parse(t);
        return '';
      } catch (e) {
        return String(e);
      }
    }, text);
    expect(error).toBe('');
  });

  it.each([...docs, 'CHANGELOG.md', 'workflows-examples/README.md', 'workflows-examples/example-project/README.md'])(
    '%s links only to files that exist',
    (file) => {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      const broken = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(repoRoot, dirname(file), target)));
      expect(broken).toEqual([]);
    },
  );
});

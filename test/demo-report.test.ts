/**
 * `npm run demo`, run as a newcomer would (from another directory), and its HTML report as a
 * person sees it: rendered by headless Chromium (Debian's `chromium`, driven by playwright-core),
 * checked for the run's verdict, the release history and the gate that stopped the worse
 * model, against the registry's files on disk. The screenshot is kept in test/.artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { renderReport } from '../demo/report.js';
import { launchChromium, requireChromium } from './harness/chromium.js';
import { repoRoot } from './harness/run-action.js';

const artifacts = join(repoRoot, 'test/.artifacts');
const demoDir = join(artifacts, 'demo');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(cwd: string): Promise<DemoRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tsx, [join(repoRoot, 'demo/run.ts')], {
      cwd,
      env: { ...process.env, DEMO_DIR: demoDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The registry as it is on disk, read without the registry package. */
function aliasesOnDisk(): Record<string, number> {
  const dir = join(demoDir, 'registry/churn-classifier/aliases');
  return Object.fromEntries(
    readdirSync(dir).map((f) => [
      f.replace(/\.json$/, ''),
      (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { version: number }).version,
    ]),
  );
}

let run: DemoRun;
let browser: Browser;
let page: Page;
let elsewhere: string;

beforeAll(async () => {
  requireChromium();
  await mkdir(artifacts, { recursive: true });
  elsewhere = await mkdtemp(join(tmpdir(), 'demo-cwd-'));
  run = await runDemo(elsewhere);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
});

describe('the demo and its report', () => {
  it('runs from another directory and says where its report is', () => {
    expect({ code: run.code, stderr: run.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
    const reportLine = run.stdout.split('\n').find((l) => l.startsWith('demo: report: '));
    expect(reportLine).toBe(`demo: report: ${join(demoDir, 'report.html')}`);
    expect(run.stdout).toMatch(/^demo: PASSED: \d+ steps ran as the story needs/m);
  });

  it('keeps every job summary it ran', () => {
    const ran = [...run.stdout.matchAll(/^ ?(\d+)\. .* \[actions\/([a-z-]+), [\d.]+ s\]: (ok|stopped)$/gm)];
    expect(ran.length).toBeGreaterThanOrEqual(10);
    const files = readdirSync(join(demoDir, 'summaries'));
    for (const [, n, action] of ran) expect(files).toContain(`${n!.padStart(2, '0')}-${action}.md`);
  });

  it('shows the verdict, the history and the stopped pull request in Chromium', async () => {
    const report = join(demoDir, 'report.html');
    await page.goto(pathToFileURL(report).href);
    await page.screenshot({ path: join(artifacts, 'demo-report.png'), fullPage: true });
    expect((await stat(join(artifacts, 'demo-report.png'))).size).toBeGreaterThan(10_000);

    const verdict = page.locator('#verdict');
    await expect(verdict.isVisible()).resolves.toBe(true);
    expect(await verdict.innerText()).toMatch(/^PASSED: \d+ steps ran as the story needs/);
    // Green, as a person reads it.
    // (the function runs in the page: it names the page's globalThis, not a variable of this file)
    const background = await verdict.evaluate(
      (el) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el)
          .backgroundColor,
    );
    expect(background).toBe('rgb(218, 251, 225)');

    // The history table: one row per version, the aliases as the registry's files say now.
    const rows = await page
      .locator('#registry-history tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => (td as unknown as { innerText: string }).innerText.trim()),
        ),
      );
    const onDisk = aliasesOnDisk();
    const versions = readdirSync(join(demoDir, 'registry/churn-classifier/versions'))
      .map(Number)
      .sort((a, b) => a - b);
    expect(rows.map((r) => Number(r[0]))).toEqual(versions);
    for (const r of rows) {
      const expected = Object.entries(onDisk)
        .filter(([, v]) => v === Number(r[0]))
        .map(([a]) => a)
        .sort();
      expect({ version: r[0], aliases: r[1]!.split(', ').filter(Boolean).sort() }).toEqual({
        version: r[0],
        aliases: expected,
      });
    }
    expect(onDisk.production).toBeDefined();

    // The worse model: its gate row says stopped, and the PR comment it posted shows the failing rule.
    // The two intended stops: the gate on the pull request, and v3's smoke test on staging.
    const stopped = await page.locator('#steps-table tr.stopped').allInnerTexts();
    expect(stopped).toHaveLength(2);
    expect(stopped[0]).toMatch(/metric-gate/);
    expect(stopped[0]).toMatch(/verdict=fail/);
    expect(stopped[1]).toMatch(/helm-deploy/);
    expect(stopped[1]).toMatch(/status=rolled-back/);
    const comment = await page.locator('#pr-comment').innerText();
    expect(comment).toMatch(/fail/i);
    expect(comment).toMatch(/roc_auc/);
    expect(await page.locator('#pr-comment table').count()).toBeGreaterThan(0);

    // Helm's history per environment, as deployed: production went v1, v2, then back to v1 by
    // hand; staging's v3 failed its smoke test and went back to v2. The pods say what they serve.
    const helmRows = async (ns: string) =>
      page
        .locator(`#helm-history-${ns} tbody tr`)
        .evaluateAll((trs) =>
          trs.map((tr) =>
            [...tr.querySelectorAll('td')].map((td) => (td as unknown as { innerText: string }).innerText.trim()),
          ),
        );
    const production = await helmRows('production');
    expect(production.map((r) => r[1])).toEqual(['superseded', 'superseded', 'deployed']);
    expect(production.map((r) => r[4])).toEqual([
      expect.stringMatching(/churn-classifier\/1\b/),
      expect.stringMatching(/churn-classifier\/2\b/),
      'Rollback to 1',
    ]);
    const staging = await helmRows('staging');
    expect(staging.map((r) => r[4])).toEqual([
      expect.stringMatching(/churn-classifier\/1\b/),
      expect.stringMatching(/churn-classifier\/2\b/),
      expect.stringMatching(/churn-classifier\/3\b/),
      'Rollback to 2',
    ]);
    expect(staging.at(-1)![1]).toBe('deployed');
    const served = await page.locator('p.served').allInnerTexts();
    expect(served).toEqual([
      `staging serves: 200 {"name":"churn-classifier","versions":["2"]}`,
      `production serves: 200 {"name":"churn-classifier","versions":["${onDisk.production}"]}`,
    ]);
    expect(onDisk.production).toBe(1);

    // The audit log lists every alias move the registry recorded.
    const events = readdirSync(join(demoDir, 'registry/churn-classifier/events'));
    expect(await page.locator('#audit-events tbody tr').count()).toBe(events.length);
  });

  it('runs no script that a summary or a step detail carries', async () => {
    const hostile = '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">';
    const html = renderReport({
      title: 'hostile',
      startedAt: '2026-01-01T00:00:00Z',
      seconds: 1,
      records: [
        {
          n: 1,
          chapter: hostile,
          label: hostile,
          action: 'metric-gate',
          outcome: 'ok',
          detail: hostile,
          outputs: { verdict: hostile },
          summary: `### ${hostile}\n\n| a |\n|---|\n| ${hostile} |`,
        },
      ],
      versions: [],
      events: [{ at: 'now', type: hostile, actor: hostile, detail: hostile }],
      missing: [],
    });
    const file = join(artifacts, 'hostile-report.html');
    await writeFile(file, html);
    await page.goto(pathToFileURL(file).href);
    await page.waitForTimeout(300); // an onerror handler would have fired by now
    expect(await page.title()).toBe('hostile');
    // The text is shown, as text, where it was escaped.
    expect(await page.locator('#steps-table td.detail').innerText()).toBe(hostile);
  });
});

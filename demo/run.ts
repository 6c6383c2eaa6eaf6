/**
 * The demo: the ML lifecycle of workflows-examples/ on this machine, with no credentials and
 * no network. Every step runs an action's committed bundle in a child process exactly as
 * GitHub's runner does (test/harness/run-action.ts), on a copy of the example project, with a
 * local DVC remote, a local registry and a local GitHub API double for the pull-request comment.
 *
 *   npm run demo                 (or: npx tsx demo/run.ts [--verbose], from any directory)
 *   DEMO_DIR=/some/folder ...    where to work and write the report [<repo>/.demo]
 *
 * The story, in order: pull -> train -> gate (no baseline) -> push v1 -> deploy to staging ->
 * promote production -> a worse model on a pull request stopped by the gate (the comment it
 * posts) -> a better model released as v2 -> a v3 whose smoke test fails, rolled back -> a
 * manual rollback -> fresh data that has drifted, starting a retrain -> the audit log.
 * Steps whose action is not built yet are listed as such, never faked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startGitHubApi, type GitHubApiDouble } from '../test/doubles/github-api.js';
import { repoRoot } from '../test/harness/run-action.js';
import { missingHelm, startDemoCluster } from './cluster.js';
import { writeReport, runVerdict, type EventRow, type ReportData, type VersionRow } from './report.js';
import { DemoRun, isBuilt } from './steps.js';
import { MODEL, OWNER, PR, RELEASE, REPO, TOKEN, story } from './story.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const demoDir = process.env.DEMO_DIR ? resolve(process.env.DEMO_DIR) : join(repoRoot, '.demo');
const project = join(demoDir, 'example-project');
const registry = join(demoDir, 'registry');
const verbose = process.argv.includes('--verbose');

/** What `npm run setup` installs that this run needs; named, never installed from here. */
function missingTools(): string[] {
  const missing: string[] = [];
  const probe = spawnSync(PYTHON, ['-c', 'import numpy, sklearn, onnx, yaml'], { encoding: 'utf8' });
  if (probe.status !== 0)
    missing.push(
      `${PYTHON} with numpy, scikit-learn, onnx and PyYAML (Debian: python3-sklearn python3-onnx python3-yaml)`,
    );
  if (
    !existsSync(join(repoRoot, 'tools/node24/node_modules/node/bin/node')) &&
    process.versions.node.split('.')[0] !== '24'
  ) {
    missing.push('Node 24 in tools/node24 (npm ci installs it)');
  }
  return missing;
}

/**
 * The registry as its files are (the layout of DESIGN.md: versions/N/manifest.json,
 * aliases/NAME.json, events/*.json), read as plain JSON: what a person browsing the bucket sees.
 */
async function registryFacts(): Promise<{ versions: VersionRow[]; events: EventRow[] }> {
  const root = join(registry, MODEL);
  if (!existsSync(root)) return { versions: [], events: [] };
  const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
  const list = async (dir: string): Promise<string[]> => (existsSync(dir) ? (await readdir(dir)).sort() : []);
  const aliases = await Promise.all(
    (await list(join(root, 'aliases')))
      .filter((f) => f.endsWith('.json'))
      .map((f) => readJson<{ alias: string; version: number }>(join(root, 'aliases', f))),
  );
  const versions: VersionRow[] = [];
  for (const n of (await list(join(root, 'versions')))
    .map(Number)
    .filter(Number.isInteger)
    .sort((a, b) => a - b)) {
    const path = join(root, 'versions', String(n), 'manifest.json');
    if (!existsSync(path)) continue; // a claimed number whose push never finished
    const m = await readJson<{
      created_at: string;
      sha256: string;
      description?: string;
      metrics?: Record<string, unknown>;
    }>(path);
    const metrics = Object.fromEntries(
      Object.entries(m.metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    versions.push({
      version: n,
      createdAt: m.created_at,
      sha256: m.sha256,
      description: m.description ?? '',
      metrics,
      aliases: aliases.filter((a) => a.version === n).map((a) => a.alias),
    });
  }
  const events: EventRow[] = [];
  for (const f of (await list(join(root, 'events'))).filter((x) => x.endsWith('.json'))) {
    const e = await readJson<{
      at: string;
      type: string;
      actor?: string | null;
      version?: number;
      alias?: string;
      from?: number | null;
      to?: number;
      reason?: string;
    }>(join(root, 'events', f));
    const detail = [
      e.version !== undefined ? `version ${e.version}` : '',
      e.alias ? `alias ${e.alias}: ${e.from ?? 'none'} -> ${e.to}` : '',
      e.reason ? `reason: ${e.reason}` : '',
    ];
    events.push({ at: e.at, type: e.type, actor: e.actor ?? '', detail: detail.filter(Boolean).join('; ') });
  }
  return { versions, events };
}

/** What each environment's pods answer through the ingress, for the report. */
async function served(urls: Record<string, string>): Promise<{ environment: string; answer: string }[]> {
  const out: { environment: string; answer: string }[] = [];
  for (const [environment, url] of Object.entries(urls)) {
    const answer = await fetch(`${url}/v2/models/${MODEL}`, { signal: AbortSignal.timeout(5000) })
      .then(
        async (r) =>
          `${r.status} ${JSON.stringify((({ name, versions }) => ({ name, versions }))((await r.json()) as { name: string; versions: string[] }))}`,
      )
      .catch((e: Error) => `no answer (${e.message})`);
    out.push({ environment, answer });
  }
  return out;
}

async function main(): Promise<number> {
  const started = Date.now();
  const missing = missingTools();
  if (missing.length) {
    console.error(
      `demo: missing on this machine (run \`npm run setup\` at ${repoRoot}):\n  - ${missing.join('\n  - ')}`,
    );
    return 2;
  }
  // A fresh copy every run, so a second run starts from the same state as the first.
  await rm(demoDir, { recursive: true, force: true });
  await mkdir(demoDir, { recursive: true });
  await cp(join(repoRoot, 'workflows-examples/example-project'), project, {
    recursive: true,
    filter: (src) => !/example-project\/(data|fresh|model\.onnx|metrics\.json|run\.json)$/.test(src),
  });
  // The chart, where a user's repository keeps it (release.yml deploys ./chart).
  await cp(join(repoRoot, 'workflows-examples/chart'), join(project, 'chart'), { recursive: true });
  console.log(`demo: working in ${demoDir} (example project, registry, job summaries, report)`);

  const helmMissing = missingHelm();
  const notes: string[] = [];
  if (helmMissing.length && isBuilt('helm-deploy')) notes.push(...helmMissing);
  const api: GitHubApiDouble = await startGitHubApi();
  api.addToken(TOKEN, { login: 'github-actions[bot]', permission: 'write' });
  const k8s = isBuilt('helm-deploy') && !helmMissing.length ? await startDemoCluster(demoDir) : undefined;
  const urls = k8s
    ? { staging: await k8s.ingress('staging', RELEASE), production: await k8s.ingress('production', RELEASE) }
    : { staging: '', production: '' };
  if (k8s)
    console.log(
      `demo: Kubernetes API on loopback (${k8s.cluster.url}, kubeconfig ${k8s.cluster.kubeconfigPath}), helm ${k8s.helm}`,
    );
  const demo = new DemoRun(project, join(demoDir, 'summaries'), !verbose);
  let report: Pick<ReportData, 'helmHistory' | 'served'> = {};
  try {
    await story({ demo, api, project, registry, python: PYTHON, k8s, urls });
    if (k8s) {
      report = {
        helmHistory: [
          { namespace: 'staging', revisions: await k8s.history(RELEASE, 'staging') },
          { namespace: 'production', revisions: await k8s.history(RELEASE, 'production') },
        ],
        served: await served(urls),
      };
    }
  } finally {
    await k8s?.stop();
    await api.stop();
  }

  const comments = api.comments(OWNER, REPO, PR);
  const commentRequests = api.requests.filter((r) => r.path.includes('/issues/') && r.path.includes('comments'));
  const facts = await registryFacts();
  const reportPath = join(demoDir, 'report.html');
  const seconds = (Date.now() - started) / 1000;
  await writeReport(reportPath, {
    title: `MLOps lifecycle demo: ${MODEL}`,
    startedAt: new Date(started).toISOString(),
    seconds,
    records: demo.records,
    prComment: comments[0]
      ? {
          url: comments[0].html_url,
          body: comments[0].body,
          posts: commentRequests.filter((r) => r.method === 'POST').length,
          edits: commentRequests.filter((r) => r.method === 'PATCH').length,
        }
      : undefined,
    versions: facts.versions,
    events: facts.events,
    missing: notes,
    ...report,
  });

  console.log('\n### Registry');
  for (const v of facts.versions)
    console.log(
      `  v${v.version} ${v.aliases.length ? `[${v.aliases.join(', ')}] ` : ''}roc_auc=${v.metrics.roc_auc?.toFixed(4)} ${v.description}`,
    );
  console.log('### Audit log');
  for (const e of facts.events) console.log(`  ${e.at} ${e.type.padEnd(15)} ${e.detail}`);
  for (const h of report.helmHistory ?? []) {
    console.log(`### helm history ${RELEASE} -n ${h.namespace}`);
    for (const r of h.revisions)
      console.log(`  ${String(r.revision).padStart(3)} ${r.status.padEnd(11)} ${r.description}`);
  }
  for (const s of report.served ?? []) console.log(`### ${s.environment} serves: ${s.answer}`);
  const verdict = runVerdict(demo.records);
  const notBuilt = demo.records.filter((r) => r.outcome === 'not built').map((r) => `${r.n}. ${r.label}: ${r.detail}`);
  console.log(`\ndemo: ${verdict.text} in ${seconds.toFixed(1)} s`);
  if (notBuilt.length) console.log(`demo: not run:\n  ${notBuilt.join('\n  ')}`);
  if (notes.length) console.log(`demo: not installed (npm run setup installs it): ${notes.join('; ')}`);
  console.log(`demo: job summaries in ${join(demoDir, 'summaries')}`);
  console.log(`demo: report: ${reportPath}`);
  return verdict.ok ? 0 : 1;
}

process.exitCode = await main();

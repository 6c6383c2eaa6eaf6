// Mutation testing (StrykerJS) of the modules that carry the guarantees users rely on.
// `npm run mutation` runs every module; `STRYKER_MODULE=sticky-comment npm run mutation` one of
// them (its mutants, and only the test files that judge it). Reports: reports/mutation/.
// STRYKER_INCREMENTAL=1 reuses the module's last results for mutants whose code and covering
// tests did not change (reports/mutation/<module>.incremental.json): only new tests' mutants rerun.
// Not part of .ci/run (too slow for CI's cores): .github/workflows/mutation.yml runs it nightly.
// @ts-check
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The lines of some declarations, as the `file:from-to` ranges Stryker takes: each from the
 * first line that starts with `start` (after indentation) to the closing brace at that line's
 * indentation. Declarations are found by their text, not by line numbers, so that edits
 * elsewhere in the file cannot silently move a range onto other code; a declaration that is
 * gone is an error here, not a module that quietly mutates nothing.
 * @param {string} file
 * @param {string[]} starts the declarations' first words, e.g. `export function digestMatches(`
 * @returns {string[]}
 */
export function declarations(file, starts) {
  const lines = readFileSync(`${root}${file}`, 'utf8').split('\n');
  return starts.map((start) => {
    const from = lines.findIndex((l) => l.trimStart().startsWith(start));
    if (from < 0) throw new Error(`stryker.config.mjs: no line of ${file} starts with "${start}"`);
    const closing = `${' '.repeat(lines[from].length - lines[from].trimStart().length)}}`;
    const to = lines.findIndex(
      (l, i) => i > from && (l === closing || (/^[;)]/.test(l.slice(closing.length)) && l.startsWith(closing))),
    );
    if (to < 0) throw new Error(`stryker.config.mjs: no closing brace for "${start}" in ${file}`);
    return `${file}:${from + 1}-${to + 1}`;
  });
}

/**
 * The lines from the first line containing `from` to the next line containing `to` (both
 * included), as a `file:from-to` range: the decision lines inside a long function, found by
 * their text like `declarations`.
 * @param {string} file
 * @param {string} from
 * @param {string} to
 * @returns {string}
 */
export function between(file, from, to) {
  const lines = readFileSync(`${root}${file}`, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.includes(from));
  if (start < 0) throw new Error(`stryker.config.mjs: no line of ${file} contains "${from}"`);
  const end = lines.findIndex((l, i) => i >= start && l.includes(to));
  if (end < 0) throw new Error(`stryker.config.mjs: no line of ${file} after "${from}" contains "${to}"`);
  return `${file}:${start + 1}-${end + 1}`;
}

/**
 * module -> the code that carries the guarantee (whole files, or the declarations that carry
 * it where a file mixes it with plumbing such as progress, logging or speed-ups) and the test
 * files that must catch its mutants.
 * @type {Record<string, { guarantee: string; mutate: () => string[]; tests: string[] }>}
 */
export const MODULES = {
  'dvc-verify': {
    guarantee:
      'a cached, downloaded or manifest object is used only when its md5 matches (DVC 3 raw, DVC 2 dos2unix); a .dir manifest cannot name a path outside its output',
    mutate: () => [
      ...declarations('packages/dvc/src/hash.ts', [
        'export function isTextBlock(',
        'export function dos2unix(',
        'export class ObjectHasher',
        'export function digestMatches(',
      ]),
      ...declarations('packages/dvc/src/fetch.ts', ['function verifierFor(', 'export async function checkCache(']),
      ...declarations('packages/dvc/src/plan.ts', ['function checkManifestPaths(']),
    ],
    tests: [
      'packages/dvc/src/pull.test.ts',
      'packages/dvc/src/verify.test.ts',
      'packages/dvc/src/checkout.test.ts',
      'packages/dvc/src/hash.test.ts',
      'packages/dvc/src/fetch.test.ts',
      'packages/dvc/src/plan.test.ts',
    ],
  },
  'dvc-checkout': {
    guarantee:
      'checkout keeps unchanged files, replaces changed ones, refuses to drop unsaved files unless forced, and never writes through a link',
    mutate: () =>
      declarations('packages/dvc/src/checkout.ts', [
        'async diff(',
        'private async compare(',
        'private async changed(',
        'private async noteUnsaved(',
        'private async inCacheTree(',
        'private async extras(',
        'private async ensureDir(',
      ]),
    tests: ['packages/dvc/src/pull.test.ts', 'packages/dvc/src/verify.test.ts', 'packages/dvc/src/checkout.test.ts'],
  },
  'data-version': {
    guarantee: 'same data -> same version; different data or selection -> a different version',
    mutate: () => ['packages/dvc/src/data-version.ts'],
    tests: ['packages/dvc/src/pull.test.ts', 'packages/dvc/src/data-version.test.ts'],
  },
  'registry-cas': {
    guarantee:
      'version numbers are claimed exclusively, one push uploads a given content, aliases move by compare-and-swap (create-only with expected: null)',
    mutate: () => [
      'packages/registry/src/aliases.ts',
      'packages/registry/src/claims.ts',
      'packages/registry/src/content-lock.ts',
    ],
    tests: [
      'packages/registry/src/registry.test.ts',
      'packages/registry/src/cas.test.ts',
      'packages/registry/src/aliases.test.ts',
      'packages/registry/src/claims.test.ts',
      'packages/registry/src/content-lock.test.ts',
    ],
  },
  'sticky-comment': {
    guarantee: 'the sticky comment is found by its exact marker and its author, never by a prefix; races leave one',
    mutate: () => ['packages/github/src/sticky-comment.ts'],
    tests: ['packages/github/src/sticky-comment.test.ts'],
  },
  'gate-rules': {
    guarantee:
      'rules parse as documented (or fail naming line and column); interval verdicts and fail-on decide the step',
    mutate: () => [
      'packages/gate/src/rules.ts',
      ...declarations('packages/gate/src/verdict.ts', [
        'function holds(',
        'export function intervalStatus(',
        'export function decide(',
      ]),
    ],
    tests: ['packages/gate/src/rules.test.ts', 'packages/gate/src/verdict.test.ts'],
  },
  'helm-decisions': {
    guarantee:
      'rollback decisions: which Helm revisions are bad, the last good one, the model a revision serves (packages/deploy is judged by end-to-end tests of the bundles, which mutants in the sources cannot reach)',
    mutate: () => ['packages/helm/src/history.ts'],
    tests: ['packages/helm/src/history.test.ts'],
  },
};

/**
 * Mutants in what a module says while it works (log lines, progress counters) are reported as
 * Ignored, with this reason, instead of counting against the module: they cannot break the
 * guarantee, and a test pinning each log text would judge wording, not behaviour. Error
 * messages (UserError and the like) are not statements of this kind and stay mutated.
 * @param {any} path a Babel NodePath
 * @returns {string | undefined}
 */
function talkOnly(path) {
  if (!path.isExpressionStatement()) return undefined;
  let call = path.node.expression;
  if (call.type === 'AwaitExpression') call = call.argument;
  if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return undefined;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
  const target = callee.object;
  const name =
    target.type === 'Identifier'
      ? target.name
      : (target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression') &&
          target.property.type === 'Identifier'
        ? target.property.name
        : undefined;
  if (name === 'logger') return 'a log line: its wording is not the guarantee';
  if (name === 'meter') return 'a progress counter: display only';
  return undefined;
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'talk-only', { shouldIgnore: talkOnly })];

const selected = process.env.STRYKER_MODULE ? process.env.STRYKER_MODULE.split(',') : Object.keys(MODULES);
for (const name of selected) {
  if (!MODULES[name])
    throw new Error(`STRYKER_MODULE: unknown module ${name}; one of ${Object.keys(MODULES).join(', ')}`);
}
const mutate = selected.flatMap((name) => MODULES[name].mutate());
// (a listed test file that does not exist yet is skipped)
// STRYKER_TESTS=a.test.ts,b.test.ts: judge with these test files instead (e.g. a module's fast tests alone)
const tests = (
  process.env.STRYKER_TESTS
    ? process.env.STRYKER_TESTS.split(',')
    : [...new Set(selected.flatMap((name) => MODULES[name].tests))]
).filter((t) => existsSync(`${root}${t}`));
const reportName = process.env.STRYKER_REPORT ?? (process.env.STRYKER_MODULE ? selected.join('+') : 'all');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // Jest needs ESM (the @actions packages are ESM-only), hence the VM-modules flag.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    enableFindRelatedTests: false,
    config: {
      // only the test files that judge the selected modules
      testMatch: tests.map((t) => `<rootDir>/${t}`),
      // no fixture-action build before every mutant's run: `null`, as Stryker hands these options
      // to its test-runner processes as JSON, where an `undefined` key simply disappears (and
      // jest.config.js's globalSetup, an ncc build, then ran once per mutant)
      globalSetup: null,
      // Stryker wraps the environment and resolves its path as given (no <rootDir>)
      testEnvironment: fileURLToPath(new URL('./test/harness/jest-environment.cjs', import.meta.url)),
    },
  },
  // each mutant runs only the tests that cover it
  coverageAnalysis: 'perTest',
  // this file is also the plugin module of the talk-only ignorer above
  plugins: ['@stryker-mutator/*', fileURLToPath(import.meta.url)],
  ignorers: ['talk-only'],
  // the runner shares 2 cores with other work: one test process at a time
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  mutate,
  // STRYKER_ALL_KILLERS=1: every covering test runs on each mutant (no bail at the first
  // failure), so a report names all the tests that kill it: which mutants the older test files
  // alone would kill (the score before new tests) is read from the same run.
  disableBail: process.env.STRYKER_ALL_KILLERS === '1',
  incremental: process.env.STRYKER_INCREMENTAL === '1',
  incrementalFile: `reports/mutation/${reportName}.incremental.json`,
  // STRYKER_TYPECHECK=1: mutants that do not type-check are discarded before running (slower;
  // needs a tree that type-checks). Without it ts-jest only transpiles and runs them.
  checkers: process.env.STRYKER_TYPECHECK === '1' ? ['typescript'] : [],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  ignoreStatic: true,
  // added to 1.5 x a test run's own time before a mutant counts as a timeout (an endless loop)
  timeoutMS: Number(process.env.STRYKER_TIMEOUT_MS ?? 20000),
  ignorePatterns: ['dist', 'bench', 'demo', 'workflows-examples', 'tools', 'reports', 'test/.build', '.github'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
  jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};

// Mutation testing (StrykerJS) of the modules that carry the guarantees users rely on.
// `npm run mutation` runs every module; `STRYKER_MODULE=sticky-comment npm run mutation` one of
// them (its mutants, and only the test files that judge it). Reports: reports/mutation/.
// Not part of .ci/run (too slow for CI's cores): .github/workflows/mutation.yml runs it nightly.
// @ts-check
import { fileURLToPath } from 'node:url';

/**
 * module -> the code that carries the guarantee (whole files, or `file:from-to` line ranges
 * where a file mixes it with plumbing) and the test files that must catch its mutants.
 * @type {Record<string, { mutate: string[]; tests: string[] }>}
 */
export const MODULES = {
  // DVC: a cached or downloaded object is used only when its md5 matches; checkout refuses
  // unsaved files and never writes outside the workspace.
  'dvc-verify': {
    mutate: ['packages/dvc/src/hash.ts', 'packages/dvc/src/pull.ts'],
    tests: ['packages/dvc/src/pull.test.ts'],
  },
  // The data version: same data -> same version, different data or selection -> different.
  'data-version': {
    mutate: ['packages/dvc/src/data-version.ts'],
    tests: ['packages/dvc/src/pull.test.ts'],
  },
  // Registry: version claims, the content lock, alias compare-and-swap.
  'registry-cas': {
    mutate: ['packages/registry/src/registry.ts'],
    tests: ['packages/registry/src/registry.test.ts'],
  },
  // The sticky comment is found by its exact marker and its author, never by a prefix.
  'sticky-comment': {
    mutate: ['packages/github/src/sticky-comment.ts'],
    tests: ['packages/github/src/sticky-comment.test.ts'],
  },
  // The gate: rule parsing and checking, interval verdicts, fail-on.
  'gate-rules': {
    mutate: ['packages/gate/src/rules.ts', 'packages/gate/src/verdict.ts'],
    tests: [
      'packages/gate/src/rules.test.ts',
      'packages/gate/src/statistics.test.ts',
      'packages/gate/src/report.test.ts',
    ],
  },
  // Rollback decisions: which Helm revisions are bad, the last good one, a release stuck pending.
  // (packages/deploy's plan and pending recovery are judged only by end-to-end tests of the
  // bundles, which mutants in the sources cannot reach.)
  'helm-decisions': {
    mutate: ['packages/helm/src/history.ts'],
    tests: ['packages/helm/src/history.test.ts'],
  },
};

const selected = process.env.STRYKER_MODULE ? process.env.STRYKER_MODULE.split(',') : Object.keys(MODULES);
for (const name of selected) {
  if (!MODULES[name])
    throw new Error(`STRYKER_MODULE: unknown module ${name}; one of ${Object.keys(MODULES).join(', ')}`);
}
const mutate = selected.flatMap((name) => MODULES[name].mutate);
const tests = [...new Set(selected.flatMap((name) => MODULES[name].tests))];
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
      // only the test files that judge the selected modules; no fixture-action build
      testMatch: tests.map((t) => `<rootDir>/${t}`),
      globalSetup: undefined,
      // Stryker wraps the environment and resolves its path as given (no <rootDir>)
      testEnvironment: fileURLToPath(new URL('./test/harness/jest-environment.cjs', import.meta.url)),
    },
  },
  coverageAnalysis: 'perTest',
  // the runner shares 2 cores with other work: one test process at a time
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  mutate,
  // STRYKER_TYPECHECK=1: mutants that do not type-check are discarded before running (slower;
  // needs a tree that type-checks). Without it ts-jest only transpiles and runs them.
  checkers: process.env.STRYKER_TYPECHECK === '1' ? ['typescript'] : [],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  ignoreStatic: true,
  timeoutMS: 20000,
  ignorePatterns: ['dist', 'bench', 'demo', 'workflows-examples', 'tools', 'reports', 'test/.build', '.github'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
  jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};

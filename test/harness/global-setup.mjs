// Builds the test-only fixture actions (test/fixtures/actions/*) into test/.build once per
// test run. Shipped actions are not rebuilt here: their committed dist/ bundles are what the
// end-to-end tests run, exactly what GitHub runs (CI checks that dist/ is current).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--fixtures'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`Building the fixture actions failed:\n${built.stdout}\n${built.stderr}`);
}

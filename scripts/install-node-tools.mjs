// npm's postinstall: installs the pinned Node binaries the project runs on (tools/node24, the
// default runtime; tools/node22, the oldest Node it claims) unless the pinned version is
// already there. Skipping an installed one matters: `npm ci --prefix` first deletes its
// node_modules, which pulled the node binary from under tests running at the same time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
for (const tool of ['node24', 'node22']) {
  const dir = join(root, 'tools', tool);
  const pinned = readJson(join(dir, 'package.json')).dependencies.node;
  const installed = join(dir, 'node_modules/node/package.json');
  const binary = join(dir, 'node_modules/node/bin/node');
  if (existsSync(installed) && existsSync(binary) && readJson(installed).version === pinned) continue;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

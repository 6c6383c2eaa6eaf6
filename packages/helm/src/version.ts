import { UserError } from '@mlops-gha/common';

/** What `helm version` says about the binary, reduced to what changes our flags. */
export interface HelmVersion {
  major: number;
  minor: number;
  patch: number;
  /** As printed, e.g. `v3.17.3`. */
  text: string;
}

/** Helm 3.8 is the oldest we drive: OCI charts became GA there and `--wait` semantics settled. */
export const MIN_HELM = { major: 3, minor: 8 } as const;

const SETUP_FIX =
  'Install Helm 3.8 or newer before this step, e.g. `uses: azure/setup-helm@v4`, or point the `helm` input at a helm binary.';

/**
 * Parses the three forms helm prints: `version.BuildInfo{Version:"v3.17.3", ...}`,
 * `--short` (`v4.0.0+g99cd196`) and a bare `--template '{{.Version}}'`. Helm 2's
 * `Client: &version.Version{SemVer:"v2..."}` is recognised so it can be refused by name.
 */
export function parseHelmVersion(output: string, binary = 'helm'): HelmVersion {
  const text = output.trim();
  const m =
    /Version:"(v?\d+(?:\.\d+){0,2}[^"]*)"/.exec(text) ??
    /SemVer:"(v?\d+(?:\.\d+){0,2}[^"]*)"/.exec(text) ??
    /^(v?\d+(?:\.\d+){0,2}\S*)$/m.exec(text);
  const parts = m ? /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(m[1]!) : null;
  if (!m || !parts) {
    throw new UserError(
      `Could not read the Helm version from \`${binary} version\`: ${JSON.stringify(text.slice(0, 200))}`,
      { fix: SETUP_FIX },
    );
  }
  return {
    major: Number(parts[1]),
    minor: Number(parts[2] ?? 0),
    patch: Number(parts[3] ?? 0),
    text: m[1]!.split('+')[0]!,
  };
}

/** Refuses Helm 2 and Helm 3 older than 3.8 with what to install instead. */
export function checkSupported(version: HelmVersion, binary = 'helm'): HelmVersion {
  const old = version.major < MIN_HELM.major || (version.major === MIN_HELM.major && version.minor < MIN_HELM.minor);
  if (old) {
    throw new UserError(
      `${binary} is Helm ${version.text}; helm-deploy needs Helm ${MIN_HELM.major}.${MIN_HELM.minor} or newer (Helm 3 or 4)`,
      { fix: SETUP_FIX },
    );
  }
  return version;
}

/** Helm 3.13 added `--dry-run=server`; older 3.x only renders on the client. */
export function supportsServerDryRun(version: HelmVersion): boolean {
  return version.major > 3 || version.minor >= 13;
}

export { Helm } from './cli.js';
export type { HelmRun, RunOptions } from './cli.js';
export { parseHelmVersion, checkSupported, supportsServerDryRun, MIN_HELM } from './version.js';
export type { HelmVersion } from './version.js';
export { classifyHelmError, helmErrorLine, HelmCommandError } from './errors.js';
export type { HelmFailureKind } from './errors.js';
export { parseHistory, parseRelease, parseValues, parseList, HelmOutputError, RELEASE_STATUSES } from './parse.js';
export type { HistoryEntry, ReleaseStatusInfo, ListEntry, ReleaseStatus } from './parse.js';
export {
  upgradeArgs,
  rollbackArgs,
  uninstallArgs,
  historyArgs,
  statusArgs,
  getValuesArgs,
  getManifestArgs,
  recoveryCommand,
  getAllTemplateArgs,
} from './flags.js';
export { parseChartDump, CHART_TEMPLATE } from './chart.js';
export type { ReleaseChart } from './chart.js';
export type { Target, UpgradeFlags } from './flags.js';
export {
  describeDeploy,
  describeSmokeFailure,
  modelFromDescription,
  rollbackSource,
  originOf,
  modelOfRevision,
  badRevisions,
  lastGoodRevision,
  isPending,
} from './history.js';
export type { ModelIdentity, BadRevision, LastGoodOptions } from './history.js';
export { splitManifest, diffManifests, formatManifestDiff, diffValues } from './diff.js';
export type { ManifestDiff, ObjectChange } from './diff.js';

import { diffManifests, diffValues, formatManifestDiff, type HistoryEntry, type ManifestDiff } from '@mlops-gha/helm';
import { fenced, table } from './report.js';

/**
 * The plan shown before anything changes: current vs new (revision, chart, model version),
 * the values diff and the manifest diff of the rendered objects.
 */
export interface Plan {
  action: 'install' | 'upgrade' | 'rollback' | 'redeploy';
  release: string;
  namespace: string;
  current?: { revision: number; status: string; chart: string; appVersion: string; model?: string };
  next: { revision?: number; chart: string; appVersion?: string; model?: string };
  valuesDiff: string[];
  manifestDiff?: ManifestDiff;
  /** Lines that explain a choice (recovery, redeploy of a pruned version, target selection). */
  notes: string[];
}

export function planFrom(options: {
  action: Plan['action'];
  release: string;
  namespace: string;
  current?: HistoryEntry & { model?: string };
  currentValues?: Record<string, unknown>;
  currentManifest?: string;
  next: Plan['next'];
  nextValues: Record<string, unknown>;
  nextManifest?: string;
  notes?: string[];
}): Plan {
  return {
    action: options.action,
    release: options.release,
    namespace: options.namespace,
    ...(options.current
      ? {
          current: {
            revision: options.current.revision,
            status: options.current.status,
            chart: options.current.chart,
            appVersion: options.current.app_version,
            ...(options.current.model ? { model: options.current.model } : {}),
          },
        }
      : {}),
    next: options.next,
    valuesDiff: diffValues(options.currentValues ?? {}, options.nextValues),
    ...(options.nextManifest !== undefined
      ? {
          manifestDiff: diffManifests(options.currentManifest ?? '', options.nextManifest, {
            namespace: options.namespace,
          }),
        }
      : {}),
    notes: options.notes ?? [],
  };
}

/** The plan as log lines (plain text). */
export function planText(plan: Plan): string {
  const c = plan.current;
  const lines = [
    `Plan: ${plan.action} ${plan.release} in ${plan.namespace}`,
    `  current: ${c ? `revision ${c.revision} (${c.status}), chart ${c.chart}${c.appVersion ? `, app ${c.appVersion}` : ''}, model ${c.model ?? 'unknown'}` : 'none (first install)'}`,
    `  new:     ${plan.next.revision ? `revision ${plan.next.revision}, ` : ''}chart ${plan.next.chart}${plan.next.appVersion ? `, app ${plan.next.appVersion}` : ''}, model ${plan.next.model ?? 'unknown'}`,
    ...plan.notes.map((n) => `  note: ${n}`),
    'Values diff:',
    ...(plan.valuesDiff.length ? plan.valuesDiff.map((l) => `  ${l}`) : ['  (no change)']),
  ];
  if (plan.manifestDiff)
    lines.push(
      'Manifest diff:',
      ...formatManifestDiff(plan.manifestDiff)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  return lines.join('\n');
}

/** The plan as job-summary markdown. */
export function planMarkdown(plan: Plan): string {
  const c = plan.current;
  const parts = [
    `### Plan: ${plan.action}`,
    table(
      ['', 'current', 'new'],
      [
        ['revision', c ? `${c.revision} (${c.status})` : '(none)', plan.next.revision ?? '(next)'],
        ['chart', c?.chart ?? '', plan.next.chart],
        ['app version', c?.appVersion ?? '', plan.next.appVersion ?? ''],
        ['model', c?.model ?? '', plan.next.model ?? ''],
      ],
    ),
    ...plan.notes.map((n) => `> ${n.replace(/[<>@]/g, (ch) => `&#${ch.charCodeAt(0)};`)}`),
    '#### Values diff',
    plan.valuesDiff.length ? fenced(plan.valuesDiff.join('\n'), 'diff') : '_no change_',
  ];
  if (plan.manifestDiff) {
    parts.push(
      '#### Manifest diff',
      plan.manifestDiff.changes.length
        ? fenced(formatManifestDiff(plan.manifestDiff), 'diff')
        : `_${formatManifestDiff(plan.manifestDiff)}_`,
    );
  }
  return parts.join('\n\n');
}

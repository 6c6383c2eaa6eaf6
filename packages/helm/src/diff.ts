import { structuredPatch } from 'diff';
import { parseAllDocuments, stringify } from 'yaml';

/**
 * A manifest diff as the helm-diff plugin shows it: the rendered objects of the current
 * release and of the new one (from a dry run), matched by kind, namespace and name, with a
 * unified diff per changed object. Helm's `# Source:` comments are kept out of the key.
 */

export interface ObjectChange {
  /** `Deployment/ml/iris-server` (namespace omitted when the object has none). */
  key: string;
  change: 'added' | 'removed' | 'changed';
  /** Unified diff lines (`+`, `-`, ` `), with `@@` hunk headers. */
  lines: string[];
}

export interface ManifestDiff {
  changes: ObjectChange[];
  unchanged: number;
}

interface RenderedObject {
  key: string;
  text: string;
}

export function splitManifest(manifest: string, defaultNamespace = ''): RenderedObject[] {
  const objects: RenderedObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if ('empty' in doc || doc.errors.length) continue;
    const value = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (!value || typeof value !== 'object') continue;
    const kind = typeof value.kind === 'string' ? value.kind : 'Unknown';
    const name = typeof value.metadata?.name === 'string' ? value.metadata.name : '(unnamed)';
    const ns = typeof value.metadata?.namespace === 'string' ? value.metadata.namespace : defaultNamespace;
    objects.push({
      key: ns ? `${kind}/${ns}/${name}` : `${kind}/${name}`,
      text: stringify(value, { sortMapEntries: true, lineWidth: 0 }),
    });
  }
  return objects;
}

export function diffManifests(
  current: string,
  next: string,
  options: { namespace?: string; context?: number } = {},
): ManifestDiff {
  const before = new Map(splitManifest(current, options.namespace).map((o) => [o.key, o.text]));
  const after = new Map(splitManifest(next, options.namespace).map((o) => [o.key, o.text]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: ObjectChange[] = [];
  let unchanged = 0;
  for (const key of keys) {
    const a = before.get(key) ?? '';
    const b = after.get(key) ?? '';
    if (a === b) {
      unchanged++;
      continue;
    }
    const patch = structuredPatch(key, key, a, b, '', '', { context: options.context ?? 3 });
    const lines: string[] = [];
    for (const hunk of patch.hunks) {
      lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
      lines.push(...hunk.lines.filter((l) => !l.startsWith('\\')));
    }
    changes.push({ key, change: !before.has(key) ? 'added' : !after.has(key) ? 'removed' : 'changed', lines });
  }
  return { changes, unchanged };
}

/** The diff as text: `key (change)` then its lines, as printed in the log and the summary. */
export function formatManifestDiff(diff: ManifestDiff): string {
  if (diff.changes.length === 0) return `no changes to the ${diff.unchanged} rendered objects`;
  const parts = diff.changes.map((c) => [`${c.key} (${c.change})`, ...c.lines].join('\n'));
  return `${parts.join('\n')}\n(${diff.changes.length} changed, ${diff.unchanged} unchanged)`;
}

/** A values diff: both sides as sorted YAML, unified. */
export function diffValues(current: unknown, next: unknown): string[] {
  const a = stringify(current ?? {}, { sortMapEntries: true, lineWidth: 0 });
  const b = stringify(next ?? {}, { sortMapEntries: true, lineWidth: 0 });
  if (a === b) return [];
  const patch = structuredPatch('values', 'values', a, b, '', '', { context: 2 });
  return patch.hunks.flatMap((h) => [
    `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
    ...h.lines.filter((l) => !l.startsWith('\\')),
  ]);
}

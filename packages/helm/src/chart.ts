/**
 * The chart a revision was made from, read back out of helm's release record: helm keeps the
 * whole chart (metadata, templates, files, schema) with every revision, so a release can be
 * redeployed with exactly its current chart even where the chart's source is gone. `helm get
 * all --template` prints it through Go's text/template, each field hex-encoded (`printf "%x"`,
 * the only lossless encoding text/template has without Sprig), one record a line.
 */
import { posix } from 'node:path';
import { UserError } from '@mlops-gha/common';

export interface ReleaseChart {
  name: string;
  version: string;
  apiVersion: string;
  appVersion: string;
  description: string;
  type: string;
  kubeVersion: string;
  /** Subcharts declared in Chart.yaml: helm does not keep them with the release. */
  dependencies: number;
  /** Path inside the chart folder -> bytes (templates/..., files, values.schema.json). */
  files: { path: string; data: Buffer }[];
}

const META = ['Name', 'Version', 'APIVersion', 'AppVersion', 'Description', 'Type', 'KubeVersion'];

export const CHART_TEMPLATE = [
  '{{with .Release.Chart}}',
  `{{with .Metadata}}meta${META.map((f) => `:{{printf "%x" .${f}}}`).join('')}:{{len .Dependencies}}\n{{end}}`,
  '{{range .Templates}}file:{{printf "%x" .Name}}:{{printf "%x" .Data}}\n{{end}}',
  '{{range .Files}}file:{{printf "%x" .Name}}:{{printf "%x" .Data}}\n{{end}}',
  '{{if .Schema}}file:{{printf "%x" "values.schema.json"}}:{{printf "%x" .Schema}}\n{{end}}',
  '{{end}}',
].join('');

const unhex = (h: string | undefined, what: string): Buffer => {
  if (h === undefined || !/^(?:[0-9a-f]{2})*$/.test(h))
    throw new UserError(`helm printed a chart record that is not hex-encoded (${what})`, {
      fix: 'Report this with the helm version: the release record could not be read back.',
    });
  return Buffer.from(h, 'hex');
};

/** A path from the release record, checked to stay inside the chart folder. */
function safePath(name: string): string {
  const normal = posix.normalize(name);
  if (!name || posix.isAbsolute(name) || normal.startsWith('..') || normal.includes('\0') || normal === '.')
    throw new UserError(`The release's chart holds a file named ${JSON.stringify(name)} outside the chart folder`, {
      fix: 'Redeploy the version with helm-deploy and a chart from your repository instead.',
    });
  return normal;
}

export function parseChartDump(text: string): ReleaseChart {
  let chart: ReleaseChart | undefined;
  const files: ReleaseChart['files'] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [kind, ...fields] = line.split(':');
    if (kind === 'meta') {
      const [name, version, apiVersion, appVersion, description, type, kubeVersion] = META.map((f, i) =>
        unhex(fields[i], f).toString('utf8'),
      );
      chart = {
        name: name!,
        version: version!,
        apiVersion: apiVersion || 'v2',
        appVersion: appVersion!,
        description: description!,
        type: type!,
        kubeVersion: kubeVersion!,
        dependencies: Number(fields[META.length] ?? 0),
        files,
      };
    } else if (kind === 'file') {
      files.push({ path: safePath(unhex(fields[0], 'file name').toString('utf8')), data: unhex(fields[1], 'file') });
    }
  }
  if (!chart || !chart.name)
    throw new UserError('helm printed no chart metadata for the release', {
      fix: 'Redeploy the version with helm-deploy and a chart from your repository instead.',
    });
  return chart;
}

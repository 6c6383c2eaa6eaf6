import { expect, test } from '@jest/globals';
import { parseChartDump } from './chart.js';

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

test('a chart record reads back as metadata and files, byte for byte', () => {
  const template = 'kind: Service\nname: {{ .Release.Name }}\n\tünïcode: "x:y"\n';
  const dump = [
    `meta:${hex('mlops-model')}:${hex('0.1.0')}:${hex('v2')}:${hex('0.1.0')}:${hex('Serves: a model')}:${hex('application')}::0`,
    `file:${hex('templates/service.yaml')}:${hex(template)}`,
    `file:${hex('README.md')}:`,
    '',
  ].join('\n');
  const chart = parseChartDump(dump);
  expect(chart).toMatchObject({
    name: 'mlops-model',
    version: '0.1.0',
    apiVersion: 'v2',
    appVersion: '0.1.0',
    description: 'Serves: a model',
    type: 'application',
    kubeVersion: '',
    dependencies: 0,
  });
  expect(chart.files.map((f) => [f.path, f.data.toString('utf8')])).toEqual([
    ['templates/service.yaml', template],
    ['README.md', ''],
  ]);
});

test('file names that leave the chart folder, records that are not hex, and a missing metadata line are refused', () => {
  const meta = `meta:${hex('c')}:${hex('1.0.0')}:${hex('v2')}:::::0`;
  expect(() => parseChartDump(`${meta}\nfile:${hex('../../etc/cron.d/x')}:${hex('x')}\n`)).toThrow(
    'The release\'s chart holds a file named "../../etc/cron.d/x" outside the chart folder',
  );
  expect(() => parseChartDump(`${meta}\nfile:${hex('/etc/passwd')}:${hex('x')}\n`)).toThrow('outside the chart folder');
  expect(() => parseChartDump(`${meta}\nfile:${hex('a')}:zz\n`)).toThrow('not hex-encoded');
  expect(() => parseChartDump(`file:${hex('a')}:${hex('b')}\n`)).toThrow('helm printed no chart metadata');
});

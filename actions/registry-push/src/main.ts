import * as core from '@actions/core';
import { actionsLogger, addTable, runMain, setOutputs, writeSummary } from '@mlops-gha/action-common';
import { formatBytes } from '@mlops-gha/common';
import { UserError } from '@mlops-gha/common';
import { buildProfile } from '@mlops-gha/drift';
import {
  buildSample,
  collectModelFiles,
  pushRequestFromRun,
  Registry,
  runCli,
  type PushAttachments,
  type PushResult,
  type SourceFile,
} from '@mlops-gha/registry';
import { readSettings, type RegistryPushSettings } from './settings.js';

/** sample.json and profile.json, computed before anything is written (a bad file changes nothing). */
async function attachments(settings: RegistryPushSettings, files: SourceFile[]): Promise<PushAttachments> {
  const logger = actionsLogger();
  const out: PushAttachments = {};
  if (!settings.sampleData && !settings.profileData) return out;
  const onnx = files.find((f) => /\.onnx$/i.test(f.path));
  if (settings.sampleData) {
    if (!onnx)
      throw new UserError('`sample-data` needs an ONNX model among `model` to compute the recorded outputs', {
        fix: 'Push the .onnx model, or leave `sample-data` empty.',
      });
    const sample = await buildSample(
      onnx.source,
      settings.sampleData,
      settings.sampleRows,
      'sample-data',
      settings.labelColumn,
    );
    logger.info(`Sample: ${sample.rows} row(s) of ${settings.sampleData} with the outputs of ${onnx.path}`);
    out.sample = { body: Buffer.from(`${JSON.stringify(sample)}\n`), rows: sample.rows };
  }
  if (settings.profileData) {
    const profile = await buildProfile(settings.profileData, {
      input: 'profile-data',
      model: onnx?.source,
      logger,
      ...(settings.labelColumn ? { label: settings.labelColumn } : {}),
    });
    logger.info(
      `Profile: ${profile.rows} rows x ${profile.columns.length} columns of ${settings.profileData}${profile.predictions ? `, ${profile.predictions.length} prediction column(s)` : ''}`,
    );
    out.profile = {
      body: Buffer.from(`${JSON.stringify(profile)}\n`),
      rows: profile.rows,
      columns: profile.columns.length,
    };
  }
  return out;
}

async function push(settings: RegistryPushSettings): Promise<PushResult> {
  const logger = actionsLogger();
  const files = await collectModelFiles(settings.model);
  const planned = await pushRequestFromRun(
    {
      name: settings.name,
      files,
      metricsFile: settings.metricsFile,
      runRecord: settings.runRecord,
      tags: settings.tags,
      description: settings.description ?? null,
      alias: settings.alias,
      attachments: await attachments(settings, files),
    },
    settings.here,
  );
  const registry = Registry.open(settings.registry, {
    source: 'the `registry` input',
    endpoint: settings.endpoint,
    region: settings.region,
    logger,
    actor: planned.actor,
    runUrl: planned.runUrl,
  });
  try {
    return await registry.push(planned.request);
  } finally {
    registry.close();
  }
}

function summarize(result: PushResult): void {
  const m = result.manifest;
  core.summary.addHeading(`registry-push: ${m.name}/${m.version}${result.created ? '' : ' (already there)'}`, 2);
  addTable(
    ['', ''],
    [
      ['version', m.version],
      ['created', result.created ? 'yes' : 'no: identical files were already this version, nothing uploaded'],
      ['uri', m.uri],
      ['sha256', m.sha256],
      [
        'alias',
        result.alias
          ? result.alias.moved
            ? `${result.alias.alias}: ${result.alias.from ?? '(new)'} → ${result.alias.to}`
            : `${result.alias.alias}: already ${result.alias.to}`
          : '(none)',
      ],
      [
        'lineage',
        [
          m.lineage.repository,
          m.lineage.git_sha?.slice(0, 7),
          m.lineage.data_version ? `data ${m.lineage.data_version.slice(0, 12)}` : '',
        ]
          .filter(Boolean)
          .join(' '),
      ],
    ],
  );
  core.summary.addHeading('Files', 3);
  addTable(
    ['path', 'size', 'sha256'],
    m.files.map((f) => [f.path, formatBytes(f.size), f.sha256]),
  );
  if (m.signature) {
    core.summary.addHeading('Signature', 3);
    addTable(
      ['', 'name', 'type', 'shape'],
      [
        ...m.signature.inputs.map((t) => ['input', t.name, t.type, t.shape ? `[${t.shape.join(', ')}]` : '?']),
        ...m.signature.outputs.map((t) => ['output', t.name, t.type, t.shape ? `[${t.shape.join(', ')}]` : '?']),
      ],
    );
  }
  if (m.sample || m.profile) {
    core.summary.addHeading('Stored with the version', 3);
    addTable(
      ['document', 'content', 'size', 'sha256'],
      [
        ...(m.sample
          ? [
              [
                'sample.json',
                `${m.sample.rows} row(s) of inputs with the model's outputs`,
                formatBytes(m.sample.size),
                m.sample.sha256,
              ],
            ]
          : []),
        ...(m.profile
          ? [
              [
                'profile.json',
                `profile of ${m.profile.rows} rows x ${m.profile.columns} columns (drift-check reference)`,
                formatBytes(m.profile.size),
                m.profile.sha256,
              ],
            ]
          : []),
      ],
    );
  }
  const metrics = Object.entries(m.metrics);
  if (metrics.length) {
    core.summary.addHeading('Metrics', 3);
    addTable(
      ['metric', 'value'],
      metrics.map(([k, v]) => [k, v]),
    );
  }
}

if (process.argv.length > 2) {
  // The bundle doubles as the registry CLI: node dist/registry-push/index.js list|show|pull|...
  process.exitCode = await runCli(process.argv.slice(2));
} else {
  await runMain(async () => {
    const settings = readSettings();
    const result = await push(settings);
    setOutputs({
      version: result.version,
      uri: result.uri,
      sha256: result.sha256,
      manifest: result.manifest,
      created: result.created,
    });
    summarize(result);
    await writeSummary();
  });
}

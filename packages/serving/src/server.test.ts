import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { RecordingLogger } from '@mlops-gha/common';
import { collectModelFiles, Registry } from '@mlops-gha/registry';
import { serveModel, type RunningModelServer } from './serve.js';
import {
  fixedShapeModel,
  identityModel,
  logisticClassifierModel,
  softmaxClassifierModel,
  writeModel,
} from '../../../test/harness/onnx-models.js';

let work: string;
const servers: RunningModelServer[] = [];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'serving-test-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(work, { recursive: true, force: true });
});

/** Writes the model into its own folder and serves it on a free loopback port. */
async function serve(
  folder: string,
  bytes: Uint8Array,
  options: { name?: string; sha256?: string; file?: string } = {},
) {
  const path = await writeModel(join(work, folder, options.file ?? 'model.onnx'), bytes);
  const logger = new RecordingLogger();
  const running = await serveModel(
    {
      uri: join(work, folder),
      sha256: options.sha256 ?? sha256(bytes),
      port: 0,
      host: '127.0.0.1',
      ...(options.name ? { name: options.name } : {}),
    },
    logger,
  );
  servers.push(running);
  return { running, logger, path };
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of every shape, checked field by field
): Promise<{ status: number; json: any }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

describe('an OIP server for a logistic classifier', () => {
  let base: string;
  let modelPath: string;
  const weights = [0.5, -1.25, 2, 0.75];
  beforeAll(async () => {
    const { running, path } = await serve('logistic', logisticClassifierModel({ weights, bias: -0.3 }), {
      name: 'churn',
    });
    await running.loaded;
    base = running.url;
    modelPath = path;
  });

  it('answers health, server metadata and model metadata as KServe V2 documents them', async () => {
    expect(await call(base, 'GET', '/v2/health/live')).toEqual({ status: 200, json: { live: true } });
    expect(await call(base, 'GET', '/v2/health/ready')).toEqual({ status: 200, json: { ready: true } });
    expect(await call(base, 'GET', '/v2/models/churn/ready')).toEqual({
      status: 200,
      json: { name: 'churn', ready: true },
    });
    const server = await call(base, 'GET', '/v2');
    expect(server.status).toBe(200);
    expect(server.json).toEqual({ name: expect.any(String), version: expect.any(String), extensions: [] });
    expect(await call(base, 'GET', '/v2/models/churn')).toEqual({
      status: 200,
      json: {
        name: 'churn',
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
        outputs: [
          { name: 'label', datatype: 'INT64', shape: [-1] },
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        ],
      },
    });
  });

  it('returns what onnxruntime-node computes on the same file, flat or nested, with the id echoed', async () => {
    const rows = [
      [0.1, 0.2, 0.3, 0.4],
      [-1, 2, -3, 4],
      [5, 0, 0, -5],
    ];
    const session = await ort.InferenceSession.create(modelPath);
    const direct = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [3, 4]) });
    await session.release();
    const expected = [
      { name: 'label', datatype: 'INT64', shape: [3], data: Array.from(direct.label!.data as BigInt64Array, Number) },
      {
        name: 'probabilities',
        datatype: 'FP32',
        shape: [3, 2],
        data: Array.from(direct.probabilities!.data as Float32Array),
      },
    ];
    for (const data of [rows.flat(), rows]) {
      const res = await call(base, 'POST', '/v2/models/churn/infer', {
        id: 'req-42',
        inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', data }],
      });
      expect(res).toEqual({ status: 200, json: { model_name: 'churn', id: 'req-42', outputs: expected } });
    }
    // The labels are the hand computation's too: sigmoid(x.w + b) > 0.5.
    expect(expected[0]!.data).toEqual(rows.map((r) => (r.reduce((s, x, i) => s + x * weights[i]!, -0.3) > 0 ? 1 : 0)));
  });

  it('returns only the outputs asked for, in the order asked, and makes an id when none is given', async () => {
    const res = await call(base, 'POST', '/v2/models/churn/infer', {
      inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 1, 1, 1] }],
      outputs: [{ name: 'probabilities' }],
    });
    expect(res.status).toBe(200);
    expect(res.json.outputs.map((o: { name: string }) => o.name)).toEqual(['probabilities']);
    expect(res.json.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [
      'a wrong input name',
      { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
      'Unexpected input "features": the model takes input (FP32 [-1,4]).',
    ],
    [
      'a wrong shape',
      { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] },
      'Input "input" has shape [1,3], but the model expects [-1,4] (-1: any size).',
    ],
    [
      'a wrong datatype',
      { inputs: [{ name: 'input', shape: [1, 4], datatype: 'INT64', data: [1, 2, 3, 4] }] },
      'Input "input" has datatype INT64, but the model expects FP32.',
    ],
    [
      'a datatype the protocol does not have',
      { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FLOAT', data: [1, 2, 3, 4] }] },
      'Input "input" has datatype "FLOAT", which is not an Open Inference Protocol datatype; the model expects FP32.',
    ],
    [
      'too few elements for the shape',
      { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
      'Input "input" has 4 elements, but its shape [2,4] holds 8.',
    ],
    [
      'a string in FP32 data',
      { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, '2', 3, 4] }] },
      'Input \'input\' (FP32): element 1 is "2", expected a number.',
    ],
    [
      'nesting that disagrees with the shape',
      {
        inputs: [
          {
            name: 'input',
            shape: [2, 4],
            datatype: 'FP32',
            data: [
              [1, 2, 3, 4, 5, 6],
              [7, 8],
            ],
          },
        ],
      },
      'Input "input": data[0] should be an array of 4 for shape [2,4].',
    ],
    ['a missing input', { inputs: [] }, '"inputs" must be a non-empty array; the model takes input (FP32 [-1,4]).'],
    [
      'an unknown output',
      {
        inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
        outputs: [{ name: 'proba' }],
      },
      'Unknown output "proba": the model\'s outputs are label (INT64 [-1]), probabilities (FP32 [-1,2]).',
    ],
    [
      'a negative dimension',
      { inputs: [{ name: 'input', shape: [-1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
      'Input "input" has shape [-1,4]; a shape is an array of non-negative integers.',
    ],
    ['a body that is a JSON array', [], 'The request body must be a JSON object with an "inputs" array.'],
  ])('answers %s with 400 and the reason', async (_what, body, message) => {
    expect(await call(base, 'POST', '/v2/models/churn/infer', body)).toEqual({ status: 400, json: { error: message } });
  });

  it('answers a body that is not JSON with 400, and keeps the connection usable', async () => {
    const res = await call(base, 'POST', '/v2/models/churn/infer', '{"inputs": [');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/^The request body is not valid JSON: /);
    expect((await call(base, 'POST', '/v2/models/churn/infer', '')).json).toEqual({
      error: 'The request body is empty; send a JSON object with an "inputs" array.',
    });
    expect((await call(base, 'GET', '/v2/health/live')).status).toBe(200);
  });

  it('answers an unknown model with 404 in KServe words, for metadata, readiness and inference', async () => {
    const expected = { status: 404, json: { error: 'Model with name other does not exist.' } };
    expect(await call(base, 'GET', '/v2/models/other')).toEqual(expected);
    expect(await call(base, 'GET', '/v2/models/other/ready')).toEqual(expected);
    expect(
      await call(base, 'POST', '/v2/models/other/infer', {
        inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
      }),
    ).toEqual(expected);
    expect((await call(base, 'GET', '/v2/models/churn/versions/7')).status).toBe(404);
    expect(await call(base, 'GET', '/v2/nothing')).toEqual({
      status: 404,
      json: { error: 'Not found: GET /v2/nothing' },
    });
    expect(await call(base, 'GET', '/v2/models/churn/infer')).toEqual({
      status: 405,
      json: { error: 'Use POST for /v2/models/churn/infer.' },
    });
  });

  it('serves many requests on one keep-alive connection', async () => {
    const agentPorts = new Set<number>();
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(base);
    const body = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
    for (let i = 0; i < 5; i++) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: url.hostname, port: url.port, path: '/v2/models/churn/infer', method: 'POST', agent },
          (res) => {
            agentPorts.add(res.socket.localPort!);
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(status).toBe(200);
    }
    agent.destroy();
    expect(agentPorts.size).toBe(1);
  });
});

describe('datatypes', () => {
  let base: string;
  beforeAll(async () => {
    const { running } = await serve('identity', identityModel(), { name: 'id' });
    await running.loaded;
    base = running.url;
  });

  it('carries FP64, INT64, INT32, BOOL, BYTES, FP16 and UINT8 both ways', async () => {
    const inputs = [
      { name: 'x_fp64', datatype: 'FP64', shape: [2, 2], data: [0.1, -2.5e300, 3, 1e-300] },
      { name: 'x_int64', datatype: 'INT64', shape: [2, 2], data: [9007199254740991, -9007199254740991, 0, -1] },
      { name: 'x_int32', datatype: 'INT32', shape: [2, 2], data: [2147483647, -2147483648, 7, -7] },
      { name: 'x_bool', datatype: 'BOOL', shape: [2, 2], data: [true, false, false, true] },
      { name: 'x_bytes', datatype: 'BYTES', shape: [2], data: ['héllo', ''] },
      { name: 'x_fp16', datatype: 'FP16', shape: [2, 2], data: [1, -2, 0.5, 65504] },
      { name: 'x_uint8', datatype: 'UINT8', shape: [2, 2], data: [0, 255, 1, 128] },
    ];
    const res = await call(base, 'POST', '/v2/models/id/infer', { id: 'types', inputs });
    expect(res.json.error).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.json.outputs).toEqual(inputs.map((i) => ({ ...i, name: i.name.replace('x_', 'y_') })));
  });

  it('refuses integers out of range, fractions for integers and non-booleans for BOOL', async () => {
    const base4 = (name: string, datatype: string, data: unknown[]) => ({
      inputs: [
        { name: 'x_fp64', datatype: 'FP64', shape: [1, 2], data: [0, 0] },
        { name: 'x_int64', datatype: 'INT64', shape: [1, 2], data: [0, 0] },
        { name: 'x_int32', datatype: 'INT32', shape: [1, 2], data: [0, 0] },
        { name: 'x_bool', datatype: 'BOOL', shape: [1, 2], data: [true, true] },
        { name: 'x_bytes', datatype: 'BYTES', shape: [1], data: ['a'] },
        { name: 'x_fp16', datatype: 'FP16', shape: [1, 2], data: [0, 0] },
        { name: 'x_uint8', datatype: 'UINT8', shape: [1, 2], data: [0, 0] },
      ].map((i) => (i.name === name ? { ...i, datatype, data } : i)),
    });
    const cases: [string, string, unknown[], string][] = [
      [
        'x_int32',
        'INT32',
        [2147483648, 0],
        "Input 'x_int32' (INT32): element 0 is 2147483648, expected an integer from -2147483648 to 2147483647.",
      ],
      [
        'x_int64',
        'INT64',
        [1.5, 0],
        "Input 'x_int64' (INT64): element 0 is 1.5, expected an integer from -9007199254740991 to 9007199254740991.",
      ],
      [
        'x_int64',
        'INT64',
        [0, 9007199254740993],
        "Input 'x_int64' (INT64): element 1 is 9007199254740992, expected an integer from -9007199254740991 to 9007199254740991.",
      ],
      ['x_bool', 'BOOL', [1, 0], "Input 'x_bool' (BOOL): element 0 is 1, expected true or false."],
      ['x_uint8', 'UINT8', [0, -1], "Input 'x_uint8' (UINT8): element 1 is -1, expected an integer from 0 to 255."],
      [
        'x_fp16',
        'FP16',
        [70000, 0],
        "Input 'x_fp16' (FP16): element 0 is 70000, expected a number within FP16 range (|x| <= 65504).",
      ],
      ['x_bytes', 'BYTES', [3], "Input 'x_bytes' (BYTES): element 0 is 3, expected a string."],
    ];
    for (const [name, datatype, data, message] of cases) {
      expect(await call(base, 'POST', '/v2/models/id/infer', base4(name, datatype, data))).toEqual({
        status: 400,
        json: { error: message },
      });
    }
  });
});

describe('a registry version', () => {
  it('is served under its manifest name and version, also on the /versions/{v} paths', async () => {
    const registry = Registry.open(join(work, 'registry'));
    const path = await writeModel(
      join(work, 'to-push', 'model.onnx'),
      logisticClassifierModel({ weights: [1, -1], bias: 0 }),
    );
    const pushed = await registry.push({ name: 'fraud', files: await collectModelFiles([path]) });
    registry.close();
    const running = await serveModel({ uri: pushed.uri, port: 0, host: '127.0.0.1' }, new RecordingLogger());
    servers.push(running);
    await running.loaded;
    expect((await call(running.url, 'GET', '/v2/models/fraud')).json).toMatchObject({ name: 'fraud', versions: ['1'] });
    expect(await call(running.url, 'GET', '/v2/models/fraud/versions/1/ready')).toEqual({
      status: 200,
      json: { name: 'fraud', ready: true },
    });
    const body = { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 2], data: [2, 1] }] };
    const res = await call(running.url, 'POST', '/v2/models/fraud/versions/1/infer', body);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ model_name: 'fraud', model_version: '1' });
    expect(await call(running.url, 'POST', '/v2/models/fraud/versions/2/infer', body)).toEqual({
      status: 404,
      json: { error: 'Model with name fraud and version 2 does not exist.' },
    });
  });
});

describe('a model with several inputs', () => {
  it('names the missing or doubled input', async () => {
    const { running } = await serve('two-inputs', identityModel(['fp64', 'int64']), { name: 'two' });
    await running.loaded;
    const fp64 = { name: 'x_fp64', datatype: 'FP64', shape: [1, 2], data: [1, 2] };
    expect(await call(running.url, 'POST', '/v2/models/two/infer', { inputs: [fp64] })).toEqual({
      status: 400,
      json: { error: 'Missing input "x_int64": the model needs x_int64 (INT64 [-1,2]).' },
    });
    expect(await call(running.url, 'POST', '/v2/models/two/infer', { inputs: [fp64, fp64] })).toEqual({
      status: 400,
      json: { error: 'Input "x_fp64" is given twice.' },
    });
  });
});

describe('limits', () => {
  it('refuses a body over the limit with 413 without reading it all', async () => {
    const bytes = logisticClassifierModel({ weights: [1, 2], bias: 0 });
    await writeModel(join(work, 'limit', 'model.onnx'), bytes);
    const running = await serveModel(
      {
        uri: join(work, 'limit'),
        sha256: sha256(bytes),
        port: 0,
        host: '127.0.0.1',
        name: 'small',
        maxBodyBytes: 1000,
      },
      new RecordingLogger(),
    );
    servers.push(running);
    await running.loaded;
    const data = Array.from({ length: 400 }, (_, i) => i);
    const res = await call(running.url, 'POST', '/v2/models/small/infer', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [200, 2], data }],
    });
    expect(res).toEqual({
      status: 413,
      json: { error: 'The request body is larger than 1000 bytes; send smaller batches.' },
    });
    const ok = await call(running.url, 'POST', '/v2/models/small/infer', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 2], data: [1, 2] }],
    });
    expect(ok.status).toBe(200);
  });
});

describe('a model with fixed dimensions', () => {
  it('requires exactly those dimensions', async () => {
    const { running } = await serve('fixed', fixedShapeModel(), { name: 'fixed' });
    await running.loaded;
    const ok = await call(running.url, 'POST', '/v2/models/fixed/infer', {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
    });
    expect(ok.json.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [2, 3], data: [2, 3, 4, 5, 6, 7] }]);
    const bad = await call(running.url, 'POST', '/v2/models/fixed/infer', {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }],
    });
    expect(bad).toEqual({
      status: 400,
      json: { error: 'Input "x" has shape [3,2], but the model expects [2,3] (-1: any size).' },
    });
  });
});

describe('readiness', () => {
  it('never becomes ready when the sha256 differs, and says why', async () => {
    const bytes = softmaxClassifierModel({
      weights: [
        [1, 2],
        [3, 4],
      ],
      bias: [0, 1],
    });
    const wrong = sha256(new Uint8Array([...bytes, 0]));
    const { running } = await serve('mismatch', bytes, { name: 'm', sha256: wrong });
    await expect(running.loaded).rejects.toThrow(
      `has sha256 ${sha256(bytes)}, but the expected sha256 (--sha256 / MODEL_SHA256) says ${wrong}: refusing to serve it`,
    );
    expect(await call(running.url, 'GET', '/v2/health/ready')).toEqual({
      status: 503,
      json: { error: 'Server is not ready.', ready: false },
    });
    expect(await call(running.url, 'GET', '/v2/models/m/ready')).toEqual({
      status: 503,
      json: { error: 'Model with name m is not ready.' },
    });
    expect(await call(running.url, 'POST', '/v2/models/m/infer', { inputs: [] })).toEqual({
      status: 503,
      json: { error: 'Model with name m is not ready.' },
    });
    expect((await call(running.url, 'GET', '/v2/health/live')).status).toBe(200);
  });

  it('is not ready before the model is loaded (a model in a slow store)', async () => {
    // Serve a folder that does not hold the model yet: the server listens, says 503, and fails.
    const { running } = await serve('empty', new Uint8Array([1, 2, 3]), { name: 'late', file: 'notes.txt' });
    expect((await call(running.url, 'GET', '/v2/health/ready')).status).toBe(503);
    await expect(running.loaded).rejects.toThrow(`No .onnx file in ${join(work, 'empty')} (files: notes.txt)`);
  });
});

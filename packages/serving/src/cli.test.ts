/**
 * The committed bundle, run as the Kubernetes double (and a container) runs it:
 * `node dist/model-server/index.js` with MODEL_URI, MODEL_SHA256, MODEL_NAME and PORT in its
 * environment, polled on /v2/health/ready.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { collectModelFiles, Registry } from '@mlops-gha/registry';
import { startConditionalS3Server, type ConditionalS3Server } from '../../../test/doubles/s3-conditional.js';
import { logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import { NODE_VERSIONS, nodeBinary, repoRoot } from '../../../test/harness/run-action.js';

const BUNDLE = join(repoRoot, 'dist/model-server/index.js');

interface Child {
  process: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
  /** Resolves with the port from the "listening on" line. */
  port: Promise<number>;
}

function start(node: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(node, [BUNDLE, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Child = {
    process: child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    port: new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out.stdout += chunk.toString();
        const m = /listening on http:\/\/[^ ]*:(\d+) /.exec(out.stdout);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`exited before listening: ${out.stderr}`)));
    }),
  };
  child.stderr!.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  out.port.catch(() => {});
  return out;
}

/** Polls readiness as a kubelet probe does; resolves with the status codes seen, ending at 200 or at exit. */
async function pollReady(child: Child, port: number): Promise<number[]> {
  const seen: number[] = [];
  let exited = false;
  void child.exit.then(() => (exited = true));
  for (let i = 0; i < 200 && !exited; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/health/ready`);
      seen.push(res.status);
      if (res.status === 200) return seen;
    } catch {
      seen.push(0); // not listening (any more)
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

let work: string;
let s3: ConditionalS3Server;
let pushed: Awaited<ReturnType<Registry['push']>>;
let other: Awaited<ReturnType<Registry['push']>>;
const rows = [
  [0.5, 1.5, -2],
  [3, -1, 0.25],
];
const bytes = logisticClassifierModel({ weights: [0.7, -0.2, 1.1], bias: 0.05 });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'serving-cli-'));
  s3 = await startConditionalS3Server({ buckets: ['models'] });
  const registry = Registry.open('s3://models/registry', {
    endpoint: s3.endpoint,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const path = await writeModel(join(work, 'v1', 'model.onnx'), bytes);
  pushed = await registry.push({ name: 'churn', files: await collectModelFiles([path]) });
  const path2 = await writeModel(
    join(work, 'v2', 'model.onnx'),
    logisticClassifierModel({ weights: [1, 1, 1], bias: 0 }),
  );
  other = await registry.push({ name: 'churn', files: await collectModelFiles([path2]) });
  registry.close();
});
afterAll(async () => {
  await s3.stop();
  await rm(work, { recursive: true, force: true });
});

const s3Env = () => ({ ...s3.env, AWS_ENDPOINT_URL: s3.endpoint });

describe.each(NODE_VERSIONS)('the bundled model server on Node %s', (version) => {
  it('serves a registry version from S3: ready after the verified load, the predictions onnxruntime-node makes, exit 0 on SIGTERM', async () => {
    expect(pushed.uri).toBe('s3://models/registry/churn/versions/1/files/');
    const child = start(nodeBinary(version), [], {
      ...s3Env(),
      MODEL_URI: pushed.uri,
      MODEL_SHA256: pushed.sha256,
      MODEL_NAME: 'churn-model',
      PORT: '0',
    });
    const port = await child.port;
    const seen = await pollReady(child, port);
    expect(seen.at(-1)).toBe(200);
    expect(seen.slice(0, -1).every((s) => s === 503)).toBe(true);

    const res = await fetch(`http://127.0.0.1:${port}/v2/models/churn-model/infer`, {
      method: 'POST',
      body: JSON.stringify({ id: 'smoke', inputs: [{ name: 'input', shape: [2, 3], datatype: 'FP32', data: rows }] }),
    });
    const session = await ort.InferenceSession.create(join(work, 'v1', 'model.onnx'));
    const direct = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [2, 3]) });
    await session.release();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      model_name: 'churn-model',
      model_version: '1',
      id: 'smoke',
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [2], data: Array.from(direct.label!.data as BigInt64Array, Number) },
        {
          name: 'probabilities',
          datatype: 'FP32',
          shape: [2, 2],
          data: Array.from(direct.probabilities!.data as Float32Array),
        },
      ],
    });
    const metadata = await (await fetch(`http://127.0.0.1:${port}/v2/models/churn-model`)).json();
    expect(metadata).toMatchObject({ name: 'churn-model', versions: ['1'], platform: 'onnxruntime_onnx' });

    child.process.kill('SIGTERM');
    expect(await child.exit).toBe(0);
    expect(child.stdout).toContain(`sha256 ${pushed.sha256} verified against its manifest`);
    expect(child.stdout).toContain('model-server: SIGTERM: closing');
  });

  it("never becomes ready when the deployed sha256 is not the version's, and exits 1 with the reason", async () => {
    const child = start(nodeBinary(version), [], {
      ...s3Env(),
      MODEL_URI: pushed.uri,
      MODEL_SHA256: other.sha256,
      PORT: '0',
    });
    const port = await child.port;
    const seen = await pollReady(child, port);
    expect(await child.exit).toBe(1);
    expect(seen).not.toContain(200);
    expect(child.stderr).toContain(
      `model-server: error: the model cannot be served, so this server never becomes ready: The expected sha256 ${other.sha256} is neither version 1's sha256 (${pushed.sha256})`,
    );
  });
});

describe('the bundled model server settings', () => {
  it('lets flags win over the environment, and refuses a bad port with exit 2', async () => {
    const folder = join(work, 'v1');
    const child = start(
      nodeBinary(),
      ['--model-uri', folder, '--name', 'from-flag', '--port', '0', '--host', '127.0.0.1'],
      {
        MODEL_URI: '/nonexistent',
        MODEL_NAME: 'from-env',
        MODEL_SHA256: pushed.sha256,
        PORT: '1',
      },
    );
    const port = await child.port;
    expect((await pollReady(child, port)).at(-1)).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/v2/models/from-flag/ready`)).json()).toEqual({
      name: 'from-flag',
      ready: true,
    });
    child.process.kill('SIGINT');
    expect(await child.exit).toBe(0);

    const bad = start(nodeBinary(), ['--model-uri', folder], { PORT: '80a' });
    expect(await bad.exit).toBe(2);
    expect(bad.stderr).toContain('model-server: --port "80a" is not an integer from 0 to 65535');
  });
});

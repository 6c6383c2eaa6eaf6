/**
 * npm run bench:model-server — Open Inference Protocol throughput of the bundled model server
 * (dist/model-server/index.js in a child process, as the cluster runs it) against
 * onnxruntime-node called directly in this process on the same model: requests per second at
 * batch 1 and batch 256, a few concurrent keep-alive clients. Goal: >= 70% of direct at 256.
 *
 * The model is the demo's shape (the example project's churn classifier: input float [N, 6],
 * outputs label int64 [N] and probabilities float [N, 2]).
 * A third peer gives this machine's HTTP ceiling: a bare node:http server that reads and parses
 * the same request body and answers a constant (no model).
 * Options: --seconds S per measurement [3], --clients C [4].
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { logisticClassifierModel, writeModel } from '../test/harness/onnx-models.js';
import { repoRoot } from '../test/harness/run-action.js';

const FEATURES = 6;
let SECONDS = 3;
let CLIENTS = 4;

function rowsOf(batch: number): number[] {
  // Deterministic, varied features (a fixed LCG), so no two rows are alike.
  let s = 12345;
  return Array.from({ length: batch * FEATURES }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2);
}

/** Runs `once` from `CLIENTS` concurrent loops for SECONDS; returns completed calls per second. */
async function measure(once: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 20; i++) await once(); // warm-up (JIT, connections, onnxruntime arenas)
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        await once();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

function post(agent: Agent, port: number, path: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200)
            return reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString()}`));
          // Parse it as a client would: the response is part of the cost.
          JSON.parse(Buffer.concat(chunks).toString());
          resolve();
        });
      },
    );
    req.on('error', reject);
    req.setNoDelay(true); // as any latency-minded client does: no Nagle wait for the body
    req.end(body);
  });
}

// The HTTP ceiling of this machine: a node:http server that reads the same body, parses it and
// answers a constant, with no model. The model server cannot beat it; how close it comes
// shows what the OIP work itself costs.
const BARE_SERVER = `const s = require('node:http').createServer((q, r) => { const c = []; q.on('data', (d) => c.push(d));
  q.on('end', () => { JSON.parse(Buffer.concat(c).toString()); const t = '{"outputs":[]}';
    r.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': t.length }); r.end(t); }); });
s.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port + ' model-server: ready'));
process.on('SIGTERM', () => process.exit(0));`;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function startServer(
  modelDir: string,
  sha256: string,
  bare = false,
): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const args = bare ? ['-e', BARE_SERVER] : [join(repoRoot, 'dist/model-server/index.js')];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      MODEL_URI: modelDir,
      MODEL_SHA256: sha256,
      MODEL_NAME: 'churn',
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on http:\/\/[^ ]*:(\d+) /.exec(out);
      if (m && out.includes('model-server: ready')) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`model server exited with ${code}: ${out}`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The measurement, printed; also called by bench/cluster.ts. */
export async function servingThroughput(options: { seconds?: number; clients?: number } = {}): Promise<void> {
  SECONDS = options.seconds ?? SECONDS;
  CLIENTS = options.clients ?? CLIENTS;
  const dir = await mkdtemp(join(tmpdir(), 'bench-model-server-'));
  const bytes = logisticClassifierModel({ weights: [0.8, -0.4, 1.2, 0.05, -0.9, 0.3], bias: -0.1 });
  const modelPath = await writeModel(join(dir, 'model', 'model.onnx'), bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const server = await startServer(join(dir, 'model'), sha256);
  const bare = await startServer(join(dir, 'model'), sha256, true);
  const session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'all' });
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  console.log(
    `model-server bench: demo-shaped model (float [N,${FEATURES}] -> label, probabilities), ${CLIENTS} concurrent clients, ${SECONDS} s per measurement, ` +
      `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  try {
    for (const batch of [1, 256]) {
      const rows = rowsOf(batch);
      const body = JSON.stringify({
        inputs: [{ name: 'input', shape: [batch, FEATURES], datatype: 'FP32', data: rows }],
      });
      const serverCpu0 = cpuSecondsOf(server.pid);
      const overHttp = await measure(() => post(agent, server.port, '/v2/models/churn/infer', body));
      const serverCpu = (cpuSecondsOf(server.pid) ?? NaN) - (serverCpu0 ?? NaN);
      const bareCpu0 = cpuSecondsOf(bare.pid);
      const bareRate = await measure(() => post(agent, bare.port, '/', body));
      const bareCpu = (cpuSecondsOf(bare.pid) ?? NaN) - (bareCpu0 ?? NaN);
      const input = Float32Array.from(rows);
      const cpu0 = process.cpuUsage();
      const direct = await measure(async () => {
        await session.run({ input: new ort.Tensor('float32', input, [batch, FEATURES]) });
      });
      const cpu = process.cpuUsage(cpu0);
      const directCpu = (cpu.user + cpu.system) / 1e6;
      console.log(
        `batch ${String(batch).padStart(3)}: OIP over HTTP ${overHttp.toFixed(0)} req/s (${(overHttp * batch).toFixed(0)} rows/s); ` +
          `onnxruntime-node direct ${direct.toFixed(0)} runs/s; ratio ${(overHttp / direct).toFixed(2)}` +
          (batch === 256 ? ` (goal >= 0.70: ${overHttp / direct >= 0.7 ? 'met' : 'not met'})` : ''),
      );
      // On a shared machine wall-clock rates follow the load; CPU per call does not: it is what
      // the ratio would be on dedicated, CPU-bound cores.
      const perRequest = serverCpu / (overHttp * SECONDS);
      const perRun = directCpu / (direct * SECONDS);
      const perBare = bareCpu / (bareRate * SECONDS);
      console.log(
        `batch ${String(batch).padStart(3)}: HTTP ceiling here (node:http reading and parsing the same body, no model): ${bareRate.toFixed(0)} req/s; ` +
          `model server at ${(overHttp / bareRate).toFixed(2)} of it`,
      );
      if (Number.isFinite(perRequest)) {
        console.log(
          `batch ${String(batch).padStart(3)}: CPU per call: model server ${(perRequest * 1e6).toFixed(0)} us/request (bare node:http ${(perBare * 1e6).toFixed(0)}), ` +
            `direct ${(perRun * 1e6).toFixed(0)} us/run; CPU-bound ratio ${(perRun / perRequest).toFixed(2)}`,
        );
      }
    }
  } finally {
    agent.destroy();
    await session.release();
    await server.stop();
    await bare.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '3' }, clients: { type: 'string', default: '4' } },
  });
  servingThroughput({ seconds: Number(values.seconds), clients: Number(values.clients) }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  });
}

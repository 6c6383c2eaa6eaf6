import { silentLogger, type Logger } from '@mlops-gha/common';
import { oipDatatypeOf } from '@mlops-gha/onnx';
import type { ModelSignature, TensorSignature } from '@mlops-gha/registry';
import type { Sample, SampleTensor } from './model.js';

/**
 * The smoke test over the Open Inference Protocol (KServe V2 REST): the server is ready, the
 * model it serves has the registered name, version and signature, and the version's stored
 * sample replayed through `/infer` gives the recorded outputs (to float tolerance). Without
 * a sample only readiness, metadata and output shapes can be checked, and the result says so.
 */

/** One HTTP exchange, answered as JSON when it parses (text otherwise). */
export type HttpJson = (
  url: string,
  init: { method?: 'GET' | 'POST'; body?: string; timeoutMs: number },
) => Promise<{ status: number; body: unknown }>;

export interface SmokeTestOptions {
  url: string;
  /** How requests reach `url` [fetch]; the Service route goes through the Kubernetes API's service proxy. */
  http?: HttpJson;
  /** How the endpoint is named in messages [the URL]. */
  label?: string;
  model: string;
  version: number;
  signature: ModelSignature | null;
  sample?: Sample;
  /** How long the server may take to become ready. */
  readyTimeoutMs: number;
  logger?: Logger;
  /** Float tolerance: |got - want| <= atol + rtol * |want|. */
  rtol?: number;
  atol?: number;
  signal?: AbortSignal;
}

export interface SmokeCheck {
  check: 'ready' | 'metadata' | 'inference';
  ok: boolean;
  detail: string;
}

export interface SmokeResult {
  ok: boolean;
  checks: SmokeCheck[];
  /** `checked`: the sample's outputs were reproduced; `not-possible`: the version has no sample. */
  equivalence: 'checked' | 'not-possible' | 'failed';
  /** One line: what failed first. */
  failure?: string;
}

interface OipTensorMeta {
  name: string;
  datatype: string;
  shape: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The default transport: fetch, the body parsed as JSON when it is JSON. */
export const fetchJson: HttpJson = async (url, init) => {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    ...(init.body !== undefined ? { body: init.body, headers: { 'content-type': 'application/json' } } : {}),
    signal: AbortSignal.timeout(init.timeoutMs),
  });
  return { status: response.status, body: parseBody(await response.text()) };
};

export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON: kept as text for the message
  }
}

const short = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 200);

export async function smokeTest(options: SmokeTestOptions): Promise<SmokeResult> {
  const logger = options.logger ?? silentLogger;
  const http = options.http ?? fetchJson;
  const getJson = (url: string, init: { method?: 'POST'; body?: string } = {}, timeoutMs = 10_000) =>
    http(url, { ...init, timeoutMs });
  const base = options.url.replace(/\/+$/, '');
  const model = `${base}/v2/models/${encodeURIComponent(options.model)}`;
  const checks: SmokeCheck[] = [];
  const fail = (
    check: SmokeCheck['check'],
    detail: string,
    equivalence: SmokeResult['equivalence'] = 'failed',
  ): SmokeResult => {
    checks.push({ check, ok: false, detail });
    return { ok: false, checks, equivalence, failure: `${check}: ${detail}` };
  };

  // 1. ready: poll, since pods may still be joining the Service after helm's wait.
  const deadline = Date.now() + options.readyTimeoutMs;
  let last = '';
  for (;;) {
    try {
      const r = await getJson(`${model}/ready`, {}, 5000);
      if (r.status === 200 && (r.body as { ready?: unknown }).ready === true) break;
      last = `${r.status} ${short(r.body)}`;
    } catch (error) {
      last = (error as Error).cause
        ? String(((error as Error).cause as Error).message ?? (error as Error).cause)
        : (error as Error).message;
    }
    if (Date.now() >= deadline || options.signal?.aborted)
      return fail(
        'ready',
        `${model}/ready did not answer ready within ${Math.round(options.readyTimeoutMs / 1000)} s (last: ${last})`,
        options.sample ? 'failed' : 'not-possible',
      );
    await sleep(500);
  }
  checks.push({ check: 'ready', ok: true, detail: `${options.model} is ready at ${options.label ?? base}` });

  // 2. metadata: name, version, and the registered signature.
  const meta = await getJson(model);
  if (meta.status !== 200) return fail('metadata', `GET ${model} answered ${meta.status}: ${short(meta.body)}`);
  const m = meta.body as { name?: string; versions?: string[]; inputs?: OipTensorMeta[]; outputs?: OipTensorMeta[] };
  if (m.versions && m.versions.length && !m.versions.includes(String(options.version))) {
    return fail(
      'metadata',
      `the server serves ${options.model} version ${m.versions.join(', ')}, not the deployed version ${options.version}`,
    );
  }
  if (options.signature) {
    const problem = compareSignature(options.signature, m.inputs ?? [], m.outputs ?? []);
    if (problem) return fail('metadata', `the served model's signature differs from the registry's: ${problem}`);
  }
  checks.push({
    check: 'metadata',
    ok: true,
    detail: `name${m.versions ? ', version' : ''} and signature match the registry`,
  });

  // 3. inference: the recorded sample, or a shape check with a synthetic row.
  const inputs = options.sample?.inputs ?? syntheticInputs(options.signature, m.inputs ?? []);
  const wanted = options.sample?.outputs;
  const infer = await getJson(
    `${model}/infer`,
    {
      method: 'POST',
      body: JSON.stringify({
        id: 'mlops-gha-smoke-test',
        inputs,
        ...(wanted ? { outputs: wanted.map((o) => ({ name: o.name })) } : {}),
      }),
    },
    30_000,
  );
  if (infer.status !== 200)
    return fail('inference', `POST ${model}/infer answered ${infer.status}: ${short(infer.body)}`);
  const got = ((infer.body as { outputs?: SampleTensor[] }).outputs ?? []) as SampleTensor[];
  if (wanted) {
    const problem = compareOutputs(wanted, got, options.rtol ?? 1e-4, options.atol ?? 1e-5);
    if (problem) return fail('inference', `the outputs for the recorded sample differ: ${problem}`);
    checks.push({
      check: 'inference',
      ok: true,
      detail: `${options.sample!.rows} recorded rows reproduced (${wanted.map((o) => o.name).join(', ')})`,
    });
    logger.info(`smoke test: ${options.sample!.rows} recorded rows give the recorded outputs`);
    return { ok: true, checks, equivalence: 'checked' };
  }
  const problem = compareOutputShapes(options.signature, m.outputs ?? [], got);
  if (problem) return fail('inference', problem, 'not-possible');
  checks.push({
    check: 'inference',
    ok: true,
    detail:
      'one synthetic row answered with the registered output names and shapes; no sample stored, so no equivalence check was possible',
  });
  return { ok: true, checks, equivalence: 'not-possible' };
}

function dimsMatch(registered: (number | string)[] | null, served: number[] | undefined): boolean {
  if (!registered || !served) return true;
  if (registered.length !== served.length) return false;
  return registered.every((d, i) => typeof d !== 'number' || d < 0 || served[i] === -1 || served[i] === d);
}

export function compareSignature(
  sig: ModelSignature,
  inputs: OipTensorMeta[],
  outputs: OipTensorMeta[],
): string | undefined {
  const side = (what: string, registered: TensorSignature[], served: OipTensorMeta[]) => {
    const names = (l: { name: string }[]) =>
      l
        .map((t) => t.name)
        .sort()
        .join(', ');
    if (names(registered) !== names(served)) return `${what} are [${names(served)}], registered [${names(registered)}]`;
    for (const r of registered) {
      const s = served.find((t) => t.name === r.name)!;
      const want = oipDatatypeOf(r.type);
      if (want && s.datatype !== want) return `${what.slice(0, -1)} ${r.name} is ${s.datatype}, registered ${want}`;
      if (!dimsMatch(r.shape, s.shape))
        return `${what.slice(0, -1)} ${r.name} has shape [${s.shape?.join(', ')}], registered [${r.shape?.join(', ')}]`;
    }
    return undefined;
  };
  return side('inputs', sig.inputs, inputs) ?? side('outputs', sig.outputs, outputs);
}

function syntheticInputs(sig: ModelSignature | null, served: OipTensorMeta[]): SampleTensor[] {
  const source = sig
    ? sig.inputs.map((t) => ({ name: t.name, datatype: oipDatatypeOf(t.type) ?? 'FP32', dims: t.shape ?? [1] }))
    : served.map((t) => ({ name: t.name, datatype: t.datatype, dims: t.shape }));
  return source.map((t) => {
    const shape = t.dims.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    const zero = t.datatype === 'BOOL' ? false : t.datatype === 'BYTES' ? '' : 0;
    return { name: t.name, datatype: t.datatype, shape, data: new Array(n).fill(zero) };
  });
}

function compareOutputShapes(
  sig: ModelSignature | null,
  served: OipTensorMeta[],
  got: SampleTensor[],
): string | undefined {
  const expected = sig
    ? sig.outputs.map((t) => ({ name: t.name, shape: t.shape }))
    : served.map((t) => ({ name: t.name, shape: t.shape as (number | string)[] }));
  for (const e of expected) {
    const g = got.find((t) => t.name === e.name);
    if (!g) return `the answer has no output ${e.name}`;
    if (e.shape && g.shape.length !== e.shape.length)
      return `output ${e.name} has ${g.shape.length} dimensions, registered ${e.shape.length}`;
    const n = g.shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(g.data) || g.data.length !== n)
      return `output ${e.name} has ${Array.isArray(g.data) ? g.data.length : 'no'} values for shape [${g.shape.join(', ')}]`;
  }
  return undefined;
}

function flat(data: unknown): unknown[] {
  return Array.isArray(data) ? data.flat(Infinity as 1) : [data];
}

export function compareOutputs(
  wanted: SampleTensor[],
  got: SampleTensor[],
  rtol: number,
  atol: number,
): string | undefined {
  for (const w of wanted) {
    const g = got.find((t) => t.name === w.name);
    if (!g) return `the answer has no output ${w.name} (it has ${got.map((t) => t.name).join(', ') || 'none'})`;
    if (g.datatype !== w.datatype) return `output ${w.name} is ${g.datatype}, recorded ${w.datatype}`;
    if (JSON.stringify(g.shape) !== JSON.stringify(w.shape))
      return `output ${w.name} has shape [${g.shape}], recorded [${w.shape}]`;
    const a = flat(g.data);
    const b = flat(w.data);
    if (a.length !== b.length) return `output ${w.name} has ${a.length} values, recorded ${b.length}`;
    let mismatches = 0;
    let first = -1;
    for (let i = 0; i < b.length; i++) {
      const x = a[i];
      const y = b[i];
      const same =
        typeof x === 'number' && typeof y === 'number'
          ? Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= atol + rtol * Math.abs(y)
          : x === y;
      if (!same) {
        mismatches++;
        if (first < 0) first = i;
      }
    }
    if (mismatches)
      return `output ${w.name}: ${mismatches} of ${b.length} values differ (first at index ${first}: got ${short(a[first])}, recorded ${short(b[first])})`;
  }
  return undefined;
}

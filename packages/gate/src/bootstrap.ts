import { workerModuleBeside } from '@mlops-gha/common';
import { column, interpretationRows, sortedOrder, type Interpretation } from '@mlops-gha/evaluation';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BootstrapWork } from './bootstrap-worker.js';
import { drawResample, streamState } from './resample.js';
import { confusionCodes, makeKernel, type Kernel, type KernelOptions, type KernelSpec } from './kernels.js';

export type IntervalMethod = 'percentile' | 'bca';

export interface BootstrapOptions {
  /** Number of resamples (the `bootstrap-samples` input). */
  samples: number;
  seed: number;
  /** Shown with results; each call to `pairedBootstrap` uses these rows. */
  onProgress?: (done: number, total: number) => void;
  /** zero_division for ratio metrics, as the point estimates used. */
  kernelOptions?: KernelOptions;
}

/** Per-resample values of one metric for the candidate and (when paired) the baseline. */
export interface MetricDraws {
  metric: string;
  candidate: Float64Array;
  baseline?: Float64Array;
  /** Jackknife values, computed on demand for BCa. */
  candidateKernel: Kernel;
  baselineKernel?: Kernel;
}

export interface BootstrapResult {
  samples: number;
  seed: number;
  rows: number;
  draws: Map<string, MetricDraws>;
  seconds: number;
  /** Threads the resamples ran on. */
  threads: number;
}

interface Plan {
  n: number;
  k: number;
  paired: boolean;
  entries: MetricDraws[];
  joint?: Uint8Array | Int32Array;
  jointSize: number;
}

/**
 * The rows relabelled in the candidate's ascending-score order. Resampling is invariant to
 * how rows are numbered; numbered this way, the candidate's AUC pass reads the resample's
 * weights sequentially instead of gathering them.
 */
function inCandidateScoreOrder(interp: Interpretation, metrics: string[], candidate: number): Interpretation {
  const probs = interp.models[candidate]?.probabilities;
  const k = interp.classes?.length ?? 0;
  if (!probs || !metrics.some((m) => m === 'roc_auc' || m.startsWith('roc_auc_ovr')) || k < 2) return interp;
  const order = sortedOrder(column(probs, k, 1));
  const n = order.length;
  const permuteRows = <T extends Float64Array | Int32Array>(a: T, width: number): T => {
    const out = new (a.constructor as new (len: number) => T)(a.length);
    for (let t = 0; t < n; t++) for (let c = 0; c < width; c++) out[t * width + c] = a[order[t]! * width + c]!;
    return out;
  };
  return {
    ...interp,
    truthClasses: permuteRows(interp.truthClasses!, 1),
    models: interp.models.map((m) => ({
      ...m,
      predicted: m.predicted && permuteRows(m.predicted, 1),
      probabilities: m.probabilities && permuteRows(m.probabilities, k),
    })),
  };
}

function plan(
  original: Interpretation,
  metrics: string[],
  models: { candidate: number; baseline?: number },
  samples: number,
  kernelOptions: KernelOptions = {},
): Plan {
  const interp = inCandidateScoreOrder(original, metrics, models.candidate);
  const n = interpretationRows(interp);
  const k = interp.classes?.length ?? 0;
  const entries: MetricDraws[] = [];
  for (const metric of metrics) {
    const candidateKernel = makeKernel(metric, interp, models.candidate, kernelOptions);
    if (!candidateKernel) continue;
    const baselineKernel =
      models.baseline === undefined ? undefined : makeKernel(metric, interp, models.baseline, kernelOptions);
    if (models.baseline !== undefined && !baselineKernel) continue;
    entries.push({
      metric,
      candidate: new Float64Array(samples),
      baseline: baselineKernel ? new Float64Array(samples) : undefined,
      candidateKernel,
      baselineKernel,
    });
  }
  const paired = models.baseline !== undefined;
  const needConfusion = entries.some((e) => e.candidateKernel.usesConfusion);
  // Joint confusion code per row: (true, candidate predicted[, baseline predicted]).
  let joint: Uint8Array | Int32Array | undefined;
  let jointSize = 0;
  if (needConfusion) {
    const cand = confusionCodes(interp, models.candidate);
    if (paired) {
      const base = interp.models[models.baseline!]!.predicted!;
      jointSize = k * k * k;
      joint = jointSize <= 256 ? new Uint8Array(n) : new Int32Array(n);
      for (let i = 0; i < n; i++) joint[i] = cand[i]! * k + base[i]!;
    } else {
      jointSize = k * k;
      joint = jointSize <= 256 ? Uint8Array.from(cand) : cand;
    }
  }
  return { n, k, paired, entries, joint, jointSize };
}

/** What a finished bootstrap reports, serial or on worker threads alike. */
function result(p: Plan, options: BootstrapOptions, started: number, threads: number): BootstrapResult {
  return {
    samples: options.samples,
    seed: options.seed,
    rows: p.n,
    draws: new Map(p.entries.map((e) => [e.metric, e])),
    seconds: (performance.now() - started) / 1000,
    threads,
  };
}

/** The candidate's and baseline's confusion matrices from a resample's joint counts. */
function splitJoint(
  p: Plan,
  jointCounts: ArrayLike<number>,
  offset: number,
  confCandidate: Float64Array,
  confBaseline: Float64Array,
): void {
  const k = p.k;
  confCandidate.fill(0);
  if (!p.paired) {
    for (let cc = 0; cc < k * k; cc++) confCandidate[cc] = jointCounts[offset + cc]!;
    return;
  }
  confBaseline.fill(0);
  for (let cc = 0; cc < k * k; cc++) {
    const t = Math.floor(cc / k);
    for (let pb = 0; pb < k; pb++) {
      const v = jointCounts[offset + cc * k + pb]!;
      confCandidate[cc]! += v;
      confBaseline[t * k + pb]! += v;
    }
  }
}

function newWeights(n: number): Uint16Array | Uint32Array {
  // Row multiplicities: a row drawn 65,536 times or more is beyond astronomically unlikely
  // (P ~ 1/65536! for n >= 65536), and Uint16 keeps the array in cache.
  return new Uint16Array(n);
}

/**
 * The paired bootstrap: each resample draws the holdout's rows with replacement (a seeded
 * PRNG, one stream per resample, so the result does not depend on evaluation order or on
 * the number of threads) and recomputes every metric for the candidate and the baseline on
 * the same drawn rows, so their difference keeps the pairing. One pass of draws per
 * resample feeds the row weights and the joint confusion counts; AUC is one pass in score
 * order, means one weighted sum.
 */
export function pairedBootstrap(
  interp: Interpretation,
  metrics: string[],
  models: { candidate: number; baseline?: number },
  options: BootstrapOptions,
): BootstrapResult {
  const started = performance.now();
  const p = plan(interp, metrics, models, options.samples, options.kernelOptions);
  const confCandidate = new Float64Array(p.k * p.k);
  const confBaseline = new Float64Array(p.k * p.k);
  const weights = newWeights(p.n);
  const jointCounts = new Int32Array(p.jointSize);
  for (let b = 0; b < options.samples; b++) {
    drawResample(streamState(options.seed, b), p.n, weights, p.joint, jointCounts);
    if (p.joint) splitJoint(p, jointCounts, 0, confCandidate, confBaseline);
    for (const e of p.entries) {
      e.candidate[b] = e.candidateKernel.value(weights, confCandidate);
      if (e.baseline) e.baseline[b] = e.baselineKernel!.value(weights, confBaseline);
    }
    options.onProgress?.(b + 1, options.samples);
  }
  return result(p, options, started, 1);
}

/**
 * The worker module: `bootstrap-worker.js` beside the bundle (scripts/build.mjs builds it into
 * dist/metric-gate/), or `bootstrap-worker.ts` beside this file when running from sources, under
 * tsx (it imports other modules of this package); undefined: resample on this thread.
 */
function workerModule(): { url: URL; execArgv?: string[] } | undefined {
  const found = workerModuleBeside(import.meta.url, 'bootstrap-worker');
  if (!found?.fromSources) return found && { url: found.url };
  const tsx = process.execArgv.some((a) => /tsx/.test(a)) ? [] : ['--import', 'tsx'];
  return { url: found.url, execArgv: [...process.execArgv, ...tsx] };
}

/** Below this much work (rows x resamples) threads cost more than they save. */
const PARALLEL_WORK = 20_000_000;

/**
 * `pairedBootstrap` spread over worker threads (one per available core, at most 8) when the
 * work is large; identical results, since every resample has its own PRNG stream.
 */
export async function pairedBootstrapParallel(
  interp: Interpretation,
  metrics: string[],
  models: { candidate: number; baseline?: number },
  options: BootstrapOptions & { threads?: number },
): Promise<BootstrapResult> {
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(8, availableParallelism()), options.samples));
  const n = interpretationRows(interp);
  const module = workerModule();
  if (!module || threads < 2 || (options.threads === undefined && n * options.samples < PARALLEL_WORK)) {
    return pairedBootstrap(interp, metrics, models, options);
  }
  const started = performance.now();
  const p = plan(interp, metrics, models, options.samples, options.kernelOptions);
  const rowKernels: { entry: MetricDraws; side: 'candidate' | 'baseline'; spec: KernelSpec }[] = [];
  for (const e of p.entries) {
    if (e.candidateKernel.usesConfusion) continue;
    rowKernels.push({ entry: e, side: 'candidate', spec: e.candidateKernel.spec });
    if (e.baselineKernel) rowKernels.push({ entry: e, side: 'baseline', spec: e.baselineKernel.spec });
  }
  const outJoint = new Int32Array(new SharedArrayBuffer(Math.max(1, options.samples * p.jointSize) * 4));
  const outValues = rowKernels.map(() => new Float64Array(new SharedArrayBuffer(options.samples * 8)));
  const per = Math.ceil(options.samples / threads);
  const jobs: Promise<void>[] = [];
  let done = 0;
  for (let t = 0; t < threads; t++) {
    const from = t * per;
    const to = Math.min(options.samples, from + per);
    if (from >= to) break;
    const work: BootstrapWork = {
      n: p.n,
      seed: options.seed,
      from,
      to,
      joint: p.joint,
      jointSize: p.jointSize,
      specs: rowKernels.map((r) => r.spec),
      outJoint,
      outValues,
    };
    const worker = new Worker(module.url, { workerData: work, execArgv: module.execArgv });
    jobs.push(
      new Promise<void>((resolve, reject) => {
        worker.on('message', (message: { progress?: number; done?: number }) => {
          done += message.progress ?? message.done ?? 0;
          options.onProgress?.(done, options.samples);
          if (message.done !== undefined) resolve();
        });
        worker.once('error', reject);
        worker.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`bootstrap worker exited with code ${code}`)),
        );
      }),
    );
  }
  await Promise.all(jobs);
  rowKernels.forEach((r, j) => (r.side === 'candidate' ? r.entry.candidate : r.entry.baseline!).set(outValues[j]!));
  const confCandidate = new Float64Array(p.k * p.k);
  const confBaseline = new Float64Array(p.k * p.k);
  const confusionEntries = p.entries.filter((e) => e.candidateKernel.usesConfusion);
  if (confusionEntries.length) {
    for (let b = 0; b < options.samples; b++) {
      splitJoint(p, outJoint, b * p.jointSize, confCandidate, confBaseline);
      for (const e of confusionEntries) {
        e.candidate[b] = e.candidateKernel.value(new Uint16Array(0), confCandidate);
        if (e.baseline) e.baseline[b] = e.baselineKernel!.value(new Uint16Array(0), confBaseline);
      }
    }
  }
  return result(p, options, started, threads);
}

export { bootstrapInterval, type Interval } from './interval.js';
export { drawResample, streamState };

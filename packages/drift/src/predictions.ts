/**
 * The model's outputs profiled like data columns: each batch of rows goes through
 * onnxruntime (packages/evaluation's `predict`), and every output becomes one or more
 * prediction columns: `label` (class labels: categorical), `probabilities[1]` (the positive
 * class's score of a binary classifier), `probabilities[k]` for each class of a multiclass
 * one, `variable` (a regression's value: numerical).
 */
import { isUserError } from '@mlops-gha/common';
import { openOnnxModel, predict, type Holdout, type OnnxModel, type OutputColumn } from '@mlops-gha/evaluation';
import { ColumnProfiler, type ColumnProfile, type ColumnType } from './profile.js';
import type { TableBatch } from './table.js';

function outputColumns(out: OutputColumn): { name: string; pick: number; categorical: boolean }[] {
  const categorical = out.type === 'string' || /int/.test(out.type) || out.type === 'bool';
  if (out.width === 1) return [{ name: out.name, pick: 0, categorical }];
  if (out.width === 2 && !categorical) return [{ name: `${out.name}[1]`, pick: 1, categorical }];
  return Array.from({ length: out.width }, (_, k) => ({ name: `${out.name}[${k}]`, pick: k, categorical }));
}

export class PredictionProfiler {
  private profilers = new Map<string, ColumnProfiler>();
  private readonly featureIndex: number[];
  /** Why predictions could not be profiled, when they could not. */
  skipped: string | undefined;

  private constructor(
    private readonly model: OnnxModel,
    readonly features: string[],
    header: string[],
    private readonly types: Map<string, ColumnType>,
    private readonly input: string,
  ) {
    this.featureIndex = features.map((f) => header.indexOf(f));
  }

  /** Opens the model; `features` are the columns fed to it, in order. */
  static async open(
    modelPath: string,
    features: string[],
    header: string[],
    input: string,
    reference?: ColumnProfile[] | null,
  ): Promise<PredictionProfiler> {
    const model = await openOnnxModel(modelPath);
    const profiler = new PredictionProfiler(
      model,
      features,
      header,
      new Map(reference?.map((c) => [c.name, c.type])),
      input,
    );
    // Missing data columns are reported by the column comparison; predictions just cannot be made.
    const missing = features.filter((f) => !header.includes(f));
    if (missing.length) profiler.skipped = `${input} lacks the model's input column(s) ${missing.join(', ')}`;
    return profiler;
  }

  async addBatch(batch: TableBatch): Promise<void> {
    if (this.skipped || batch.rows === 0) return;
    const f = this.features.length;
    const features = new Float32Array(batch.rows * f);
    for (let j = 0; j < f; j++) {
      const col = batch.numbers[this.featureIndex[j]!]!;
      for (let r = 0; r < batch.rows; r++) {
        const v = col[r]!;
        if (v !== v) {
          this.skipped = `the model's input "${this.features[j]}" is missing or not a number on line ${batch.lines[r]} of ${this.input}`;
          return;
        }
        features[r * f + j] = v;
      }
    }
    const holdout: Holdout = {
      path: this.input,
      rows: batch.rows,
      featureNames: this.features,
      features,
      labelColumn: '',
      labels: [],
    };
    let raw: Awaited<ReturnType<typeof predict>>;
    try {
      raw = await predict(this.model, holdout);
    } catch (error) {
      // e.g. the data's label is not named `label`, so the model gets one column too many:
      // the data profile stays useful; the prediction profile is left out and the reason logged.
      if (!isUserError(error)) throw error;
      this.skipped = `the model could not run on ${this.input}: ${error.message}`;
      return;
    }
    for (const out of raw.outputs) {
      for (const col of outputColumns(out)) {
        let p = this.profilers.get(col.name);
        if (!p) {
          p = new ColumnProfiler(
            col.name,
            0x9e37 + this.profilers.size,
            this.types.get(col.name) ?? (col.categorical ? 'categorical' : undefined),
          );
          this.profilers.set(col.name, p);
        }
        const numbers = new Float64Array(batch.rows);
        const texts = new Array<string | undefined>(batch.rows);
        for (let r = 0; r < batch.rows; r++) {
          const v = out.values[r * out.width + col.pick]!;
          if (typeof v === 'string') {
            numbers[r] = NaN;
            texts[r] = v;
          } else numbers[r] = v;
        }
        p.addBatch({ header: [col.name], rows: batch.rows, lines: batch.lines, numbers: [numbers], texts: [texts] }, 0);
      }
    }
  }

  async finish(): Promise<ColumnProfile[] | null> {
    await this.model.session.release();
    if (this.skipped) return null;
    return [...this.profilers.values()].map((p) => p.finish());
  }
}

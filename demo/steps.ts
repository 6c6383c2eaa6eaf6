/**
 * Runs one workflow step of the demo: the action's committed bundle in a child process, as
 * GitHub's runner does (test/harness/run-action.ts), and keeps what a person would look at
 * afterwards: the outcome, the outputs, the log and the job summary (saved to a file).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadActionMetadata, runAction, type ActionResult, type RunActionOptions } from '../test/harness/run-action.js';

export type Outcome = 'ok' | 'stopped' | 'failed' | 'not built' | 'skipped';

export interface StepRecord {
  n: number;
  /** The part of the story the step belongs to (a "commit" or a workflow run). */
  chapter: string;
  label: string;
  action: string;
  outcome: Outcome;
  /** One line: the outputs worth showing, or why the step stopped or failed. */
  detail: string;
  outputs: Record<string, string>;
  seconds?: number;
  summary?: string;
  summaryFile?: string;
}

export interface StepOptions extends Omit<RunActionOptions, 'cwd' | 'inputs'> {
  inputs: Record<string, string>;
  /** Output names printed and put in the report. */
  show?: string[];
  /**
   * The step is meant to fail (a gate stopping a worse model): exit 1 is the good outcome when
   * this says the failure is the intended one (e.g. verdict=fail), not a crash.
   */
  expectFailure?: (result: ActionResult) => boolean;
}

export function isBuilt(action: string): boolean {
  try {
    return existsSync(loadActionMetadata(action).main);
  } catch {
    return false;
  }
}

/** Whether the action's action.yml declares an input (features that land while others build them). */
export function declares(action: string, input: string): boolean {
  try {
    return input in loadActionMetadata(action).inputs;
  } catch {
    return false;
  }
}

const clip = (s: string, n = 110): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export class DemoRun {
  readonly records: StepRecord[] = [];
  chapter = '';

  constructor(
    private readonly workspace: string,
    private readonly summariesDir: string,
    private readonly quiet: boolean,
  ) {}

  private say(line: string): void {
    console.log(line);
  }

  beginChapter(title: string): void {
    this.chapter = title;
    this.say(`\n### ${title}`);
  }

  /** Records a step that cannot run here, saying why; nothing is faked in its place. */
  skip(label: string, action: string, why: string, outcome: Outcome = 'not built'): void {
    const n = this.records.length + 1;
    this.records.push({ n, chapter: this.chapter, label, action, outcome, detail: why, outputs: {} });
    this.say(`${String(n).padStart(2)}. ${label}: ${outcome} (${why})`);
  }

  async step(label: string, action: string, options: StepOptions): Promise<ActionResult | undefined> {
    if (!isBuilt(action)) {
      this.skip(label, action, `actions/${action} has no committed bundle yet`);
      return undefined;
    }
    const n = this.records.length + 1;
    const { show = [], expectFailure, ...run } = options;
    const result = await runAction(action, { ...run, cwd: this.workspace });
    const failed = result.exitCode !== 0;
    const error =
      result.annotations.find((a) => a.level === 'error')?.message ?? `exit ${result.exitCode ?? result.signal}`;
    const outcome: Outcome = failed
      ? expectFailure?.(result)
        ? 'stopped'
        : 'failed'
      : expectFailure
        ? 'failed'
        : 'ok';
    const shown = show
      .filter((k) => result.outputs[k] !== undefined)
      .map((k) => `${k}=${clip(result.outputs[k]!, 60)}`)
      .join('  ');
    const detail =
      outcome === 'ok'
        ? shown
        : outcome === 'stopped'
          ? `${shown}  (${clip(error, 140)})`
          : expectFailure && !failed
            ? `expected this step to fail, it passed: ${shown}`
            : error;
    await mkdir(this.summariesDir, { recursive: true });
    const summaryFile = join(this.summariesDir, `${String(n).padStart(2, '0')}-${action}.md`);
    await writeFile(summaryFile, result.summary);
    this.records.push({
      n,
      chapter: this.chapter,
      label,
      action,
      outcome,
      detail,
      outputs: result.outputs,
      seconds: result.durationMs / 1000,
      summary: result.summary,
      summaryFile,
    });
    this.say(
      `${String(n).padStart(2)}. ${label} [actions/${action}, ${(result.durationMs / 1000).toFixed(1)} s]: ${outcome}`,
    );
    if (detail) this.say(`    ${detail}`);
    if (outcome === 'failed' || !this.quiet) for (const line of result.log) this.say(`    | ${line}`);
    return outcome === 'ok' || outcome === 'stopped' ? result : undefined;
  }
}

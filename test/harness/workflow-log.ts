/**
 * For unit tests of the glue over @actions/core (actions/common): what a call prints to the
 * job log, read back the way the runner reads it (plain lines, `::command::` lines and the
 * annotations they make), and the exit code it set, which is put back afterwards so that the
 * test process itself does not exit 1.
 */
import { parseWorkflowCommand, toAnnotation, type Annotation, type WorkflowCommand } from './file-commands.js';

export interface CapturedLog {
  /** Every line written to stdout, without its newline. */
  lines: string[];
  /** The lines that are workflow commands (`::debug::`, `::error file=...::`, ...). */
  commands: WorkflowCommand[];
  /** The error, warning and notice annotations among them. */
  annotations: Annotation[];
  /** process.exitCode as the call left it. */
  exitCode: number | string | null | undefined;
}

export async function captureLog(run: () => unknown): Promise<CapturedLog> {
  const write = process.stdout.write;
  const savedExitCode = process.exitCode;
  process.exitCode = undefined;
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  let exitCode: CapturedLog['exitCode'];
  try {
    await run();
  } finally {
    process.stdout.write = write;
    exitCode = process.exitCode;
    process.exitCode = savedExitCode;
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const commands = lines.map(parseWorkflowCommand).filter((c): c is WorkflowCommand => c !== null);
  const annotations = commands.map(toAnnotation).filter((a): a is Annotation => a !== null);
  return { lines, commands, annotations, exitCode };
}

import { statSync, type Stats } from 'node:fs';
import { UserError } from '@mlops-gha/common';
import type * as Ort from 'onnxruntime-node';
import { loadOnnxRuntime } from './runtime.js';
import { signatureOf, type OnnxSignature } from './signature.js';

/** A model onnxruntime could not load; `reason` is onnxruntime's own message. */
export class OnnxLoadError extends UserError {
  constructor(
    readonly where: string,
    readonly reason: string,
    options: { fix?: string; file?: string; cause?: unknown } = {},
  ) {
    super(`${where} is not an ONNX model onnxruntime can load: ${reason}`, {
      fix:
        options.fix ??
        'Export the model to ONNX (e.g. torch.onnx.export or skl2onnx) and point the input at the .onnx file.',
      ...(options.file ? { location: { file: options.file } } : {}),
      cause: options.cause,
    });
  }
}

export interface SessionOptions {
  /** `all` for inference; `disabled` when only the signature is read (a faster load). */
  optimization?: 'disabled' | 'all';
  /** onnxruntime's intra-op threads (0 or absent = its default, one per core). */
  intraOpThreads?: number;
  /** The fix of the error for a model onnxruntime cannot load (the caller's words win over the default). */
  fix?: string;
  /**
   * Where the path came from, as the user wrote it: an action input (`` `model` ``) or a
   * manifest field (`` `files[0].path` in registry.yaml ``). Errors then name it and say to set
   * it, so a user with several model inputs knows which one is wrong.
   */
  label?: string;
}

/**
 * An onnxruntime session over a file or over bytes already read (the bytes whose sha256 was
 * checked, so nothing can swap the file between the check and the load). `where` names the
 * model in errors; a model onnxruntime refuses is an OnnxLoadError.
 */
export async function createSession(
  source: string | Uint8Array,
  where: string,
  options: SessionOptions = {},
): Promise<Ort.InferenceSession> {
  const ort = await loadOnnxRuntime();
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.optimization ?? 'all',
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
  };
  try {
    return typeof source === 'string'
      ? await ort.InferenceSession.create(source, sessionOptions)
      : await ort.InferenceSession.create(source, sessionOptions);
  } catch (error) {
    const reason = ((error as Error).message ?? String(error)).trim();
    throw new OnnxLoadError(where, reason, {
      ...(options.fix ? { fix: options.fix } : {}),
      ...(typeof source === 'string' ? { file: source } : {}),
      cause: error,
    });
  }
}

export interface OnnxModel {
  path: string;
  signature: OnnxSignature;
  session: Ort.InferenceSession;
}

/**
 * Opens an ONNX model file for inference; a missing file, a folder or one onnxruntime cannot
 * read is a UserError naming the path and, when given, the `label` it came from.
 */
export async function openOnnxModel(path: string, options: SessionOptions = {}): Promise<OnnxModel> {
  const { label } = options;
  const stat = statOrUndefined(path);
  if (!stat?.isFile()) {
    const what = stat?.isDirectory() ? 'is a folder, not an .onnx file' : 'does not exist';
    throw new UserError(label ? `${label}: model ${path} ${what}` : `Model ${path} ${what}`, {
      fix: `Set ${label ?? 'the model input'} to the path of an .onnx file (e.g. the \`model-path\` output of the train action).`,
    });
  }
  const session = await createSession(path, label ? `${label}: ${path}` : path, {
    ...options,
    ...(options.fix || !label
      ? {}
      : {
          fix: `Export the model to ONNX (e.g. torch.onnx.export or skl2onnx) and point ${label} at the .onnx file.`,
        }),
  });
  return { path, session, signature: signatureOf(session) };
}

/** The file's stat, or undefined where there is none to read (absent, a path through a file, no permission). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The input and output names, element types and shapes of an ONNX model file (opened without optimisation). */
export async function readOnnxSignature(
  path: string,
  options: Pick<SessionOptions, 'fix' | 'label'> = {},
): Promise<OnnxSignature> {
  const model = await openOnnxModel(path, { ...options, optimization: 'disabled' });
  await model.session.release();
  return model.signature;
}

/**
 * One ONNX model in an onnxruntime-node session, seen through the Open Inference Protocol:
 * its metadata (datatypes and shapes with -1 for open dimensions) and `infer`, which checks a
 * request, runs it and writes the response JSON.
 */
import { UserError, type Logger } from '@mlops-gha/common';
import { createSession, loadOnnxRuntime, oipDatatypeOf, ortTypeOf } from '@mlops-gha/onnx';
import type * as Ort from 'onnxruntime-node';
import type { TensorData } from './datatypes.js';
import { InferenceError } from './errors.js';
import { checkInferRequest, type TensorSpec } from './request.js';
import { encodeInferResponse } from './response.js';

export const PLATFORM = 'onnxruntime_onnx';

export interface ModelMetadata {
  name: string;
  versions?: string[];
  platform: typeof PLATFORM;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface ModelIdentity {
  name: string;
  /** The registry version, when the model came from one. */
  version?: string;
}

export interface SessionSettings {
  /** onnxruntime's intra-op threads (0 = its default, one per core). */
  intraOpThreads?: number;
}

type ValueMetadata = Ort.InferenceSession.ValueMetadata;

function toSpec(meta: ValueMetadata, role: 'input' | 'output'): TensorSpec | string {
  if (!meta.isTensor) return `${role} ${meta.name} is not a tensor (e.g. a sequence of maps)`;
  const datatype = oipDatatypeOf(String(meta.type));
  if (!datatype)
    return `${role} ${meta.name} has element type ${String(meta.type)}, which the Open Inference Protocol cannot carry`;
  // Symbolic (named) and unknown dimensions are open: -1, as KServe and Triton report them.
  const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
  return { name: meta.name, datatype, shape };
}

export class ServedModel {
  private constructor(
    readonly identity: ModelIdentity,
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    readonly inputs: TensorSpec[],
    readonly outputs: TensorSpec[],
  ) {}

  /**
   * Opens a model from its bytes (the very bytes whose sha256 was checked, so nothing can
   * swap the file between the check and the load). `where` names it in errors.
   */
  static async load(
    bytes: Uint8Array,
    identity: ModelIdentity,
    where: string,
    logger: Logger,
    settings: SessionSettings = {},
  ): Promise<ServedModel> {
    const ort = await loadOnnxRuntime();
    const session = await createSession(bytes, where, {
      ...(settings.intraOpThreads ? { intraOpThreads: settings.intraOpThreads } : {}),
      fix: 'Point the model URI at a registry version (or folder) that holds the exported .onnx file.',
    });
    const inputs: TensorSpec[] = [];
    for (const meta of session.inputMetadata) {
      const spec = toSpec(meta, 'input');
      if (typeof spec === 'string') {
        await session.release();
        throw new UserError(`${where}: ${spec}, so it cannot be served over the Open Inference Protocol`, {
          fix: 'Export the model with tensor inputs of a numeric, bool or string type.',
        });
      }
      inputs.push(spec);
    }
    const outputs: TensorSpec[] = [];
    for (const meta of session.outputMetadata) {
      const spec = toSpec(meta, 'output');
      // A non-tensor output (skl2onnx's ZipMap) cannot be carried; the tensor outputs still can.
      if (typeof spec === 'string') logger.warning(`${where}: ${spec}; it is left out of the served outputs`);
      else outputs.push(spec);
    }
    if (outputs.length === 0) {
      await session.release();
      throw new UserError(`${where} has no tensor output the Open Inference Protocol can carry`, {
        fix: 'Export the model without ZipMap (skl2onnx: options={"zipmap": False}).',
      });
    }
    return new ServedModel(identity, ort, session, inputs, outputs);
  }

  metadata(): ModelMetadata {
    return {
      name: this.identity.name,
      ...(this.identity.version ? { versions: [this.identity.version] } : {}),
      platform: PLATFORM,
      inputs: this.inputs,
      outputs: this.outputs,
    };
  }

  /** Runs one OIP request body (already parsed JSON); returns the response JSON text. */
  async infer(body: unknown): Promise<string> {
    const request = checkInferRequest(body, this.inputs, this.outputs);
    const feeds: Record<string, Ort.Tensor> = {};
    for (const input of request.inputs) {
      feeds[input.name] = this.tensor(input.datatype, input.data, input.shape);
    }
    let results: Ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(feeds, request.outputs);
    } catch (error) {
      // The request passed every check the signature allows, so what is left is the model
      // refusing these inputs (e.g. two inputs disagreeing on a shared dimension).
      throw new InferenceError(400, `onnxruntime refused the inputs: ${(error as Error).message}`);
    }
    const specs = new Map(this.outputs.map((t) => [t.name, t]));
    return encodeInferResponse(
      this.identity,
      request.id,
      request.outputs.map((name) => {
        const tensor = results[name] as Ort.Tensor;
        return { name, datatype: specs.get(name)!.datatype, shape: tensor.dims, data: tensor.data };
      }),
    );
  }

  private tensor(datatype: TensorSpec['datatype'], data: TensorData, dims: number[]): Ort.Tensor {
    const tensor = new this.ort.Tensor(ortTypeOf(datatype), data, dims);
    // Where the runtime has Float16Array (Node 24), onnxruntime-common wraps FP16 bits in one,
    // which onnxruntime-node 1.30's binding cannot read ("not enough space: expected 8, got 0"):
    // hand it the raw binary16 bits it reads on Node 20.
    if (datatype === 'FP16' && !(tensor.data instanceof Uint16Array))
      (tensor as unknown as { cpuData: TensorData }).cpuData = data;
    return tensor;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

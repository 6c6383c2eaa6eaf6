/**
 * The one table between onnxruntime's element types and the Open Inference Protocol's (KServe
 * V2) tensor datatypes: the model server, the registry's stored sample and the deploy smoke test
 * all name tensors through it. BF16 exists in OIP only in gRPC raw form and is left out.
 */
const OIP_TO_ORT = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
} as const;

export type OipDatatype = keyof typeof OIP_TO_ORT;
export type OrtElementType = (typeof OIP_TO_ORT)[OipDatatype];

const ORT_TO_OIP = new Map<string, OipDatatype>(
  Object.entries(OIP_TO_ORT).map(([oip, ort]) => [ort, oip as OipDatatype]),
);

export function isOipDatatype(value: unknown): value is OipDatatype {
  return typeof value === 'string' && Object.hasOwn(OIP_TO_ORT, value);
}

export function ortTypeOf(datatype: OipDatatype): OrtElementType {
  return OIP_TO_ORT[datatype];
}

/** The OIP datatype of an onnxruntime element type, or undefined (e.g. uint4, bfloat16, non-tensors). */
export function oipDatatypeOf(ortType: string): OipDatatype | undefined {
  return ORT_TO_OIP.get(ortType);
}

// Jest runs each test file in its own vm context, whose typed-array constructors differ from
// the main realm's. Native addons (onnxruntime-node) create their tensors' typed arrays in the
// main realm, and onnxruntime-common checks them with `instanceof`, which then fails
// ("A float32 tensor's data must be type of function Float32Array()"). Giving the test context
// the main realm's constructors makes both sides agree, as they do in a plain Node process.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'DataView',
];

class MainRealmTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = MainRealmTypedArraysEnvironment;

/**
 * Kubernetes' protobuf wire format for the messages real clients send here: helm's release
 * storage writes Secrets as `application/vnd.kubernetes.protobuf`. The envelope is the four
 * bytes `k8s\0` followed by a `runtime.Unknown` (1 typeMeta {1 apiVersion, 2 kind}, 2 raw,
 * 3 contentEncoding, 4 contentType) whose raw bytes are the object's message
 * (k8s.io/api/core/v1/generated.proto). Only Secret, SecretList and the ObjectMeta fields a
 * Secret carries are coded; any other kind in protobuf is refused with 415 by the caller.
 */
import type { K8sObject } from './status.js';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

// ---- wire primitives ------------------------------------------------------------------------

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('protobuf: truncated varint');
      const byte = this.buf[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('protobuf: varint too long');
    }
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) throw new Error('protobuf: truncated field');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** Yields [fieldNumber, value] with value a Buffer (length-delimited) or bigint (varint). */
  *fields(): Generator<[number, Buffer | bigint]> {
    while (!this.done()) {
      const tag = Number(this.varint());
      const field = tag >>> 3;
      const wire = tag & 7;
      if (wire === 0) yield [field, this.varint()];
      else if (wire === 2) yield [field, this.bytes()];
      else if (wire === 1) this.pos += 8;
      else if (wire === 5) this.pos += 4;
      else throw new Error(`protobuf: unsupported wire type ${wire}`);
    }
  }
}

class Writer {
  private readonly parts: Buffer[] = [];

  private varint(value: bigint | number): void {
    let v = BigInt(value);
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    this.parts.push(Buffer.from(out));
  }

  bytesField(field: number, data: Buffer): this {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    this.parts.push(data);
    return this;
  }

  stringField(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    return this.bytesField(field, Buffer.from(value, 'utf8'));
  }

  varintField(field: number, value: number | bigint | undefined): this {
    if (value === undefined || value === 0 || value === 0n) return this;
    this.varint(field << 3);
    this.varint(value);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const str = (v: Buffer | bigint) => (typeof v === 'bigint' ? '' : v.toString('utf8'));
const buf = (v: Buffer | bigint) => (typeof v === 'bigint' ? Buffer.alloc(0) : v);

function decodeMapEntry(data: Buffer): [string, Buffer] {
  let key = '';
  let value: Buffer = Buffer.alloc(0);
  for (const [f, v] of new Reader(data).fields()) {
    if (f === 1) key = str(v);
    if (f === 2) value = buf(v);
  }
  return [key, value];
}

function encodeMap(w: Writer, field: number, map: Record<string, string | Buffer> | undefined): void {
  // Go's protobuf marshals maps with sorted keys; so do we (deterministic bytes).
  for (const key of Object.keys(map ?? {}).sort()) {
    const value = (map as Record<string, string | Buffer>)[key] as string | Buffer;
    const entry = new Writer()
      .stringField(1, key)
      .bytesField(2, typeof value === 'string' ? Buffer.from(value, 'utf8') : value)
      .finish();
    w.bytesField(field, entry);
  }
}

// ---- messages -------------------------------------------------------------------------------

function decodeTime(data: Buffer): string | undefined {
  let seconds = 0n;
  for (const [f, v] of new Reader(data).fields()) if (f === 1 && typeof v === 'bigint') seconds = v;
  // The zero time (Go's time.Time{}, 0001-01-01) arrives as no seconds at all: JSON null, omitted.
  if (seconds === 0n || seconds >= 1n << 62n) return undefined;
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function decodeObjectMeta(data: Buffer): K8sObject {
  const meta: K8sObject = {};
  // Go's generated marshallers write every string field, empty or not; JSON omits empty ones.
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '' && value !== 0) meta[key] = value;
  };
  for (const [f, v] of new Reader(data).fields()) {
    if (f === 1) set('name', str(v));
    else if (f === 2) set('generateName', str(v));
    else if (f === 3) set('namespace', str(v));
    else if (f === 5) set('uid', str(v));
    else if (f === 6) set('resourceVersion', str(v));
    else if (f === 7 && typeof v === 'bigint') set('generation', Number(v));
    else if (f === 8) set('creationTimestamp', decodeTime(buf(v)));
    else if (f === 11 || f === 12) {
      const [key, value] = decodeMapEntry(buf(v));
      const name = f === 11 ? 'labels' : 'annotations';
      meta[name] = { ...(meta[name] ?? {}), [key]: value.toString('utf8') };
    } else if (f === 14) meta.finalizers = [...(meta.finalizers ?? []), str(v)];
  }
  return meta;
}

function encodeObjectMeta(meta: K8sObject): Buffer {
  const w = new Writer()
    .stringField(1, meta.name)
    .stringField(2, meta.generateName)
    .stringField(3, meta.namespace)
    .stringField(5, meta.uid)
    .stringField(6, meta.resourceVersion)
    .varintField(7, meta.generation);
  if (meta.creationTimestamp) {
    const seconds = Math.floor(Date.parse(meta.creationTimestamp) / 1000);
    w.bytesField(8, new Writer().varintField(1, seconds).finish());
  }
  encodeMap(w, 11, meta.labels);
  encodeMap(w, 12, meta.annotations);
  for (const f of meta.finalizers ?? []) w.stringField(14, f);
  return w.finish();
}

function decodeSecret(data: Buffer): K8sObject {
  const secret: K8sObject = { kind: 'Secret', apiVersion: 'v1', metadata: {} };
  for (const [f, v] of new Reader(data).fields()) {
    if (f === 1) secret.metadata = decodeObjectMeta(buf(v));
    else if (f === 2) {
      const [key, value] = decodeMapEntry(buf(v));
      secret.data = { ...(secret.data ?? {}), [key]: value.toString('base64') };
    } else if (f === 3) secret.type = str(v);
    else if (f === 4) {
      const [key, value] = decodeMapEntry(buf(v));
      secret.stringData = { ...(secret.stringData ?? {}), [key]: value.toString('utf8') };
    } else if (f === 5 && typeof v === 'bigint') secret.immutable = v !== 0n;
  }
  return secret;
}

function encodeSecret(secret: K8sObject): Buffer {
  const w = new Writer().bytesField(1, encodeObjectMeta(secret.metadata ?? {}));
  const data: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries<string>(secret.data ?? {})) data[k] = Buffer.from(v, 'base64');
  encodeMap(w, 2, data);
  w.stringField(3, secret.type);
  if (secret.immutable) w.varintField(5, 1);
  return w.finish();
}

function encodeSecretList(list: K8sObject): Buffer {
  const listMeta = new Writer()
    .stringField(2, list.metadata?.resourceVersion)
    .stringField(3, list.metadata?.continue)
    .finish();
  const w = new Writer().bytesField(1, listMeta);
  for (const item of list.items ?? []) w.bytesField(2, encodeSecret(item));
  return w.finish();
}

// ---- envelope -------------------------------------------------------------------------------

/** Decodes a protobuf request body. Returns undefined for kinds this codec does not know. */
export function decodeEnvelope(body: Buffer): K8sObject | undefined {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw new Error('protobuf: the body does not start with the k8s\\0 envelope');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const [f, v] of new Reader(body.subarray(4)).fields()) {
    if (f === 1) {
      for (const [tf, tv] of new Reader(buf(v)).fields()) {
        if (tf === 1) apiVersion = str(tv);
        if (tf === 2) kind = str(tv);
      }
    } else if (f === 2) raw = buf(v);
  }
  if (apiVersion === 'v1' && kind === 'Secret') return decodeSecret(raw);
  if (kind === 'DeleteOptions') return { kind, apiVersion };
  return undefined;
}

/** Encodes a Secret or SecretList; undefined for anything else (answered as JSON instead). */
export function encodeEnvelope(obj: K8sObject): Buffer | undefined {
  let raw: Buffer;
  if (obj.kind === 'Secret') raw = encodeSecret(obj);
  else if (obj.kind === 'SecretList') raw = encodeSecretList(obj);
  else return undefined;
  const typeMeta = new Writer().stringField(1, 'v1').stringField(2, obj.kind).finish();
  const unknown = new Writer().bytesField(1, typeMeta).bytesField(2, raw).finish();
  return Buffer.concat([MAGIC, unknown]);
}

// Weights on disk in the safetensors format (8-byte header length, JSON header, raw little-endian data).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { InputError, tensor, type DType, type Tensor, type TensorData } from '../engine/index.js';

const TO_ST: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  uint8: 'U8',
  bool: 'BOOL',
};
const FROM_ST: Record<string, DType> = Object.fromEntries(
  Object.entries(TO_ST).map(([k, v]) => [v, k as DType]),
);
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1, bool: 1 };

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** Writes atomically: a temporary file, fsync, then rename over the target. */
export function saveSafetensors(
  path: string,
  tensors: Map<string, Tensor>,
  metadata: Record<string, string> = {},
): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const d = t.data();
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    header[name] = {
      dtype: TO_ST[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data to 8 bytes
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, head);
    writeSync(fd, Buffer.from(json));
    for (const b of blobs) writeSync(fd, b);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Reads a safetensors file; every malformed part is an InputError naming the file. */
export function loadSafetensors(path: string, device?: string): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read: ${(e as Error).message}`);
  }
  if (buf.length < 8)
    throw new InputError(
      `${path}: truncated: expected an 8-byte header length, file holds ${buf.length} bytes`,
    );
  const n = Number(buf.readBigUInt64LE(0));
  if (n > buf.length - 8)
    throw new InputError(`${path}: truncated: header says ${n} bytes of JSON, file holds ${buf.length - 8}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new InputError(`${path}: not a safetensors file: the header is not JSON`);
  }
  const data = buf.subarray(8 + n);
  const tensors = new Map<string, Tensor>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as Entry;
    const dtype = FROM_ST[e.dtype];
    if (!dtype)
      throw new InputError(
        `${path}: "${name}": unsupported dtype "${e.dtype}"; expected one of ${Object.keys(FROM_ST).join(', ')}`,
      );
    const [start, end] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * BYTES[dtype] || end > data.length) {
      throw new InputError(
        `${path}: "${name}": expected ${count * BYTES[dtype]} bytes at [${start}, ${end}), file holds ${data.length} bytes of data`,
      );
    }
    tensors.set(
      name,
      tensor(typedView(dtype, data.subarray(start, end)), e.shape, {
        device,
        dtype: dtype === 'bool' ? 'bool' : undefined,
      }),
    );
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string> | undefined) ?? {} };
}

function typedView(dtype: DType, bytes: Uint8Array): TensorData {
  const copy = new Uint8Array(bytes); // aligned copy
  switch (dtype) {
    case 'float32':
      return new Float32Array(copy.buffer);
    case 'float64':
      return new Float64Array(copy.buffer);
    case 'int64':
      return new BigInt64Array(copy.buffer);
    case 'int32':
      return new Int32Array(copy.buffer);
    default:
      return copy;
  }
}

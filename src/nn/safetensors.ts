// Weights on disk in the safetensors format (8-byte header length, JSON header, raw little-endian data).
import { createHash } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { InputError, tensor, type DType, type Tensor, type TensorData } from '../engine/index.js';

type StoredDType = Exclude<DType, 'bfloat16'>; // genlab keeps weights in float32, bf16 runs included
const TO_ST: Record<StoredDType, string> = {
  float32: 'F32',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  uint8: 'U8',
  bool: 'BOOL',
};
const FROM_ST: Record<string, StoredDType> = Object.fromEntries(
  Object.entries(TO_ST).map(([k, v]) => [v, k as StoredDType]),
);
const BYTES: Record<StoredDType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1, bool: 1 };

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** The metadata key that holds SHA-256 digests of every tensor's bytes and of the other metadata. */
export const CHECKSUM_KEY = 'genlab.sha256';
// A second key that says the file is checksummed: damage to either key's name is then still caught.
const MARKER_KEY = 'genlab.checksummed';
const GENLAB_PREFIX = 'genlab.'; // metadata keys reserved for the two above

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** A tensor's digest covers its dtype and shape as well as its bytes. */
const tensorDigest = (dtype: string, shape: readonly number[], bytes: Uint8Array): string =>
  createHash('sha256')
    .update(`${dtype}${JSON.stringify(shape)}:`)
    .update(bytes)
    .digest('hex');

/** The digest of the metadata other than the checksums themselves (keys sorted). */
function metadataDigest(metadata: Record<string, string>): string {
  const keys = Object.keys(metadata)
    .filter((k) => k !== CHECKSUM_KEY)
    .sort();
  return sha256(JSON.stringify(keys.map((k) => [k, metadata[k]])));
}

/** Writes atomically: a temporary file, fsync, then rename over the target. With `checksums`, the
 * metadata also holds a SHA-256 of every tensor and of the rest of the metadata, which
 * loadSafetensors verifies. A failed write removes its temporary file. */
export function saveSafetensors(
  path: string,
  tensors: Map<string, Tensor>,
  metadata: Record<string, string> = {},
  options: { checksums?: boolean } = {},
): void {
  const reserved = Object.keys(metadata).find((k) => k.startsWith(GENLAB_PREFIX));
  if (reserved !== undefined)
    throw new Error(
      `saveSafetensors: metadata key ${JSON.stringify(reserved)} is reserved; expected keys outside "${GENLAB_PREFIX}", genlab's own`,
    );
  const header: Record<string, unknown> = { __metadata__: metadata };
  const blobs: Uint8Array[] = [];
  const sums: Record<string, string> = {};
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.dtype === 'bfloat16')
      throw new Error(
        `saveSafetensors: "${name}" is bfloat16; expected a dtype genlab stores (cast to float32)`,
      );
    const d = t.data();
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    header[name] = {
      dtype: TO_ST[t.dtype as StoredDType],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    if (options.checksums) sums[name] = tensorDigest(TO_ST[t.dtype as StoredDType], t.shape, bytes);
    blobs.push(bytes);
    offset += bytes.length;
  }
  if (options.checksums) {
    const meta = { ...metadata, [MARKER_KEY]: 'sha256' };
    sums.__metadata__ = metadataDigest(meta);
    header.__metadata__ = { ...meta, [CHECKSUM_KEY]: JSON.stringify(sums) };
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data to 8 bytes
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, head);
      writeAll(fd, Buffer.from(json));
      for (const b of blobs) writeAll(fd, b);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function writeAll(fd: number, b: Uint8Array): void {
  for (let at = 0; at < b.length;) at += writeSync(fd, b, at, b.length - at);
}

/** The `__metadata__` of a safetensors file, reading only its header (no tensors are made). */
export function readSafetensorsMetadata(path: string): Record<string, string> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`${path}: cannot read: ${(e as Error).message}`);
  }
  try {
    const head = Buffer.alloc(8);
    const got = readSync(fd, head, 0, 8, 0);
    if (got < 8)
      throw new InputError(`${path}: truncated: expected an 8-byte header length, file holds ${got} bytes`);
    const n = Number(head.readBigUInt64LE(0));
    if (n > 100_000_000)
      throw new InputError(`${path}: not a safetensors file: header length ${n} exceeds 100,000,000 bytes`);
    const json = Buffer.alloc(n);
    const read = readSync(fd, json, 0, n, 8);
    if (read < n)
      throw new InputError(`${path}: truncated: header says ${n} bytes of JSON, file holds ${read}`);
    return parseHeader(path, json).metadata;
  } finally {
    closeSync(fd);
  }
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The header's JSON, checked: tensor entries well formed, metadata a map of strings. */
function parseHeader(
  path: string,
  json: Uint8Array,
): { entries: Map<string, Entry>; metadata: Record<string, string> } {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(json).toString('utf8'));
  } catch {
    throw new InputError(`${path}: not a safetensors file: the header is not JSON`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new InputError(
      `${path}: not a safetensors file: expected a JSON object as header, got ${typeof header}`,
    );
  const entries = new Map<string, Entry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok =
        typeof raw === 'object' &&
        raw !== null &&
        !Array.isArray(raw) &&
        Object.values(raw).every((v) => typeof v === 'string');
      if (!ok)
        throw new InputError(`${path}: __metadata__: expected a map of strings, got ${JSON.stringify(raw)}`);
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as Partial<Entry> | null;
    const ok =
      typeof e === 'object' &&
      e !== null &&
      typeof e.dtype === 'string' &&
      Array.isArray(e.shape) &&
      e.shape.every(isCount) &&
      Array.isArray(e.data_offsets) &&
      e.data_offsets.length === 2 &&
      e.data_offsets.every(isCount) &&
      e.data_offsets[0] <= e.data_offsets[1];
    if (!ok)
      throw new InputError(
        `${path}: "${name}": expected {dtype, shape, data_offsets: [start, end]}, got ${JSON.stringify(raw)?.slice(0, 200)}`,
      );
    entries.set(name, e as Entry);
  }
  return { entries, metadata };
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
  const { entries, metadata } = parseHeader(path, buf.subarray(8, 8 + n));
  const data = buf.subarray(8 + n);
  const sums = checksums(path, metadata);
  const checked = new Map<string, { dtype: DType; bytes: Uint8Array; shape: number[] }>();
  for (const [name, e] of entries) {
    const dtype = Object.hasOwn(FROM_ST, e.dtype) ? FROM_ST[e.dtype] : undefined;
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
    const bytes = data.subarray(start, end);
    const digest = sums ? tensorDigest(e.dtype, e.shape, bytes) : '';
    if (sums && sums[name] !== digest)
      throw new InputError(
        `${path}: corrupt: tensor "${name}" fails its checksum; expected ${sums[name] ?? 'a checksum'}, got ${digest}`,
      );
    checked.set(name, { dtype, bytes, shape: e.shape });
  }
  if (sums) {
    const missing = Object.keys(sums).filter((k) => k !== '__metadata__' && !entries.has(k));
    if (missing.length)
      throw new InputError(
        `${path}: corrupt: tensor "${missing[0]}" is checksummed but missing from the header`,
      );
  }
  const tensors = new Map<string, Tensor>();
  for (const [name, c] of checked)
    tensors.set(
      name,
      tensor(typedView(c.dtype, c.bytes), c.shape, {
        device,
        dtype: c.dtype === 'bool' ? 'bool' : undefined,
      }),
    );
  return { tensors, metadata };
}

/** The checksums a file carries (verified for its metadata here), or null for a file without them. */
function checksums(path: string, metadata: Record<string, string>): Record<string, string> | null {
  // genlab writes no other key in its namespace (saveSafetensors refuses them): one is a damaged name,
  // such as the two keys above run together by a damaged separator, which would read as unchecksummed.
  const stray = Object.keys(metadata).find(
    (k) => k.startsWith(GENLAB_PREFIX) && k !== CHECKSUM_KEY && k !== MARKER_KEY,
  );
  if (stray !== undefined)
    throw new InputError(
      `${path}: corrupt: metadata key ${JSON.stringify(stray)} in genlab's namespace; expected only ${MARKER_KEY} and ${CHECKSUM_KEY}`,
    );
  if (!Object.hasOwn(metadata, CHECKSUM_KEY)) {
    if (Object.hasOwn(metadata, MARKER_KEY))
      throw new InputError(`${path}: corrupt: marked as checksummed, but ${CHECKSUM_KEY} is missing`);
    return null;
  }
  let sums: unknown;
  try {
    sums = JSON.parse(metadata[CHECKSUM_KEY]);
  } catch {
    sums = null;
  }
  if (typeof sums !== 'object' || sums === null || Array.isArray(sums))
    throw new InputError(`${path}: corrupt: ${CHECKSUM_KEY} is not a JSON map of digests`);
  const s = sums as Record<string, string>;
  if (s.__metadata__ !== metadataDigest(metadata))
    throw new InputError(
      `${path}: corrupt: the metadata (training state) fails its checksum; expected ${String(s.__metadata__)}, got ${metadataDigest(metadata)}`,
    );
  return s;
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

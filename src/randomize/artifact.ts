// Saving and loading a drawn randomization: a JSON record plus one little-endian binary file of arrays.
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../engine/index.js';
import { digest, type RandomizationArtifact, type SplitDraw } from './draw.js';
import { parseRandomization } from './spec.js';

export const ARTIFACT_JSON = 'randomization.json';
export const ARTIFACT_BIN = 'randomization.bin';
const FORMAT = 'genlab-randomization/1';

type ArrayKind = 'uint8' | 'uint16' | 'int32';
type Typed = Uint8Array | Uint16Array | Int32Array;
interface ArrayRef {
  kind: ArrayKind;
  offset: number;
  length: number;
}
const CTOR = { uint8: Uint8Array, uint16: Uint16Array, int32: Int32Array } as const;

/** Packs arrays (4-byte aligned) and returns their refs. */
function pack(arrays: Record<string, Typed | null>): { bytes: Uint8Array; refs: Record<string, ArrayRef> } {
  const refs: Record<string, ArrayRef> = {};
  let size = 0;
  for (const [name, a] of Object.entries(arrays)) {
    if (a === null) continue;
    const kind: ArrayKind = a instanceof Uint8Array ? 'uint8' : a instanceof Uint16Array ? 'uint16' : 'int32';
    refs[name] = { kind, offset: size, length: a.length };
    size += Math.ceil(a.byteLength / 4) * 4;
  }
  const bytes = new Uint8Array(size);
  for (const [name, a] of Object.entries(arrays)) {
    if (a !== null) bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), refs[name].offset);
  }
  return { bytes, refs };
}

const stripArrays = (d: SplitDraw | null): Omit<SplitDraw, 'labels' | 'corrupted'> | null =>
  d === null
    ? null
    : {
        count: d.count,
        labelDigest: d.labelDigest,
        labelChangedFraction: d.labelChangedFraction,
        pixelSeed: d.pixelSeed,
        pixelCheck: d.pixelCheck,
      };

/** Writes one file whole, or leaves the old one (the run directory's atomic, fsync'd, disk-full-safe write). */
export type WriteFile = (file: string, data: string | Uint8Array) => void;

/** Writes dir/randomization.bin then dir/randomization.json through `write`: the JSON last, so its presence means complete. */
export function saveArtifact(dir: string, a: RandomizationArtifact, write: WriteFile): void {
  mkdirSync(dir, { recursive: true });
  const { bytes, refs } = pack({
    trainLabels: a.train.labels,
    trainCorrupted: a.train.corrupted,
    testLabels: a.test?.labels ?? null,
    testCorrupted: a.test?.corrupted ?? null,
    pixelPermutation: a.pixelPermutation,
  });
  write(path.join(dir, ARTIFACT_BIN), bytes);
  const record = {
    format: FORMAT,
    spec: a.spec,
    labelChangedFraction: a.labelChangedFraction,
    dataset: a.dataset,
    chunk: a.chunk,
    train: stripArrays(a.train),
    test: stripArrays(a.test),
    gaussian: a.gaussian,
    binary: { file: ARTIFACT_BIN, bytes: bytes.length, digest: digest(bytes), arrays: refs },
  };
  write(path.join(dir, ARTIFACT_JSON), JSON.stringify(record, null, 1) + '\n');
}

type Json = Record<string, unknown>;
function field<T>(
  obj: unknown,
  key: string,
  where: string,
  check: (v: unknown) => boolean,
  expected: string,
): T {
  const v = typeof obj === 'object' && obj !== null ? (obj as Json)[key] : undefined;
  if (!check(v))
    throw new InputError(
      `${where}: field "${key}": expected ${expected}, got ${JSON.stringify(v) ?? 'nothing'}`,
    );
  return v as T;
}
const isInt = (v: unknown): boolean => Number.isSafeInteger(v);
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isNumArray = (v: unknown): boolean => Array.isArray(v) && v.every(isNum);
const orNull =
  (f: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === null || f(v);

function readArray(bin: Uint8Array, refs: Json, name: string, where: string): Typed | null {
  const ref = refs[name] as ArrayRef | undefined;
  if (ref === undefined) return null;
  const ok =
    ref && ref.kind in CTOR && isInt(ref.offset) && isInt(ref.length) && ref.offset >= 0 && ref.length >= 0;
  const bytes = ok ? ref.length * CTOR[ref.kind].BYTES_PER_ELEMENT : 0;
  if (!ok || ref.offset + bytes > bin.length)
    throw new InputError(
      `${where}: array "${name}" does not fit the binary file; expected offset+size ≤ ${bin.length}, got ${JSON.stringify(ref)}`,
    );
  const copy = bin.slice(ref.offset, ref.offset + bytes);
  return new CTOR[ref.kind](copy.buffer, 0, ref.length);
}

function readDraw(obj: unknown, bin: Uint8Array, refs: Json, name: string, where: string): SplitDraw {
  const w = `${where}: ${name}`;
  const d = {
    count: field<number>(obj, 'count', w, isInt, 'an integer'),
    labelDigest: field<number>(obj, 'labelDigest', w, isInt, 'an integer'),
    labelChangedFraction: field<number>(obj, 'labelChangedFraction', w, isNum, 'a number'),
    pixelSeed: field<number | null>(obj, 'pixelSeed', w, orNull(isInt), 'an integer or null'),
    pixelCheck: field<number[] | null>(
      obj,
      'pixelCheck',
      w,
      orNull(isNumArray),
      'an array of numbers or null',
    ),
    labels: readArray(bin, refs, `${name}Labels`, where) as Uint16Array | null,
    corrupted: readArray(bin, refs, `${name}Corrupted`, where) as Uint8Array | null,
  };
  for (const k of ['labels', 'corrupted'] as const) {
    if (d[k] !== null && d[k]!.length !== d.count)
      throw new InputError(`${where}: ${name}.${k} holds ${d[k]!.length} values; expected ${d.count}`);
  }
  return d;
}

/** The permutation is one, and every new label names a class. */
function checkValues(a: RandomizationArtifact, file: string): void {
  const p = a.pixelPermutation;
  if (p !== null) {
    const seen = new Uint8Array(p.length);
    for (const v of p) {
      if (v < 0 || v >= p.length || seen[v])
        throw new InputError(
          `${file}: pixelPermutation is not a permutation of 0..${p.length - 1}; got ${v} twice or out of range`,
        );
      seen[v] = 1;
    }
  }
  for (const [name, d] of [
    ['train', a.train],
    ['test', a.test],
  ] as const) {
    const bad = d?.labels?.find((l) => l >= a.dataset.classes);
    if (bad !== undefined)
      throw new InputError(
        `${file}: ${name} label ${bad} is outside the ${a.dataset.classes} classes; expected 0..${a.dataset.classes - 1}`,
      );
  }
}

/** Reads and validates an artifact saved by saveArtifact; every problem is an InputError naming the file. */
export function loadArtifact(dir: string): RandomizationArtifact {
  const file = path.join(dir, ARTIFACT_JSON);
  if (!existsSync(file))
    throw new InputError(`${file}: not found; expected a randomization saved with the run`);
  let rec: Json;
  try {
    rec = JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  field(rec, 'format', file, (v) => v === FORMAT, `"${FORMAT}"`);
  let spec;
  try {
    spec = parseRandomization(
      field(rec, 'spec', file, (v) => typeof v === 'object' && v !== null, 'an object'),
    );
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}`);
  }
  const binary = field<Json>(rec, 'binary', file, (v) => typeof v === 'object' && v !== null, 'an object');
  const binFile = path.join(dir, ARTIFACT_BIN);
  if (!existsSync(binFile)) throw new InputError(`${binFile}: not found; expected the arrays of ${file}`);
  const bin = new Uint8Array(readFileSync(binFile));
  if (bin.length !== binary.bytes || digest(bin) !== binary.digest) {
    throw new InputError(
      `${binFile}: does not match ${ARTIFACT_JSON}; expected ${String(binary.bytes)} bytes with digest ${String(binary.digest)}, got ${bin.length} bytes with digest ${digest(bin)}`,
    );
  }
  const refs = field<Json>(binary, 'arrays', file, (v) => typeof v === 'object' && v !== null, 'an object');
  const dataset = field<RandomizationArtifact['dataset']>(
    rec,
    'dataset',
    file,
    (v) => typeof v === 'object' && v !== null,
    'an object',
  );
  field(
    dataset,
    'shape',
    `${file}: dataset`,
    (v) => isNumArray(v) && (v as number[]).length === 3,
    '[C, H, W]',
  );
  field(dataset, 'classes', `${file}: dataset`, isInt, 'an integer');
  const gaussian = field<RandomizationArtifact['gaussian']>(
    rec,
    'gaussian',
    file,
    (v) =>
      v === null ||
      (isNumArray((v as Json).mean) &&
        isNumArray((v as Json).std) &&
        [undefined, true, false].includes((v as Json).perPixel as boolean | undefined)),
    'null or { mean, std, perPixel? }',
  );
  const a: RandomizationArtifact = {
    spec,
    labelChangedFraction: field<number>(rec, 'labelChangedFraction', file, isNum, 'a number'),
    dataset,
    chunk: field<number>(rec, 'chunk', file, (v) => isInt(v) && (v as number) > 0, 'a positive integer'),
    train: readDraw(rec.train, bin, refs, 'train', file),
    test: rec.test === null ? null : readDraw(rec.test, bin, refs, 'test', file),
    pixelPermutation: readArray(bin, refs, 'pixelPermutation', file) as Int32Array | null,
    gaussian,
  };
  if (
    spec.inputs === 'shuffled-pixels' &&
    a.pixelPermutation?.length !== dataset.shape[1] * dataset.shape[2]
  ) {
    throw new InputError(
      `${file}: shuffled-pixels needs a permutation of ${dataset.shape[1] * dataset.shape[2]} positions; got ${a.pixelPermutation?.length ?? 'none'}`,
    );
  }
  checkValues(a, file);
  if (spec.inputs === 'gaussian' && gaussian === null)
    throw new InputError(
      `${file}: field "gaussian": expected the statistics of a gaussian randomization, got null`,
    );
  return a;
}

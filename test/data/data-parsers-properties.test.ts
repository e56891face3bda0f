// Property tests of the IDX and CIFAR-binary parsers: random and mutated bytes, raw or gzip'd, end in an
// InputError naming the file or in exactly the result an independent reference decoder reads from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { InputError, Rng } from '../../src/engine/index.js';
import { encodeIdx, parseIdx, readIdx } from '../../src/data/idx.js';
import { encodeCifar, parseCifar, readCifar, type CifarFormat } from '../../src/data/cifar.js';
import { mutated, unaligned } from '../support/mutations.js';
import { tempDir } from '../support/temp.js';

type Expected<T> = { error: RegExp } | { value: T };

/** Runs parse and checks it against the reference: the same error (an InputError) or the same value. */
function agree<T>(expected: Expected<T>, parse: () => T, same: (got: T, want: T) => void): void {
  if ('error' in expected) {
    assert.throws(parse, (e: Error) => {
      assert.ok(e instanceof InputError, `not an InputError: ${e.stack}`);
      assert.match(e.message, expected.error);
      assert.ok(!e.message.includes('\n'), 'a one-line message');
      return true;
    });
  } else same(parse(), expected.value);
}
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const fails = (where: string, what: string): { error: RegExp } => ({
  error: new RegExp(`^${escape(where)}: ${what}`),
});

/** What reading a stored file yields: gunzipped when it starts with the gzip magic, else as it is. */
function stored<T>(bytes: Uint8Array, file: string, decode: (b: Uint8Array) => Expected<T>): Expected<T> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return decode(bytes);
  let inflated: Uint8Array;
  try {
    inflated = new Uint8Array(gunzipSync(bytes));
  } catch {
    return fails(file, 'not a valid gzip stream \\(.*\\); expected a complete \\.gz file$');
  }
  return decode(inflated);
}

/** Deterministic pixel bytes (fast-check drawing 3,072 bytes one by one would dominate the run time). */
function pixels(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

// ---- IDX ----

interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** The IDX reference decoder, written from LeCun's description of the format, not from src/data/idx.ts. */
function decodeIdx(b: Uint8Array, where: string, ndim: number): Expected<Idx> {
  if (b.length < 4) return fails(where, 'truncated: ');
  if (b[0] !== 0 || b[1] !== 0) return fails(where, 'bad magic number; ');
  if (b[2] !== 8) return fails(where, 'wrong dtype; ');
  if (b[3] !== ndim) return fails(where, `wrong number of dimensions; expected ${ndim}, got ${b[3]}`);
  const header = 4 + 4 * ndim;
  if (b.length < header) return fails(where, 'truncated: ');
  const dims = Array.from({ length: ndim }, (_, i) =>
    [0, 1, 2, 3].reduce((v, k) => v * 256 + b[4 + 4 * i + k], 0),
  );
  if (dims[0] === 0) return fails(where, 'empty: ');
  const item = dims.slice(1).reduce((a, d) => a * d, 1);
  if (item === 0) return fails(where, 'empty items: ');
  const body = b.length - header;
  if (body < dims[0] * item) return fails(where, 'truncated: header says ');
  if (body > dims[0] * item) return fails(where, 'trailing bytes: header says ');
  return { value: { dims, data: b.slice(header) } };
}

const sameIdx = (got: Idx, want: Idx): void => {
  assert.deepEqual(got.dims, want.dims);
  assert.deepEqual(Buffer.from(got.data), Buffer.from(want.data));
};

const idxDims = (ndim: 1 | 3): fc.Arbitrary<number[]> =>
  ndim === 1
    ? fc.tuple(fc.integer({ min: 1, max: 60 }))
    : fc.tuple(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
      );
const validIdx = (ndim: 1 | 3): fc.Arbitrary<Uint8Array> =>
  fc.tuple(idxDims(ndim), fc.nat()).map(([dims, seed]) =>
    encodeIdx(
      dims,
      pixels(
        dims.reduce((a, d) => a * d, 1),
        seed,
      ),
    ),
  );
const idxInputs = (ndim: 1 | 3): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { arbitrary: mutated(validIdx(ndim), 4 + 4 * ndim), weight: 6 },
    { arbitrary: fc.uint8Array({ maxLength: 48 }), weight: 1 },
    // random bytes behind a valid magic number reach the dimension checks
    {
      arbitrary: fc.uint8Array({ maxLength: 48 }).map((r) => Uint8Array.from([0, 0, 8, ndim, ...r])),
      weight: 2,
    },
  );

test('IDX: valid files round-trip, at any alignment', () => {
  for (const ndim of [1, 3] as const) {
    fc.assert(
      fc.property(idxDims(ndim), fc.nat(), fc.nat({ max: 3 }), (dims, seed, offset) => {
        const data = pixels(
          dims.reduce((a, d) => a * d, 1),
          seed,
        );
        sameIdx(parseIdx(unaligned(encodeIdx(dims, data), offset), 'f', ndim), { dims, data });
      }),
      { numRuns: 500 },
    );
  }
});

test('IDX: random and mutated bytes give the reference decoder’s error or its result', () => {
  for (const ndim of [1, 3] as const) {
    const where = `data/t10k-${ndim === 1 ? 'labels-idx1' : 'images-idx3'}-ubyte`;
    fc.assert(
      fc.property(idxInputs(ndim), fc.nat({ max: 3 }), (bytes, offset) => {
        agree(decodeIdx(bytes, where, ndim), () => parseIdx(unaligned(bytes, offset), where, ndim), sameIdx);
      }),
      { numRuns: 3000 },
    );
  }
});

test('IDX: gzip’d files, intact or damaged, read as their bytes say or fail naming the file', () => {
  const dir = tempDir('genlab-idx-prop-');
  try {
    let run = 0;
    const gzipped = fc.oneof(
      validIdx(3).map((b) => gzipSync(b)),
      mutated(
        validIdx(3).map((b) => new Uint8Array(gzipSync(b))),
        10,
      ),
    );
    fc.assert(
      fc.property(gzipped, (gz) => {
        const file = path.join(dir, `f${run++}.gz`);
        writeFileSync(file, gz);
        agree(
          stored(gz, file, (b) => decodeIdx(b, file, 3)),
          () => readIdx(file, 3),
          sameIdx,
        );
        rmSync(file);
      }),
      { numRuns: 600 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- CIFAR binary ----

const FORMATS: Record<string, CifarFormat> = {
  cifar10: { labelBytes: 1, labelIndex: 0, classes: 10, imageBytes: 3072 },
  cifar100fine: { labelBytes: 2, labelIndex: 1, classes: 100, imageBytes: 3072 },
  cifar100coarse: { labelBytes: 2, labelIndex: 0, classes: 20, imageBytes: 3072 },
};

interface Records {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

/** The CIFAR reference decoder, from the data set's description: records of label byte(s) then 3,072 pixels. */
function decodeCifar(b: Uint8Array, where: string, f: CifarFormat): Expected<Records> {
  const record = f.labelBytes + 3072;
  if (b.length === 0) return fails(where, 'empty; ');
  if (b.length % record !== 0) return fails(where, `truncated: ${b.length} bytes is not a whole number`);
  const count = b.length / record;
  const labels = new Uint8Array(count);
  const images = new Uint8Array(count * 3072);
  for (let i = 0; i < count; i++) {
    labels[i] = b[i * record + f.labelIndex];
    if (labels[i] >= f.classes) return fails(where, `label ${labels[i]} in record ${i} is outside`);
    for (let p = 0; p < 3072; p++) images[i * 3072 + p] = b[i * record + f.labelBytes + p];
  }
  return { value: { count, images, labels } };
}

const sameRecords = (got: Records, want: Records): void => {
  assert.equal(got.count, want.count);
  assert.deepEqual(Buffer.from(got.labels), Buffer.from(want.labels));
  assert.ok(Buffer.from(got.images).equals(Buffer.from(want.images)), 'images differ');
};

/** 1 to 3 valid records: label bytes in range for the format (both bytes for CIFAR-100), then pixels. */
const validCifar = (f: CifarFormat): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat({ max: 19 }), fc.nat({ max: 99 })), { minLength: 1, maxLength: 3 }),
      fc.nat(),
    )
    .map(([ls, seed]) =>
      encodeCifar(
        ls.map(([coarse, fine]) => (f.labelBytes === 1 ? [coarse % 10] : [coarse, fine])),
        pixels(ls.length * 3072, seed),
      ),
    );

/** Damage aimed at the label bytes, where a parser could read a wrong class silently. */
const labelDamage = (f: CifarFormat): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(validCifar(f), fc.nat(), fc.nat({ max: f.labelBytes - 1 }), fc.nat({ max: 255 }))
    .map(([b, r, k, v]) => {
      const out = b.slice();
      out[(r % (b.length / (f.labelBytes + 3072))) * (f.labelBytes + 3072) + k] = v;
      return out;
    });

const cifarInputs = (f: CifarFormat): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { arbitrary: mutated(validCifar(f), 2), weight: 4 },
    { arbitrary: labelDamage(f), weight: 3 },
    { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 1 },
  );

test('CIFAR: random and mutated records give the reference decoder’s error or its result', () => {
  for (const [name, f] of Object.entries(FORMATS)) {
    const where = `${name}/data_batch_1.bin`;
    fc.assert(
      fc.property(cifarInputs(f), fc.nat({ max: 3 }), (bytes, offset) => {
        agree(
          decodeCifar(bytes, where, f),
          () => parseCifar(unaligned(bytes, offset), where, f),
          sameRecords,
        );
      }),
      { numRuns: 1000 },
    );
  }
});

test('CIFAR: several files, raw or gzip’d, one of them perhaps damaged, read in order or fail naming it', () => {
  const f = FORMATS.cifar10;
  const dir = tempDir('genlab-cifar-prop-');
  try {
    let run = 0;
    const file = fc.tuple(cifarInputs(f), fc.boolean());
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 3 }), (files) => {
        const paths = files.map((_, i) => path.join(dir, `r${run}-batch_${i}.bin`));
        run++;
        const parts = files.map(([bytes, gz], i) => {
          const content = gz ? new Uint8Array(gzipSync(bytes)) : bytes;
          writeFileSync(paths[i], content);
          return stored(content, paths[i], (b) => decodeCifar(b, paths[i], f));
        });
        const failed = parts.find((p) => 'error' in p);
        const expected: Expected<Records> = failed ?? {
          value: concat(parts.map((p) => (p as { value: Records }).value)),
        };
        agree(expected, () => readCifar(paths, f), sameRecords);
        for (const p of paths) rmSync(p);
      }),
      { numRuns: 300 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function concat(parts: Records[]): Records {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const images = Buffer.concat(parts.map((p) => p.images));
  const labels = Buffer.concat(parts.map((p) => p.labels));
  return { count, images: new Uint8Array(images), labels: new Uint8Array(labels) };
}

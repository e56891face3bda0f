// Property tests of the safetensors reader: random and mutated files end in an InputError naming the file or
// in a valid result — never another exception, a crash or a hang; a checksummed file never loads altered.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { InputError, liveTensors, scope, tensor, type Tensor } from '../engine/index.js';
import { loadSafetensors, readSafetensorsMetadata, saveSafetensors } from './safetensors.js';
import { tempDir } from '../../test/support/temp.js';

const dir = tempDir('genlab-st-prop-');
const file = path.join(dir, 'x.safetensors');

type Plain = { name: string; dtype: 'float32' | 'int64' | 'uint8'; shape: number[]; values: number[] };

const tensorArb: fc.Arbitrary<Plain> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== '__metadata__'),
    dtype: fc.constantFrom('float32' as const, 'int64' as const, 'uint8' as const),
    shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
  })
  .chain((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    return fc
      .array(fc.integer({ min: 0, max: 200 }), { minLength: n, maxLength: n })
      .map((values) => ({ ...t, values }));
  });

const fileArb = fc.record({
  tensors: fc.uniqueArray(tensorArb, { maxLength: 4, selector: (t) => t.name }),
  metadata: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 12 }), {
    maxKeys: 3,
    noNullPrototype: true,
  }),
  checksums: fc.boolean(),
});

/** Ways to damage a file: flip bytes, cut it, splice random bytes in, or overwrite a stretch. */
const mutationArb = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
    n: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant('write' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(b: Buffer, m: Mutation): Buffer {
  const at = b.length ? m.at % b.length : 0;
  switch (m.kind) {
    case 'flip': {
      const c = Buffer.from(b);
      for (let i = 0; i < m.n && at + i < c.length; i++) c[at + i] ^= 1 << m.bit;
      return c;
    }
    case 'cut':
      return b.subarray(0, at);
    case 'splice':
      return Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    case 'write': {
      const c = Buffer.from(b);
      c.set(m.bytes.subarray(0, Math.max(0, c.length - at)), at);
      return c;
    }
  }
}

function write(p: typeof fileArb extends fc.Arbitrary<infer F> ? F : never): Buffer {
  scope(() => {
    const m = new Map<string, Tensor>(
      p.tensors.map((t) => [
        t.name,
        tensor(t.dtype === 'int64' ? BigInt64Array.from(t.values.map(BigInt)) : t.values, t.shape, {
          dtype: t.dtype,
        }),
      ]),
    );
    saveSafetensors(file, m, p.metadata, { checksums: p.checksums });
  });
  return readFileSync(file);
}

/** Loads; returns the file's content as plain data, or null after an InputError that names the file. */
function tryLoad(): {
  tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
  metadata: Record<string, string>;
} | null {
  try {
    return scope(() => {
      const f = loadSafetensors(file);
      const tensors = Object.fromEntries(
        [...f.tensors].map(([k, t]) => [
          k,
          { dtype: t.dtype, shape: [...t.shape], values: t.toArray().map(Number) },
        ]),
      );
      for (const t of f.tensors.values()) t.dispose();
      return { tensors, metadata: f.metadata };
    });
  } catch (e) {
    assert.ok(e instanceof InputError, `not an InputError: ${(e as Error).stack}`);
    assert.ok((e as Error).message.startsWith(`${file}: `), (e as Error).message);
    return null;
  }
}

test('safetensors: 2,000 mutated files load exactly as written or fail with an InputError naming the file', () => {
  const before = liveTensors();
  fc.assert(
    fc.property(fileArb, mutationArb, (p, m) => {
      const original = write(p);
      const expected = tryLoad();
      assert.ok(expected, 'an undamaged file loads');
      const meta = Object.entries(expected.metadata).filter(([k]) => !k.startsWith('genlab.'));
      assert.deepEqual(Object.fromEntries(meta), p.metadata);
      writeFileSync(file, mutate(original, m));
      const got = tryLoad();
      if (got && p.checksums) {
        assert.deepEqual(got.tensors, expected.tensors, 'a checksummed file never loads altered');
        assert.deepEqual(got.metadata, expected.metadata);
      }
      try {
        readSafetensorsMetadata(file);
      } catch (e) {
        assert.ok(e instanceof InputError, `readSafetensorsMetadata: ${(e as Error).stack}`);
      }
    }),
    { numRuns: 2000 },
  );
  assert.equal(liveTensors(), before);
});

test('safetensors: 2,000 random byte strings and random headers fail with an InputError (or load), never crash', () => {
  const before = liveTensors();
  const header = fc.oneof(
    fc.json(),
    fc
      .dictionary(
        fc.string({ maxLength: 5 }),
        fc.record(
          {
            dtype: fc.constantFrom('F32', 'I64', 'U8', 'BOOL', 'X', ''),
            shape: fc.array(fc.oneof(fc.nat(5), fc.double(), fc.constant(-1))),
            data_offsets: fc.array(fc.oneof(fc.nat(64), fc.constant(-3), fc.double()), { maxLength: 3 }),
          },
          { requiredKeys: [] },
        ),
      )
      .map((h) => JSON.stringify(h)),
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.tuple(header, fc.uint8Array({ maxLength: 64 })).map(([h, data]) => {
          const json = Buffer.from(h);
          const len = Buffer.alloc(8);
          len.writeBigUInt64LE(BigInt(json.length));
          return Buffer.concat([len, json, data]);
        }),
      ),
      (bytes) => {
        writeFileSync(file, bytes);
        tryLoad();
      },
    ),
    { numRuns: 2000 },
  );
  assert.equal(liveTensors(), before);
});

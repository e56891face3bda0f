// Weights in the safetensors format: genlab's round trip, and a file written by the PyTorch fixture script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Generator, InputError, tensor, type Tensor } from '../../src/engine/index.js';
import { Linear, loadSafetensors, saveSafetensors } from '../../src/nn/index.js';
import { assertClose, fixturePath, get, leakFree } from '../support/helpers.js';
import { tempDir } from '../support/temp.js';

function withTempDir(fn: (dir: string) => void): void {
  const dir = tempDir('genlab-st-');
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('save then load keeps names, dtypes, shapes, values and metadata', () => {
  withTempDir((dir) =>
    leakFree(() => {
      const file = path.join(dir, 'w.safetensors');
      const tensors = new Map<string, Tensor>([
        ['a.f32', tensor([1.5, -2, 3.25, 4, 5, 6], [2, 3])],
        ['b.f64', tensor([Math.PI, Math.E], [2], { dtype: 'float64' })],
        ['c.i64', tensor(BigInt64Array.from([-(2n ** 40n), 7n]))],
        ['d.i32', tensor(Int32Array.from([1, -1, 3]))],
        ['e.u8', tensor(Uint8Array.from([0, 255]), [1, 2])],
        ['f.bool', tensor(Uint8Array.from([1, 0, 1]), [3], { dtype: 'bool' })],
        ['g.scalar', tensor([42], [])],
      ]);
      saveSafetensors(file, tensors, { note: 'round trip' });
      const back = loadSafetensors(file);
      assert.deepEqual(back.metadata, { note: 'round trip' });
      assert.deepEqual([...back.tensors.keys()], [...tensors.keys()]);
      for (const [k, t] of tensors) {
        const u = get(back.tensors, k);
        assert.equal(u.dtype, t.dtype, `${k}: dtype`);
        assert.deepEqual(u.shape, t.shape, `${k}: shape`);
        assert.deepEqual(u.data(), t.data(), `${k}: values`);
      }
    }),
  );
});

test("a module's state dict survives a save and load into a fresh module", () => {
  withTempDir((dir) =>
    leakFree(() => {
      const file = path.join(dir, 'linear.safetensors');
      const a = new Linear(5, 3, { generator: new Generator(1) });
      const b = new Linear(5, 3, { generator: new Generator(2) });
      try {
        saveSafetensors(file, a.stateDict());
        b.loadStateDict(loadSafetensors(file).tensors);
        for (const [k, t] of a.stateDict()) assertClose(b.stateDict().get(k)!.detach(), t.detach(), k, 0, 0);
      } finally {
        a.dispose();
        b.dispose();
      }
    }),
  );
});

test('a file written by the PyTorch script (by hand, 1.13 has no safetensors) loads', () => {
  leakFree(() => {
    const f = loadSafetensors(fixturePath('ops.safetensors'));
    assert.match(f.metadata.torch ?? '', /^1\.13/);
    const r = get(f.tensors, 'check.arange_f64');
    assert.equal(r.dtype, 'float64');
    assert.deepEqual(r.shape, [2, 3]);
    assert.deepEqual(r.toArray(), [0, 1, 2, 3, 4, 5]);
    const m = get(f.tensors, 'check.mask');
    assert.equal(m.dtype, 'bool');
    assert.deepEqual(m.toArray(), [1, 0, 1]);
    assert.equal(get(f.tensors, 'linear.in.x').dtype, 'float32');
  });
});

test('malformed files are InputErrors naming the file', () => {
  withTempDir((dir) => {
    const short = path.join(dir, 'short.safetensors');
    writeFileSync(short, Buffer.from([1, 2, 3, 4]));
    assert.throws(
      () => loadSafetensors(short),
      (e: unknown) =>
        e instanceof InputError &&
        e.message === `${short}: truncated: expected an 8-byte header length, file holds 4 bytes`,
    );
    const lying = path.join(dir, 'lying.safetensors');
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(100n);
    writeFileSync(lying, Buffer.concat([head, Buffer.from('{}')]));
    assert.throws(() => loadSafetensors(lying), {
      message: `${lying}: truncated: header says 100 bytes of JSON, file holds 2`,
    });
  });
});

test("a checksummed file whose two checksum keys a damaged separator ran together is corrupt, not unchecksummed; genlab's keys are reserved", () => {
  withTempDir((dir) => {
    leakFree(() => {
      const file = path.join(dir, 'merged.safetensors');
      const t = tensor([0, 0, 0], [3], { dtype: 'uint8' });
      saveSafetensors(file, new Map([['0', t]]), {}, { checksums: true });
      // The counterexample fast-check found: spaces and '#' written over `":"sha256","` between the keys.
      const b = readFileSync(file);
      const at = b.indexOf('genlab.checksummed') + 'genlab.checksummed'.length;
      b.set(Buffer.from('    # #     '), at);
      writeFileSync(file, b);
      assert.throws(
        () => loadSafetensors(file),
        (e: unknown) =>
          e instanceof InputError &&
          e.message ===
            `${file}: corrupt: metadata key "genlab.checksummed    # #     genlab.sha256" in genlab's namespace; expected only genlab.checksummed and genlab.sha256`,
      );
      assert.throws(() => saveSafetensors(file, new Map([['0', t]]), { 'genlab.note': 'x' }), {
        message:
          'saveSafetensors: metadata key "genlab.note" is reserved; expected keys outside "genlab.", genlab\'s own',
      });
      t.dispose();
    });
  });
});

// The paper's randomizations: parsing, effective corruption, permutations, Gaussian moments, artifacts, determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Generator, InputError, Tensor, arange, liveTensors, randn, scope, tensor } from '../engine/index.js';
import { disposeDataset, type LoadedDataset } from '../data/index.js';
import { defaultPreprocess } from '../data/preprocess.js';
import { writeAtomic } from '../store/files.js';
import {
  applyRandomization,
  drawRandomization,
  loadArtifact,
  parseRandomization,
  saveArtifact,
  type RandomizationSpec,
} from './index.js';
import { tempDir } from '../../test/support/temp.js';

/** A data set made of given tensors (k classes, labels i mod k). The caller disposes it. */
function synthetic(images: Tensor, testImages: Tensor, k = 10): LoadedDataset {
  const labels = (n: number): Tensor =>
    scope(() => tensor(Int32Array.from({ length: n }, (_, i) => (i * 7) % k)).to('int64'));
  const [, c, h, w] = images.shape;
  return {
    name: 'synthetic',
    classes: Array.from({ length: k }, (_, i) => `c${i}`),
    shape: [c, h, w],
    train: { images, labels: labels(images.shape[0]) },
    test: { images: testImages, labels: labels(testImages.shape[0]) },
    preprocessing: defaultPreprocess('synthetic'),
    source: { dir: '/none', trainIndices: null, testIndices: null },
  };
}
const noise = (n: number, seed: number, shape = [1, 4, 4]): Tensor =>
  randn([n, ...shape], { generator: new Generator(seed) });
const spec = (s: Partial<RandomizationSpec>): RandomizationSpec => parseRandomization(s);
const same = (a: Tensor, b: Tensor): boolean =>
  scope(() => a.shape.join() === b.shape.join() && a.eq(b).logicalNot().countNonzero().item() === 0);

test('parseRandomization fills defaults and names the key in every error', () => {
  assert.deepEqual(parseRandomization({}), {
    labels: 'true',
    corruption: 'uniform',
    inputs: 'true',
    gaussianStats: 'per-channel',
    corruptTest: false,
    seed: 0,
  });
  const cases: [Record<string, unknown>, string][] = [
    [
      { sed: 1 },
      'randomize: unknown key "sed"; expected one of labels, corruption, inputs, gaussianStats, corruptTest, seed; did you mean "seed"?',
    ],
    [
      { inputs: 'shuffled-pixel' },
      'randomize.inputs: unknown value "shuffled-pixel"; expected one of true, shuffled-pixels, random-pixels, gaussian; did you mean "shuffled-pixels"?',
    ],
    [
      { labels: 'rnadom' },
      'randomize.labels: unknown value "rnadom"; expected one of true, random, corrupted:0.2; did you mean "random"?',
    ],
    [
      { labels: 'corrupted:1.5' },
      'randomize.labels: bad corruption level "1.5"; expected a number in [0, 1], e.g. corrupted:0.2',
    ],
    [
      { corruption: 'wrong' },
      'randomize.corruption: unknown value "wrong"; expected one of uniform, wrong-class',
    ],
    [{ seed: -1 }, 'randomize.seed: expected a non-negative integer, got -1'],
    [{ corruptTest: 'yes' }, 'randomize.corruptTest: expected true or false, got "yes"'],
  ];
  for (const [partial, message] of cases) {
    assert.throws(
      () => parseRandomization(partial as Partial<RandomizationSpec>),
      (e: Error) => e instanceof InputError && e.message === message,
    );
  }
});

test('label corruption: ≈ p·(k−1)/k changed for uniform, exactly the mask (≈ p) for wrong-class; test set untouched', () => {
  const before = liveTensors();
  const ds = synthetic(noise(20000, 1), noise(100, 2));
  const u = drawRandomization(ds, spec({ labels: 'corrupted:0.4', seed: 3 }));
  assert.ok(
    Math.abs(u.labelChangedFraction - 0.4 * 0.9) < 0.015,
    `uniform changed ${u.labelChangedFraction}`,
  );
  const masked = u.train.corrupted!.reduce((a, b) => a + b, 0) / 20000;
  assert.ok(Math.abs(masked - 0.4) < 0.015, `mask ${masked}`);
  const w = drawRandomization(ds, spec({ labels: 'corrupted:0.4', corruption: 'wrong-class', seed: 3 }));
  assert.ok(Math.abs(w.labelChangedFraction - 0.4) < 0.015, `wrong-class changed ${w.labelChangedFraction}`);
  const old = scope(() => ds.train.labels.toArray());
  w.train.labels!.forEach((l, i) => assert.equal(l !== old[i], w.train.corrupted![i] === 1));
  const r = drawRandomization(ds, spec({ labels: 'random', seed: 3 }));
  assert.ok(Math.abs(r.labelChangedFraction - 0.9) < 0.015);
  assert.equal(drawRandomization(ds, spec({})).labelChangedFraction, 0);
  const applied = applyRandomization(ds, u);
  assert.deepEqual(
    scope(() => applied.train.labels.toArray()),
    [...u.train.labels!],
  );
  assert.ok(
    same(applied.test.labels, ds.test.labels) && same(applied.test.images, ds.test.images),
    'test set untouched by default',
  );
  assert.ok(same(applied.train.images, ds.train.images));
  assert.equal(u.test, null);
  const t = drawRandomization(ds, spec({ labels: 'random', corruptTest: true, seed: 3 }));
  const appliedT = applyRandomization(ds, t);
  assert.ok(!same(appliedT.test.labels, ds.test.labels), '--corrupt-test reaches the test set');
  [applied, appliedT, ds].forEach(disposeDataset);
  assert.equal(liveTensors(), before);
});

test('the same seed draws the same artifact; another seed another', () => {
  const before = liveTensors();
  const ds = synthetic(noise(500, 1, [3, 4, 4]), noise(50, 2, [3, 4, 4]));
  for (const s of [
    { labels: 'corrupted:0.5' },
    { inputs: 'shuffled-pixels' as const },
    { inputs: 'random-pixels' as const, corruptTest: true },
    { inputs: 'gaussian' as const },
  ]) {
    const a = drawRandomization(ds, spec({ ...s, seed: 9 }));
    assert.deepEqual(drawRandomization(ds, spec({ ...s, seed: 9 })), a);
    const b = drawRandomization(ds, spec({ ...s, seed: 10 }));
    assert.notDeepEqual(b, { ...a, spec: b.spec });
    const [x, y] = [applyRandomization(ds, a), applyRandomization(ds, a)];
    assert.ok(
      same(x.train.images, y.train.images) &&
        same(x.test.images, y.test.images) &&
        same(x.train.labels, y.train.labels),
    );
    [x, y].forEach(disposeDataset);
  }
  disposeDataset(ds);
  assert.equal(liveTensors(), before);
});

/** n identical images whose pixel (c, p) holds c·100 + p: a randomized image shows its permutation. */
function positions(n: number, c: number, hw: number): Tensor {
  return scope(() =>
    arange(0, hw, 1, { dtype: 'float32' })
      .reshape(1, 1, hw)
      .add(arange(0, c, 1, { dtype: 'float32' }).mul(100).reshape(1, c, 1))
      .expand(n, c, hw)
      .reshape(n, c, 4, hw / 4)
      .contiguous(),
  );
}

test('shuffled pixels: one permutation of positions for every image, train and test alike; random pixels: one per image', () => {
  const before = liveTensors();
  const n = 4200; // more than one chunk of draws
  const ds = synthetic(positions(n, 2, 16), positions(30, 2, 16));
  const isPerm = (p: number[]): boolean => [...p].sort((a, b) => a - b).every((v, i) => v === i);
  const sh = drawRandomization(ds, spec({ inputs: 'shuffled-pixels', seed: 1 }));
  assert.ok(isPerm([...sh.pixelPermutation!]));
  const s = applyRandomization(ds, sh);
  scope(() => {
    const want = [...sh.pixelPermutation!];
    for (const split of [s.train, s.test]) {
      const v = split.images.reshape(-1, 32).toArray();
      for (const i of [0, 1, split.images.shape[0] - 1]) {
        assert.deepEqual(v.slice(i * 32, i * 32 + 16), want);
        assert.deepEqual(
          v.slice(i * 32 + 16, i * 32 + 32),
          want.map((p) => p + 100),
          'channels move together',
        );
      }
    }
  });
  const rp = drawRandomization(ds, spec({ inputs: 'random-pixels', seed: 1 }));
  const r = applyRandomization(ds, rp);
  scope(() => {
    const v = r.train.images.reshape(n, 32).toArray();
    const perms = new Set<string>();
    for (let i = 0; i < n; i++) {
      const p = v.slice(i * 32, i * 32 + 16);
      assert.ok(isPerm(p), `image ${i}`);
      assert.deepEqual(
        v.slice(i * 32 + 16, i * 32 + 32),
        p.map((x) => x + 100),
      );
      perms.add(p.join());
    }
    assert.ok(perms.size > n - 5, `${perms.size} distinct permutations of ${n}`);
    assert.ok(
      same(r.test.images, ds.test.images),
      'per-image randomization leaves the test set clean by default',
    );
  });
  [s, r, ds].forEach(disposeDataset);
  assert.equal(liveTensors(), before);
});

test("Gaussian inputs match the training images' mean and std, per channel or globally", () => {
  const before = liveTensors();
  const images = scope(() =>
    noise(6000, 4, [3, 8, 8])
      .mul(tensor([1, 2, 0.5], [1, 3, 1, 1]))
      .add(tensor([0, 5, -3], [1, 3, 1, 1])),
  );
  const ds = synthetic(images, noise(10, 5, [3, 8, 8]));
  for (const stats of ['per-channel', 'global'] as const) {
    const a = drawRandomization(ds, spec({ inputs: 'gaussian', gaussianStats: stats, seed: 2 }));
    const g = applyRandomization(ds, a);
    scope(() => {
      const [m, s] = [
        g.train.images.mean([0, 2, 3]).toArray(),
        g.train.images.std([0, 2, 3], false).toArray(),
      ];
      const [m0, s0] =
        stats === 'global'
          ? [
              Array(3).fill(ds.train.images.mean().item()),
              Array(3).fill(ds.train.images.std(undefined, false).item()),
            ]
          : [ds.train.images.mean([0, 2, 3]).toArray(), ds.train.images.std([0, 2, 3], false).toArray()];
      m.forEach((v, i) => assert.ok(Math.abs(v - m0[i]) < 0.02 * s0[i], `${stats} mean ${v} vs ${m0[i]}`));
      s.forEach((v, i) => assert.ok(Math.abs(v / s0[i] - 1) < 0.01, `${stats} std ${v} vs ${s0[i]}`));
      assert.deepEqual(
        a.gaussian!.mean.map((v) => v.toFixed(3)),
        m0.map((v) => v.toFixed(3)),
      );
    });
    disposeDataset(g);
  }
  disposeDataset(ds);
  assert.equal(liveTensors(), before);
});

test('Gaussian inputs of a gray data set in 3 channels: one draw per pixel, equal across channels, like the images; round-trips', () => {
  const before = liveTensors();
  const gray = (n: number, seed: number): Tensor =>
    scope(() => noise(n, seed, [1, 8, 8]).mul(2).add(1).repeat(1, 3, 1, 1));
  const ds = { ...synthetic(gray(4000, 6), gray(10, 7)), replicated: true };
  const a = drawRandomization(ds, spec({ inputs: 'gaussian', seed: 3 }));
  assert.equal(a.gaussian!.perPixel, true);
  const dir = tempDir('gaussian-replicated');
  saveArtifact(dir, a, writeAtomic);
  const loaded = loadArtifact(dir);
  assert.equal(loaded.gaussian!.perPixel, true);
  const g = applyRandomization(ds, loaded);
  scope(() => {
    const x = g.train.images;
    for (const c of [1, 2])
      assert.ok(same(x.narrow(1, c, 1), x.narrow(1, 0, 1)), `channel ${c} differs from channel 0`);
    assert.ok(Math.abs(x.mean().item() - 1) < 0.02, `mean ${x.mean().item()}`);
    assert.ok(Math.abs(x.narrow(1, 0, 1).std(undefined, false).item() / 2 - 1) < 0.01);
  });
  // A data set whose channels are its own draws them independently (and so did every artifact before perPixel).
  const own = synthetic(gray(100, 8), gray(10, 9));
  const b = drawRandomization(own, spec({ inputs: 'gaussian', seed: 3 }));
  assert.equal(b.gaussian!.perPixel, undefined);
  const h = applyRandomization(own, b);
  assert.ok(!scope(() => same(h.train.images.narrow(1, 1, 1), h.train.images.narrow(1, 0, 1))));
  for (const d of [g, ds, h, own]) disposeDataset(d);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(liveTensors(), before);
});

test('artifacts round-trip through disk and re-apply identically; damaged ones are clear errors', () => {
  const before = liveTensors();
  const ds = synthetic(noise(300, 1, [1, 4, 4]), noise(40, 2, [1, 4, 4]));
  const dir = tempDir('genlab-art-');
  for (const s of [
    { labels: 'corrupted:0.3', corruptTest: true },
    { inputs: 'shuffled-pixels' as const },
    { inputs: 'random-pixels' as const, labels: 'random' },
    { inputs: 'gaussian' as const },
  ]) {
    const a = drawRandomization(ds, spec({ ...s, seed: 5 }));
    saveArtifact(dir, a, writeAtomic);
    const b = loadArtifact(dir);
    assert.deepEqual(b, a);
    const [x, y] = [applyRandomization(ds, a), applyRandomization(ds, b)];
    assert.ok(
      same(x.train.images, y.train.images) &&
        same(x.train.labels, y.train.labels) &&
        same(x.test.labels, y.test.labels),
    );
    [x, y].forEach(disposeDataset);
  }
  const a = drawRandomization(ds, spec({ labels: 'random', seed: 1 }));
  saveArtifact(dir, a, writeAtomic);
  const bin = readFileSync(path.join(dir, 'randomization.bin'));
  bin[3] ^= 1;
  writeFileSync(path.join(dir, 'randomization.bin'), bin);
  assert.throws(
    () => loadArtifact(dir),
    (e: Error) =>
      e instanceof InputError &&
      e.message.startsWith(
        `${dir}/randomization.bin: does not match randomization.json; expected 900 bytes with digest`,
      ),
  );
  saveArtifact(dir, a, writeAtomic);
  const json = JSON.parse(readFileSync(path.join(dir, 'randomization.json'), 'utf8'));
  json.spec.inputs = 'random-pixel';
  writeFileSync(path.join(dir, 'randomization.json'), JSON.stringify(json));
  assert.throws(() => loadArtifact(dir), {
    message: `${dir}/randomization.json: randomize.inputs: unknown value "random-pixel"; expected one of true, shuffled-pixels, random-pixels, gaussian; did you mean "random-pixels"?`,
  });
  json.spec.inputs = 'true';
  json.chunk = 0;
  writeFileSync(path.join(dir, 'randomization.json'), JSON.stringify(json));
  assert.throws(() => loadArtifact(dir), {
    message: `${dir}/randomization.json: field "chunk": expected a positive integer, got 0`,
  });
  assert.throws(() => loadArtifact('/nonexistent'), {
    message: '/nonexistent/randomization.json: not found; expected a randomization saved with the run',
  });
  const other = synthetic(noise(299, 1, [1, 4, 4]), noise(40, 2, [1, 4, 4]));
  assert.throws(() => applyRandomization(other, a), {
    message: "randomize: the artifact's train split has 300 examples; expected the data set's 299",
  });
  // A full disk while the JSON (written last) is saved: the run directory's write names the file and
  // leaves no temporary file and no JSON, so the randomization reads as not saved and is drawn again.
  const full = tempDir('genlab-art-full-');
  symlinkSync('/dev/full', path.join(full, `randomization.json.tmp-${process.pid}`));
  assert.throws(() => saveArtifact(full, a, writeAtomic), {
    message: `${full}/randomization.json: disk full (ENOSPC); expected room to write; free space and resume the run`,
  });
  assert.deepEqual(readdirSync(full), ['randomization.bin']);
  rmSync(full, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  [ds, other].forEach(disposeDataset);
  assert.equal(liveTensors(), before);
});

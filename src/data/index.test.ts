// Loading data sets: small IDX and CIFAR directories written here, bad directories, subsets, preprocessing.
// The real Fashion-MNIST is tested in test/data/data-fashion-mnist.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError, Rng, liveTensors, scope } from '../engine/index.js';
import { disposeDataset, labelHistogram, loadDataset } from './index.js';
import { encodeIdx } from './idx.js';
import { encodeCifar } from './cifar.js';
import { tempDir } from '../../test/support/temp.js';

const rng = new Rng(11);
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => rng.int(256));

/** An MNIST-layout directory: train n×h×w, test m×h×w, labels cycling 0..9; some files gzip'd. */
function idxDir(
  n: number,
  m: number,
  h = 6,
  w = 5,
  opts: { testLabels?: Uint8Array; trainLabelCount?: number } = {},
): string {
  const dir = tempDir('genlab-mnist-');
  const labels = (k: number): Uint8Array => Uint8Array.from({ length: k }, (_, i) => i % 10);
  const nl = opts.trainLabelCount ?? n;
  writeFileSync(
    path.join(dir, 'train-images-idx3-ubyte.gz'),
    gzipSync(encodeIdx([n, h, w], bytes(n * h * w))),
  );
  writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([nl], labels(nl)));
  writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), encodeIdx([m, h, w], bytes(m * h * w)));
  writeFileSync(
    path.join(dir, 't10k-labels-idx1-ubyte.gz'),
    gzipSync(encodeIdx([m], opts.testLabels ?? labels(m))),
  );
  return dir;
}

const RAW = { scale: false, perImageStandardization: false };

test('an IDX directory loads as (N, 1, H, W) float32 with int64 labels, byte for byte', () => {
  const before = liveTensors();
  const dir = idxDir(30, 20);
  const ds = loadDataset({ name: 'mnist', dataDir: dir, preprocess: RAW });
  assert.deepEqual(ds.train.images.shape, [30, 1, 6, 5]);
  assert.deepEqual(ds.shape, [1, 6, 5]);
  assert.equal(ds.train.images.dtype, 'float32');
  assert.equal(ds.test.labels.dtype, 'int64');
  assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(labelHistogram(ds.train.labels, 10), [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
  assert.equal(ds.source.trainIndices, null);
  disposeDataset(ds);
  assert.equal(liveTensors(), before);
});

test('preprocessing: [0,1] scale, center crop, TF per-image standardization, data-set normalization', () => {
  const before = liveTensors();
  const dir = idxDir(8, 4);
  const raw = loadDataset({ name: 'mnist', dataDir: dir, preprocess: RAW });
  const std = loadDataset({ name: 'mnist', dataDir: dir, preprocess: { centerCrop: 4 } });
  const norm = loadDataset({
    name: 'mnist',
    dataDir: dir,
    preprocess: { perImageStandardization: false, normalize: true },
  });
  scope(() => {
    // center crop of 6×5 to 4: rows 1..4, columns 0..3 (offsets floor((6-4)/2), floor((5-4)/2))
    const crop = raw.train.images.narrow(2, 1, 4).narrow(3, 0, 4).div(255);
    const x = Array.from(crop.select(0, 0).flatten().toArray());
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
    const want = x.map((v) => (v - mean) / Math.max(sd, 1 / Math.sqrt(x.length)));
    std.train.images
      .select(0, 0)
      .flatten()
      .toArray()
      .forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5));
    assert.deepEqual(std.shape, [1, 4, 4]);
    assert.ok(Math.abs(norm.train.images.mean().item()) < 1e-5);
    assert.ok(Math.abs(norm.train.images.std(undefined, false).item() - 1) < 1e-4);
    assert.equal(norm.preprocessing.mean!.length, 1);
  });
  assert.throws(() => loadDataset({ name: 'mnist', dataDir: dir, preprocess: { centerCrop: 9 } }), {
    message: 'preprocess.centerCrop: crop 9 does not fit images of 6×5; expected at most 5',
  });
  assert.throws(
    () => loadDataset({ name: 'mnist', dataDir: dir, preprocess: { sclae: true } as never }),
    InputError,
  );
  [raw, std, norm].forEach(disposeDataset);
  assert.equal(liveTensors(), before);
});

test('seeded subsets, stratified by class when asked', () => {
  const before = liveTensors();
  const dir = idxDir(200, 50);
  const a = loadDataset({
    name: 'mnist',
    dataDir: dir,
    trainSize: 50,
    testSize: 10,
    subsetSeed: 4,
    stratified: true,
  });
  const b = loadDataset({
    name: 'mnist',
    dataDir: dir,
    trainSize: 50,
    testSize: 10,
    subsetSeed: 4,
    stratified: true,
  });
  const c = loadDataset({ name: 'mnist', dataDir: dir, trainSize: 50, subsetSeed: 5 });
  assert.deepEqual(labelHistogram(a.train.labels, 10), Array(10).fill(5));
  assert.deepEqual(a.source.trainIndices, b.source.trainIndices);
  assert.notDeepEqual(a.source.trainIndices, c.source.trainIndices);
  assert.equal(new Set(c.source.trainIndices).size, 50);
  assert.equal(a.test.labels.shape[0], 10);
  assert.throws(() => loadDataset({ name: 'mnist', dataDir: dir, trainSize: 201 }), {
    message: 'data: trainSize: subset size 201 out of range; expected an integer in 1..200',
  });
  [a, b, c].forEach(disposeDataset);
  assert.equal(liveTensors(), before);
});

test('bad directories and files are one-line InputErrors', () => {
  const before = liveTensors();
  assert.throws(() => loadDataset({ name: 'fashion-mnist', dataDir: '/nonexistent/fm' }), {
    message:
      "/nonexistent/fm: directory not found; expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each raw or .gz); install Debian's dataset-fashion-mnist (apt install dataset-fashion-mnist) or pass --data-dir",
  });
  assert.throws(
    () => loadDataset({ name: 'cifar10' }),
    (e: Error) =>
      e instanceof InputError &&
      /^data: cifar10 needs --data-dir DIR; download the CIFAR-10 "binary version"/.test(e.message),
  );
  assert.throws(() => loadDataset({ name: 'fashion-mnst' }), {
    message:
      'data: unknown data set "fashion-mnst"; expected one of fashion-mnist, mnist, cifar10, cifar100; did you mean "fashion-mnist"?',
  });
  const empty = tempDir('genlab-empty-');
  assert.throws(
    () => loadDataset({ name: 'cifar10', dataDir: empty }),
    (e: Error) => e instanceof InputError && e.message.startsWith(`${empty}: missing data_batch_1.bin, `),
  );
  const mismatch = idxDir(10, 5, 6, 5, { trainLabelCount: 9 });
  assert.throws(() => loadDataset({ name: 'mnist', dataDir: mismatch }), {
    message: `${mismatch}/train-labels-idx1-ubyte: holds 9 labels but ${mismatch}/train-images-idx3-ubyte.gz holds 10 images; expected equal counts`,
  });
  const badLabel = idxDir(10, 3, 6, 5, { testLabels: Uint8Array.from([0, 10, 2]) });
  assert.throws(() => loadDataset({ name: 'mnist', dataDir: badLabel }), {
    message: `${badLabel}/t10k-labels-idx1-ubyte.gz: label 10 at index 1 is outside the 10 classes; expected 0..9`,
  });
  assert.equal(liveTensors(), before);
});

test('a CIFAR-10 binary directory (in cifar-10-batches-bin/) and CIFAR-100 fine/coarse labels', () => {
  const before = liveTensors();
  const root = tempDir('genlab-cifar-');
  const dir = path.join(root, 'cifar-10-batches-bin');
  mkdirSync(dir);
  const img = bytes(2 * 3072);
  for (let b = 1; b <= 5; b++)
    writeFileSync(path.join(dir, `data_batch_${b}.bin`), encodeCifar([[b], [b + 1]], img));
  writeFileSync(path.join(dir, 'test_batch.bin.gz'), gzipSync(encodeCifar([[0], [9]], img)));
  writeFileSync(path.join(dir, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n');
  const ds = loadDataset({ name: 'cifar10', dataDir: root, preprocess: { ...RAW, centerCrop: null } });
  assert.deepEqual(ds.train.images.shape, [10, 3, 32, 32]);
  assert.deepEqual(ds.train.labels.toArray(), [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
  assert.deepEqual(ds.classes, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
  assert.deepEqual(
    scope(() => ds.test.images.select(0, 1).select(0, 0).select(0, 0).narrow(0, 0, 4).toArray()),
    [...img.subarray(3072, 3076)],
  );
  const cropped = loadDataset({ name: 'cifar10', dataDir: root });
  assert.deepEqual(cropped.shape, [3, 28, 28]);
  assert.deepEqual(cropped.preprocessing.centerCrop, 28);
  const d100 = tempDir('genlab-cifar100-');
  writeFileSync(
    path.join(d100, 'train.bin'),
    encodeCifar(
      [
        [3, 71],
        [19, 5],
      ],
      img,
    ),
  );
  writeFileSync(path.join(d100, 'test.bin'), encodeCifar([[0, 99]], img.subarray(0, 3072)));
  const fine = loadDataset({ name: 'cifar100', dataDir: d100 });
  const coarse = loadDataset({ name: 'cifar100', dataDir: d100, cifar100Labels: 'coarse' });
  assert.deepEqual([fine.train.labels.toArray(), fine.classes.length], [[71, 5], 100]);
  assert.deepEqual([coarse.train.labels.toArray(), coarse.classes.length], [[3, 19], 20]);
  [ds, cropped, fine, coarse].forEach(disposeDataset);
  assert.equal(liveTensors(), before);
});

test("channels: 3 puts a gray image in each of 3 channels (the paper's input); other counts are errors", () => {
  const dir = idxDir(12, 4);
  const before = liveTensors();
  const ds = loadDataset({ name: 'mnist', dataDir: dir, channels: 3 });
  const gray = loadDataset({ name: 'mnist', dataDir: dir });
  try {
    assert.deepEqual(ds.shape, [3, 6, 5]);
    assert.equal(ds.replicated, true); // Gaussian inputs are then drawn per pixel (randomize.test.ts)
    assert.equal(gray.replicated, false);
    assert.deepEqual(ds.train.images.shape, [12, 3, 6, 5]);
    scope(() => {
      for (let c = 0; c < 3; c++) {
        assert.ok(ds.train.images.narrow(1, c, 1).allclose(gray.train.images, 0, 0));
        assert.ok(ds.test.images.narrow(1, c, 1).allclose(gray.test.images, 0, 0));
      }
    });
  } finally {
    disposeDataset(ds);
    disposeDataset(gray);
  }
  assert.equal(liveTensors(), before);
  assert.throws(() => loadDataset({ name: 'mnist', dataDir: dir, channels: 2 }), {
    name: 'InputError',
    message: 'data: channels: expected 1 or 3 for mnist (1 channel), got 2',
  });
});

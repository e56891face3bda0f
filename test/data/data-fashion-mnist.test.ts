// The real Fashion-MNIST (Debian's dataset-fashion-mnist) when installed: counts, histograms, a checksum, a randomization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { liveTensors, scope } from '../../src/engine/index.js';
import { disposeDataset, labelHistogram, loadDataset } from '../../src/data/index.js';
import { applyRandomization, drawRandomization, parseRandomization } from '../../src/randomize/index.js';

const RAW = { scale: false, perImageStandardization: false };
const FASHION = '/usr/share/datasets/fashion-mnist';
test(
  'the real Fashion-MNIST: counts, class histograms, a checksum of one image',
  { skip: !existsSync(FASHION) && 'dataset-fashion-mnist not installed' },
  () => {
    const before = liveTensors();
    const ds = loadDataset({ name: 'fashion-mnist', preprocess: RAW });
    assert.deepEqual(ds.train.images.shape, [60000, 1, 28, 28]);
    assert.deepEqual(ds.test.images.shape, [10000, 1, 28, 28]);
    assert.deepEqual(labelHistogram(ds.train.labels, 10), Array(10).fill(6000));
    assert.deepEqual(labelHistogram(ds.test.labels, 10), Array(10).fill(1000));
    assert.equal(ds.classes[9], 'Ankle boot');
    scope(() => {
      const first = ds.train.images.select(0, 0).flatten().toArray();
      assert.equal(
        first.reduce((a, b) => a + b, 0),
        76247,
      ); // numpy on the same file
      assert.equal(
        first.reduce((a, b, i) => a + b * i, 0),
        35878026,
      );
      assert.equal(ds.train.images.select(0, 59999).sum().item(), 16684);
      assert.deepEqual(ds.train.labels.narrow(0, 0, 10).toArray(), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    });
    // the paper's random labels and shuffled pixels on the real thing
    const a = drawRandomization(
      ds,
      parseRandomization({ labels: 'random', inputs: 'shuffled-pixels', seed: 1 }),
    );
    assert.ok(Math.abs(a.labelChangedFraction - 0.9) < 0.005, `changed ${a.labelChangedFraction}`);
    const r = applyRandomization(ds, a);
    scope(() => {
      assert.equal(r.train.images.select(0, 0).sum().item(), 76247);
      assert.notDeepEqual(
        r.train.images.select(0, 0).flatten().toArray(),
        ds.train.images.select(0, 0).flatten().toArray(),
      );
      assert.ok(r.test.labels.eq(ds.test.labels).to('float32').mean().item() === 1, 'test labels clean');
    });
    disposeDataset(r);
    disposeDataset(ds);
    assert.equal(liveTensors(), before);
  },
);

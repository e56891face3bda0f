// Run-time estimates: the calibration runs a real model without leaking, is cached per machine, and the sums are right.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { liveTensors } from '../engine/index.js';
import { resolveConfig } from '../presets/preset.js';
import {
  ThroughputCache,
  calibrate,
  calibrationKey,
  epochsLeft,
  estimatePlan,
  inputShape,
  machineKey,
  makespan,
  secondsPerEpoch,
} from './estimate.js';
import { tempDir } from '../../test/support/temp.js';

const tiny = resolveConfig(
  [{ model: { name: 'mlp-1x8' }, dataset: { trainSize: 1000, testSize: 500 }, train: { epochs: 4 } }],
  'test',
);

test('calibration times real SGD steps and evaluation batches, and frees every tensor', () => {
  const before = liveTensors();
  const t = calibrate(tiny, 'cpu', 0.01);
  assert.equal(liveTensors(), before);
  assert.ok(t.trainPerSecond > 0 && Number.isFinite(t.trainPerSecond));
  assert.ok(t.evalPerSecond > 0 && Number.isFinite(t.evalPerSecond));
});

test('input shapes follow the data set, its crop and dataset.channels', () => {
  assert.deepEqual(inputShape(tiny), [1, 28, 28]);
  assert.deepEqual(inputShape(resolveConfig([{ dataset: { channels: 3 } }], 'test')), [3, 28, 28]);
  assert.deepEqual(inputShape(resolveConfig([{ dataset: { name: 'cifar10' } }], 'test')), [3, 28, 28]);
});

test('epochs left: the epoch budget, cut by max steps, less those done', () => {
  assert.equal(epochsLeft(tiny, 1000, 0), 4);
  assert.equal(epochsLeft(tiny, 1000, 3), 1);
  assert.equal(epochsLeft({ ...tiny, train: { ...tiny.train, maxSteps: 10 } }, 1000, 0), 2); // 8 steps an epoch
});

test('makespan lays runs on workers in order and slows them when they outnumber the cores', () => {
  assert.equal(makespan([10, 10, 10], 2, 1, 2), 20);
  assert.equal(makespan([10, 10, 10], 2, 1, 1), 40);
  assert.equal(makespan([30, 10, 10], 2, 1, 2), 30);
  assert.equal(makespan([], 2, 1, 2), 0);
});

test('calibrations are cached per machine in the store: measured once, then read back', () => {
  const root = tempDir('genlab-estimate-');
  try {
    let measured = 0;
    const measure = () => (measured++, { trainPerSecond: 1000, evalPerSecond: 3000 });
    const key = calibrationKey(tiny, 'cpu', 1);
    assert.equal(new ThroughputCache(root, measure).get(tiny, key).cached, false);
    const again = new ThroughputCache(root, measure).get(tiny, key);
    assert.equal(again.cached, true);
    assert.equal(measured, 1);
    const file = JSON.parse(readFileSync(path.join(root, 'calibration.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    assert.deepEqual(Object.keys(file), [machineKey()]);
    // Another engine (a rebuilt addon, another CPU path) measures again, and its number replaces the old.
    const rebuilt = new ThroughputCache(root, measure, 'another build').get(tiny, key);
    assert.deepEqual([rebuilt.cached, measured], [false, 2]);
    assert.equal(new ThroughputCache(root, measure, 'another build').get(tiny, key).cached, true);
    assert.equal(new ThroughputCache(root, measure).get(tiny, key).cached, false);
    assert.equal(measured, 3);
    // 1,000 steps' examples at 1,000/s plus 1,500 evaluated at 3,000/s: 1.5 s an epoch, 4 epochs.
    assert.equal(secondsPerEpoch(tiny, again), 1.5);
    const plan = [{ label: 'a', coords: {}, variant: '', replicate: 0, config: tiny, id: 'a' }];
    const est = estimatePlan([...plan, { ...plan[0], id: 'b' }], {
      cache: new ThroughputCache(root, measure),
      device: 'cpu',
      threads: 1,
      jobs: 1,
      isComplete: (id) => id === 'a',
    });
    assert.deepEqual(
      est.runs.map((r) => [r.id, r.model, r.trainSize, r.estimatedSeconds, r.complete]),
      [
        ['a', 'mlp-1x8', 1000, 6, true],
        ['b', 'mlp-1x8', 1000, 6, false],
      ],
    );
    assert.equal(est.totalSeconds, 6); // the complete run costs nothing more
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

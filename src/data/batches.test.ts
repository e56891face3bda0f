// Batches: the epoch order is a permutation, deterministic in (seed, epoch); ranges cover the set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, liveTensors, scope } from '../engine/index.js';
import { batchRanges, epochOrder } from './batches.js';

test('epochOrder is an int64 permutation, deterministic in (seed, epoch)', () => {
  const before = liveTensors();
  scope(() => {
    const a = epochOrder(1000, 3, 0);
    assert.equal(a.dtype, 'int64');
    const values = a.toArray();
    assert.deepEqual(
      [...values].sort((x, y) => x - y),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.deepEqual(epochOrder(1000, 3, 0).toArray(), values);
    assert.notDeepEqual(epochOrder(1000, 3, 1).toArray(), values);
    assert.notDeepEqual(epochOrder(1000, 4, 0).toArray(), values);
    assert.deepEqual(epochOrder(0, 3, 0).shape, [0]);
  });
  assert.throws(() => epochOrder(10, 0, -1), InputError);
  assert.equal(liveTensors(), before);
});

test('batchRanges keeps or drops the last partial batch', () => {
  assert.deepEqual(batchRanges(10, 4, false), [
    [0, 4],
    [4, 8],
    [8, 10],
  ]);
  assert.deepEqual(batchRanges(10, 4, true), [
    [0, 4],
    [4, 8],
  ]);
  assert.deepEqual(batchRanges(8, 4, true), [
    [0, 4],
    [4, 8],
  ]);
  assert.deepEqual(batchRanges(3, 128, true), []);
  assert.deepEqual(batchRanges(0, 5, false), []);
  assert.throws(() => batchRanges(10, 0, false), {
    message: 'batches: batch size must be a positive integer, got 0',
  });
});

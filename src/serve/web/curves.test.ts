// The compare page's smoothing is TensorBoard's debiased EMA; a group's seeds fold into a mean with a min–max band.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fold, smooth } from './curves.js';

const close = (a: (number | null)[], b: (number | null)[]) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) =>
    assert.ok(Object.is(v, b[i]) || Math.abs((v as number) - (b[i] as number)) < 1e-12, `${a} vs ${b}`),
  );
};

test('smooth: a constant stays constant (debiased), w = 0 is the identity, and values by hand', () => {
  for (const w of [0.6, 0.9, 0.99]) close(smooth([2, 2, 2, 2, 2], w), [2, 2, 2, 2, 2]);
  assert.deepEqual(smooth([3, 1, 4, 1, 5], 0), [3, 1, 4, 1, 5]);
  // w = 0.5: EMA 0.5, 0.25, 0.625 over debias 0.5, 0.75, 0.875 → 1, 1/3, 5/7.
  close(smooth([1, 0, 1], 0.5), [1, 1 / 3, 5 / 7]);
  // A gap is kept and not counted: the next value carries on as if it were not there.
  close(smooth([1, null, 0, NaN, 1], 0.5), [1, null, 1 / 3, NaN, 5 / 7]);
  assert.throws(
    () => smooth([1], 1),
    /^Error: smooth: weight out of range; expected a number in \[0, 1\), got 1$/,
  );
});

test('fold: mean, min and max where the seeds share x; the others read between their points; to the first end', () => {
  const f = fold([
    { x: [1, 2, 3], y: [1, 2, 3] },
    { x: [1, 2, 3, 4], y: [3, 4, 5, 6] },
  ]);
  assert.deepEqual(f, { x: [1, 2, 3], mean: [2, 3, 4], min: [1, 2, 3], max: [3, 4, 5] });
  const between = fold([
    { x: [0, 10], y: [0, 10] },
    { x: [0, 5, 10], y: [4, 4, null] },
  ]);
  assert.deepEqual(between, { x: [0, 5], mean: [2, 4.5], min: [0, 4], max: [4, 5] });
  assert.deepEqual(
    fold([
      { x: [], y: [] },
      { x: [1], y: [1] },
    ]).x,
    [],
  );
});

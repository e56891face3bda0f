// Theorem 1: the O(n) solve matches a dense triangular solve, the network fits any labels with 2n + d weights, ties are caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, liveTensors, linalg, randint, randn, scope, Tensor, cat } from '../engine/index.js';
import { ImpossibleFitError, disposeTheorem1, theorem1 } from './expressivity.js';
import { depthNetwork, evaluateNetwork, outputClasses, theorem1Network } from './expressivity-net.js';

test('forward substitution by recurrence equals triangularSolve on the explicit lower-triangular A', () => {
  const before = liveTensors();
  scope(() => {
    const g = new Generator(1);
    const x = randn([200, 30], { generator: g, dtype: 'float64' });
    const y = randn([200], { generator: g, dtype: 'float64' });
    const c = theorem1(x, y, { generator: g });
    // Theorem 1, step 3: A[i][j] = max(xᵢ − bⱼ, 0) is lower triangular with a positive diagonal.
    const A = c.projections.reshape(-1, 1).sub(c.b.reshape(1, -1)).relu();
    assert.equal(
      A.sub(A.mul(lowerMask(200)))
        .abs()
        .max()
        .item(),
      0,
    );
    const dense = linalg
      .solveTriangular(A, y.indexSelect(0, c.order).reshape(-1, 1), { upper: false })
      .reshape(-1);
    assert.ok(dense.sub(c.w).abs().max().item() / dense.abs().max().item() < 1e-9);
    disposeTheorem1(c);
  });
  assert.equal(liveTensors(), before);
});

function lowerMask(n: number): Tensor {
  const r = randn([n], { dtype: 'float64' }).mul(0).add(1);
  const idx = r.cumsum(0);
  return idx.reshape(-1, 1).ge(idx.reshape(1, -1)).to('float64');
}

test('the network fits random labels exactly with 2n + d weights, and its depth-3 variant computes the same function', () => {
  const before = liveTensors();
  scope(() => {
    const g = new Generator(2);
    const n = 2000;
    const d = 64;
    const x = randn([n, d], { generator: g }).clamp(0); // float32 inputs, as images are
    const labels = randint(0, 10, [n], { generator: g });
    const c = theorem1(x, labels, { generator: g });
    const built = theorem1Network(c);
    assert.equal(built.weights, 2 * n + d);
    const out = evaluateNetwork(built.net, x, built.width);
    assert.equal(outputClasses(out, 10).eq(labels).to('float64').mean().item(), 1);
    assert.ok(out.sub(labels.to('float64')).abs().max().item() < 1e-6);
    const deep = depthNetwork(c, 3);
    assert.equal(deep.width, Math.ceil(n / 3) + 3);
    assert.ok(deep.weights <= 4 * n + d + 30, `deep weights ${deep.weights}`);
    assert.ok(evaluateNetwork(deep.net, x, deep.width).sub(out).abs().max().item() < 1e-6);
    built.net.dispose();
    deep.net.dispose();
    disposeTheorem1(c);
  });
  assert.equal(liveTensors(), before);
});

test('duplicate inputs with different labels are reported with their rows; with equal labels they are fitted', () => {
  const before = liveTensors();
  scope(() => {
    const g = new Generator(3);
    const x = randn([50, 8], { generator: g });
    const dup = cat([x, x.narrow(0, 7, 1)]); // row 50 is row 7 again
    const labels = randint(0, 10, [50], { generator: g });
    const same = cat([labels, labels.narrow(0, 7, 1)]);
    const other = cat([labels, labels.narrow(0, 7, 1).add(1)]);
    assert.throws(
      () => theorem1(dup, other, { generator: g }),
      (e: unknown) => {
        assert.ok(e instanceof ImpossibleFitError);
        assert.match(
          e.message,
          /^expressivity: 1 pair\(s\) of identical inputs with different targets, at rows 7 and 50 \(targets \d+ and \d+\)/,
        );
        return true;
      },
    );
    const c = theorem1(dup, same, { generator: g });
    assert.deepEqual(c.duplicates, [[7, 50]]);
    const built = theorem1Network(c);
    assert.equal(
      outputClasses(evaluateNetwork(built.net, dup, built.width), 10)
        .eq(same)
        .to('float64')
        .mean()
        .item(),
      1,
    );
    built.net.dispose();
    disposeTheorem1(c);
  });
  assert.equal(liveTensors(), before);
});

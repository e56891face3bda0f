// Random features and min-norm least squares: Φ⁺Y against the normal equations and X⁺y, nesting over N, no leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, linalg, liveTensors, rand, randn, scope, tensor, type Tensor } from '../engine/index.js';
import { minNormSolution } from './minnorm.js';
import { RandomFeatures, minNormLeastSquares, oneHot } from './random-features.js';

const maxAbs = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();

test('minNormLeastSquares: Xᵀ(XXᵀ)⁻¹Y when wide, the normal equations when tall; the rank it kept', () => {
  const before = liveTensors();
  scope(() => {
    const g = new Generator(3);
    const wide = randn([20, 50], { generator: g, dtype: 'float64' });
    const y = randn([20, 3], { generator: g, dtype: 'float64' });
    const fit = minNormLeastSquares(wide, y);
    assert.deepEqual(fit.w.shape, [50, 3]);
    assert.equal(fit.rank, 20);
    assert.ok(maxAbs(wide.matmul(fit.w), y) < 1e-10, 'interpolates');
    const col = minNormSolution(wide, y.select(1, 1));
    assert.ok(maxAbs(fit.w.select(1, 1), col) < 1e-10, 'equals X⁺y column by column');

    const tall = randn([50, 20], { generator: g, dtype: 'float64' });
    const yt = randn([50, 3], { generator: g, dtype: 'float64' });
    const ls = linalg.solve(tall.t().matmul(tall), tall.t().matmul(yt));
    const fitTall = minNormLeastSquares(tall, yt);
    assert.ok(maxAbs(fitTall.w, ls) < 1e-10, 'least squares when N < n');
    assert.ok(fitTall.smallestEigenvalue > 0 && fitTall.smallestEigenvalue < 1);

    // A repeated column: rank 19 of 20, and still the minimum-norm solution (equal weight on both copies).
    const c = randn([19, 1], { generator: g, dtype: 'float64' });
    const rankDeficient = c.matmul(tensor([1, 1], [1, 2], { dtype: 'float64' })); // (19, 2): two equal columns
    const f2 = minNormLeastSquares(rankDeficient, randn([19, 1], { generator: g, dtype: 'float64' }));
    assert.equal(f2.rank, 1);
    assert.ok(maxAbs(f2.w.select(0, 0), f2.w.select(0, 1)) < 1e-12);

    assert.throws(() => minNormLeastSquares(wide, yt), {
      message: 'minNormLeastSquares: Y has 50 rows; expected 20, as Φ has',
    });
  });
  assert.equal(liveTensors(), before);
});

test('RandomFeatures: nested over N (the first features of a larger draw are a smaller draw), both maps', () => {
  const before = liveTensors();
  scope(() => {
    const x = rand([30, 16], { generator: new Generator(1) });
    for (const map of ['relu', 'fourier'] as const) {
      const small = new RandomFeatures({ map, count: 5, gamma: 0.5, seed: 7 }, x);
      const large = new RandomFeatures({ map, count: 12, gamma: 0.5, seed: 7 }, x);
      const a = small.apply(x);
      const b = large.apply(x);
      assert.deepEqual(a.shape, [30, 5]);
      assert.deepEqual(b.shape, [30, 12]);
      // Fourier features carry √(2/N): compare them up to that factor.
      const scale = map === 'fourier' ? Math.sqrt(12 / 5) : 1;
      assert.ok(maxAbs(a, b.narrow(1, 0, 5).mul(scale)) < 1e-12, map);
      if (map === 'relu') assert.ok(a.min().item() >= 0);
      else assert.ok(a.abs().max().item() <= Math.sqrt(2 / 5) + 1e-12);
      small.dispose();
      large.dispose();
    }
    assert.throws(() => new RandomFeatures({ map: 'relu', count: 0, gamma: 1, seed: 0 }, x), {
      message: 'random features: count: expected an integer ≥ 1, got 0',
    });
    const labels = tensor([2, 0], [2], { dtype: 'int64' });
    assert.deepEqual(oneHot(labels, 3).toArray(), [0, 0, 1, 1, 0, 0]);
  });
  assert.equal(liveTensors(), before);
});

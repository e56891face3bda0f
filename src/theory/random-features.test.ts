// Random features and min-norm least squares: Φ⁺Y against the normal equations and X⁺y, nesting over N, no leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  cat,
  linalg,
  liveTensors,
  rand,
  randn,
  scope,
  tensor,
  type Tensor,
} from '../engine/index.js';
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
    assert.equal(fit.solver, 'gram', 'auto keeps the Gram route for a well-conditioned Φ');
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
    assert.equal(f2.solver, 'svd', 'auto takes the SVD route where the Gram route dropped a direction');
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

/** An orthogonal (m, m) matrix: the eigenvectors of a random symmetric one. */
const orthogonal = (m: number, g: Generator): Tensor =>
  scope(() => {
    const a = randn([m, m], { generator: g, dtype: 'float64' });
    return linalg.eigh(a.add(a.t()))[1];
  });
const residual = (phi: Tensor, w: Tensor, y: Tensor) => maxAbs(phi.matmul(w), y);

test('minNormLeastSquares at cond(Φ) = 1e9: the SVD route is Φ⁺Y; the Gram route loses the weak direction', () => {
  const before = liveTensors();
  scope(() => {
    // Φ = U·diag(s)·V_nᵀ (30, 40), s from 1 down to 1e-9: the exact Φ⁺Y = V_n·diag(1/s)·UᵀY.
    const g = new Generator(11);
    const [n, N] = [30, 40];
    const s = tensor(
      Array.from({ length: n }, (_, i) => 10 ** (-9 * (i / (n - 1)) ** 4)), // mostly near 1, one tail to 1e-9
      [n],
      { dtype: 'float64' },
    );
    const u = orthogonal(n, g);
    const v = orthogonal(N, g).narrow(1, 0, n);
    const phi = u.mul(s).matmul(v.t());
    const y = randn([n, 3], { generator: g, dtype: 'float64' });
    const exact = v.matmul(u.t().matmul(y).div(s.unsqueeze(1)));
    const norm = exact.norm().item();

    const svd = minNormLeastSquares(phi, y);
    assert.equal(svd.solver, 'svd', 'auto');
    assert.equal(svd.rank, n);
    assert.ok(Math.abs(svd.condition / 1e9 - 1) < 1e-3, `cond ${svd.condition}`);
    const err = maxAbs(svd.w, exact) / norm;
    assert.ok(err < 1e-5, `SVD route: relative error ${err} vs Φ⁺Y (expected about cond·ε ≈ 1e-7)`);
    assert.ok(residual(phi, svd.w, y) < 1e-6, `SVD route interpolates: residual ${residual(phi, svd.w, y)}`);

    // ΦΦᵀ has cond 1e18 > 1/ε: its eigenvalues below 30·ε·λ_max (σ < 8e-8·σ_max: s = 1.6e-8 and 1e-9) are dropped.
    const gram = minNormLeastSquares(phi, y, { solver: 'gram' });
    const gramRes = residual(phi, gram.w, y);
    assert.ok(
      gram.rank === n - 2 && gramRes > 1e-3 && gram.w.norm().item() < 1e-2 * norm,
      `Gram route: rank ${gram.rank} of ${n}, residual ${gramRes}, ‖W‖ ${gram.w.norm().item()} vs ${norm}: ` +
        'forming ΦΦᵀ squares cond(Φ) = 1e9 past 1/ε, so the smallest directions fall below its cutoff; ' +
        'the fit leaves their part of Y unfitted and their (large) part of ‖W‖ out',
    );
  });
  assert.equal(liveTensors(), before);
});

test('random features at N = n with two nearly collinear features: SVD interpolates, the Gram route cannot', () => {
  const before = liveTensors();
  scope(() => {
    const n = 60;
    const x = rand([n, 16], { generator: new Generator(5) });
    const rf = new RandomFeatures({ map: 'relu', count: n - 1, gamma: 1, seed: 3 }, x);
    const base = rf.apply(x); // (n, n − 1)
    rf.dispose();
    // feature n: feature 0 nudged by 1e-8 in a random direction: Φ square, cond(Φ) ≈ 6e9
    const nudge = randn([n, 1], { generator: new Generator(6), dtype: 'float64' }).mul(1e-8);
    const phi = cat([base, base.narrow(1, 0, 1).add(nudge)], 1);
    const y = oneHot(
      tensor(
        Array.from({ length: n }, (_, i) => i % 10),
        [n],
        { dtype: 'int64' },
      ),
      10,
    );

    const svd = minNormLeastSquares(phi, y);
    const gram = minNormLeastSquares(phi, y, { solver: 'gram' });
    const [svdNorm, gramNorm] = [svd.w.norm().item(), gram.w.norm().item()];
    const [svdRes, gramRes] = [residual(phi, svd.w, y), residual(phi, gram.w, y)];
    const measured = `SVD: rank ${svd.rank}, cond ${svd.condition.toPrecision(3)}, ‖W‖ ${svdNorm.toPrecision(4)}, residual ${svdRes.toPrecision(2)}; Gram: rank ${gram.rank}, ‖W‖ ${gramNorm.toPrecision(4)}, residual ${gramRes.toPrecision(2)}`;
    assert.equal(svd.rank, n, measured);
    assert.equal(svd.solver, 'svd', 'auto');
    assert.ok(svd.condition > 1e8, measured);
    assert.ok(svdRes < 1e-5, `SVD route interpolates: ${measured}`);
    assert.ok(
      gram.rank === n - 1 && gramRes > 1e-2 && gramNorm < 1e-3 * svdNorm,
      `${measured}: ΦΦᵀ's condition is cond(Φ)² > 1/ε, so the Gram route drops the direction that tells the two ` +
        'features apart; it fits the labels only in the rest (no interpolation) with a far smaller ‖W‖',
    );
  });
  assert.equal(liveTensors(), before);
});

// Linear algebra ops: factorizations, solves and in-place products against values worked by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, eye, linalg, liveTensors, scope, tensor, zeros } from './index.js';

const close = (t: Tensor, want: number[], tol = 1e-12): void => {
  const got = t.toArray();
  assert.equal(got.length, want.length, `${got} vs ${want}`);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `${got} vs ${want}`));
};
const f64 = { dtype: 'float64' as const };
const SQ2 = Math.SQRT2;

test('cholesky, solve, solveTriangular and eigh give the hand-worked answers', () => {
  const before = liveTensors();
  scope(() => {
    const a = tensor([4, 2, 2, 3], [2, 2], f64); // = L·Lᵀ with L = [[2, 0], [1, √2]]
    close(linalg.cholesky(a), [2, 0, 1, SQ2]);
    close(linalg.cholesky(a, { upper: true }), [2, 1, 0, SQ2]);
    close(linalg.solve(a, tensor([2, 1], [2, 1], f64)), [0.5, 0]);
    const l = tensor([2, 0, 1, SQ2], [2, 2], f64);
    close(linalg.solveTriangular(l, tensor([2, 1 + SQ2], [2, 1], f64), { upper: false }), [1, 1]);
    close(linalg.solveTriangular(l, tensor([3, SQ2], [1, 2], f64), { upper: false, left: false }), [1, 1]);
    // upper reads only the upper triangle; unitriangular takes the diagonal as ones
    close(linalg.solveTriangular(a, tensor([6, 3], [2, 1], f64), { upper: true }), [1, 1]);
    close(
      linalg.solveTriangular(a, tensor([3, 1], [2, 1], f64), { upper: true, unitriangular: true }),
      [1, 1],
    );
    const [values, vectors] = linalg.eigh(tensor([2, 1, 1, 2], [2, 2], f64));
    close(values, [1, 3]);
    const v = vectors.toArray(); // columns ±(1, −1)/√2 and ±(1, 1)/√2
    close(tensor([Math.abs(v[0]), Math.abs(v[2]), v[0] * v[2], v[1] * v[3]], [4], f64), [
      1 / SQ2,
      1 / SQ2,
      -0.5,
      0.5,
    ]);
  });
  assert.equal(liveTensors(), before);
});

test('choleskyInplace_ factors in place and choleskySolveFactored solves with the factor', () => {
  const before = liveTensors();
  scope(() => {
    for (const dtype of ['float64', 'float32'] as const) {
      const k = tensor([4, 2, 2, 3], [2, 2], { dtype });
      assert.equal(linalg.choleskyInplace_(k), 0);
      close(k, [2, 1, 2, SQ2], dtype === 'float32' ? 1e-6 : 1e-12); // U above the diagonal; below, a's own 2
      const x = linalg.choleskySolveFactored(k, tensor([2, 1], [2, 1], { dtype }));
      assert.equal(x.dtype, dtype);
      close(x, [0.5, 0], 1e-6);
    }
    assert.equal(linalg.choleskyInplace_(tensor([1, 2, 2, 1], [2, 2], f64)), 2); // the 2×2 minor is not PD
    assert.throws(() => linalg.choleskyInplace_(zeros([2, 3])), {
      message: 'choleskyInplace_: expected a square matrix, got shape [2, 3]',
    });
    assert.throws(() => linalg.choleskySolveFactored(eye(2), zeros([3, 1])), {
      message: 'choleskySolveFactored: right-hand side must be (n, k) with n = 2',
    });
  });
  assert.equal(liveTensors(), before);
});

test('addmm_ writes through a strided tile where it lies; exp_ works in place', () => {
  const before = liveTensors();
  scope(() => {
    const big = zeros([3, 4], f64);
    const tile = big.narrow(0, 1, 2).narrow(1, 1, 2); // a view with row stride 4
    const a = tensor([1, 2, 3, 4], [2, 2], f64);
    assert.equal(linalg.addmm_(tile, a, eye(2, 2, f64)), tile);
    linalg.addmm_(tile, a, tensor([1, 0, 0, 2], [2, 2], f64), { beta: 2, alpha: 3 }); // 2a + 3·a·diag(1, 2)
    close(big, [0, 0, 0, 0, 0, 5, 16, 0, 0, 15, 32, 0]);
    const e = tensor([0, 1], [2], f64);
    assert.equal(e.exp_(), e);
    close(e, [1, Math.E]);
  });
  assert.equal(liveTensors(), before);
});

test('cdist gives p-norm distances, not their squares', () => {
  const before = liveTensors();
  scope(() => {
    const a = tensor([0, 0, 3, 4], [2, 2], f64);
    const b = tensor([0, 0], [1, 2], f64);
    close(linalg.cdist(a, b), [0, 5]);
    close(linalg.cdist(a, b, 1), [0, 7]);
  });
  assert.equal(liveTensors(), before);
});

test('lstsq: least squares, the minimum-norm solution and the rank, against hand-worked answers', () => {
  const before = liveTensors();
  scope(() => {
    // Overdetermined, full rank: aᵀa = [[2, 1], [1, 2]], aᵀb = (1, 1), so x = (1/3, 1/3); σ = √3, 1.
    const a = tensor([1, 0, 0, 1, 1, 1], [3, 2], f64);
    const b = tensor([1, 1, 0], [3, 1], f64);
    const fit = linalg.lstsq(a, b);
    assert.deepEqual(fit.solution.shape, [2, 1]);
    close(fit.solution, [1 / 3, 1 / 3]);
    assert.equal(fit.rank, 2);
    close(fit.singularValues ?? zeros([0]), [Math.sqrt(3), 1]);
    close(linalg.lstsq(a, tensor([1, 1, 0], [3], f64)).solution, [1 / 3, 1 / 3]); // b a vector: x a vector
    for (const driver of ['gels', 'gelsy', 'gelss'] as const) {
      const f = linalg.lstsq(a, b, { driver });
      close(f.solution, [1 / 3, 1 / 3], 1e-12);
      assert.equal(f.rank, driver === 'gels' ? null : 2, driver); // gels assumes full rank
      assert.equal(f.singularValues === null, driver !== 'gelss', driver);
    }
    // Underdetermined: x₁ + x₂ = 2 has the minimum-norm solution (1, 1).
    close(linalg.lstsq(tensor([1, 1], [1, 2], f64), tensor([2], [1, 1], f64)).solution, [1, 1]);
    // Rank 1: a = 5·u·uᵀ with u = (1, 2)/√5, so a⁺b = u·(uᵀb)/5 = (0.2, 0.4) for b = (1, 2); σ = 5, 0.
    const r1 = linalg.lstsq(tensor([1, 2, 2, 4], [2, 2], f64), tensor([1, 2], [2, 1], f64));
    close(r1.solution, [0.2, 0.4]);
    assert.equal(r1.rank, 1);
    close(r1.singularValues ?? zeros([0]), [5, 0]);
  });
  assert.equal(liveTensors(), before);
});

test('lstsq: an ill-conditioned a (cond 4e9) solved from its singular values, where aᵀa holds no digits', () => {
  const before = liveTensors();
  scope(() => {
    const d = 1e-9; // a = [[1, 1], [1, 1 + d]]: σ_max ≈ 2, σ_min ≈ d/2, and a·(1, 1) = (2, 2 + d)
    const a = tensor([1, 1, 1, 1 + d], [2, 2], f64);
    const b = tensor([2, 2 + d], [2, 1], f64);
    const fit = linalg.lstsq(a, b);
    assert.equal(fit.rank, 2);
    const [hi, lo] = (fit.singularValues ?? zeros([0])).toArray();
    assert.ok(Math.abs(hi / lo / 4e9 - 1) < 1e-3, `cond ${hi / lo}`);
    close(fit.solution, [1, 1], 1e-5); // error ≈ cond·ε·‖x‖
    // The normal equations: cond(aᵀa) ≈ 1.6e19 > 1/ε, and aᵀa rounds to a singular matrix.
    assert.throws(() => linalg.solve(a.t().matmul(a), a.t().matmul(b)), /input matrix is singular/);
    // rcond above σ_min/σ_max drops the small direction: rank 1, and b lies along the kept one.
    const cut = linalg.lstsq(a, b, { rcond: 1e-6 });
    assert.equal(cut.rank, 1);
    close(cut.solution, [1, 1], 1e-6);
  });
  assert.equal(liveTensors(), before);
});

test('lstsq: errors name the argument', () => {
  const before = liveTensors();
  scope(() => {
    const a = zeros([3, 2], f64);
    assert.throws(() => linalg.lstsq(a, zeros([2, 1], f64)), {
      message: 'lstsq: b: expected (3, k) or (3), got shape [2, 1]',
    });
    assert.throws(() => linalg.lstsq(zeros([3], f64), zeros([3], f64)), {
      message: 'lstsq: a: expected a matrix (m, n), got shape [3]',
    });
    assert.throws(() => linalg.lstsq(a, zeros([3], f64), { driver: 'gelsdd' as 'gelsd' }), {
      message:
        'lstsq: unknown driver "gelsdd"; expected one of gels, gelsy, gelsd, gelss; did you mean "gelsd"?',
    });
    assert.throws(() => linalg.lstsq(a, zeros([3], f64), { rcond: -1 }), {
      message: 'lstsq: rcond: expected a finite number ≥ 0, got -1',
    });
    assert.throws(
      () => linalg.lstsq(zeros([3, 2], { dtype: 'int64' }), zeros([3], { dtype: 'int64' })),
      /^Error: lstsq: /,
    );
  });
  assert.equal(liveTensors(), before);
});

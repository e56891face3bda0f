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

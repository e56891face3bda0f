// Linear algebra on tensors (torch.linalg's names): factorizations, solves, and the in-place products
// that kernel interpolation needs on n² matrices too large to copy.
import { native } from './native.js';
import { Tensor } from './tensor.js';

/** The Cholesky factor of a symmetric positive-definite a: lower L with a = L·Lᵀ, or upper U with a = Uᵀ·U. */
export function cholesky(a: Tensor, opts: { upper?: boolean } = {}): Tensor {
  return new Tensor(native.cholesky(a.handle, opts.upper ?? false));
}

/** X with a·X = b, by LU: a (n, n), b (n) or (n, k). */
export function solve(a: Tensor, b: Tensor): Tensor {
  return new Tensor(native.solve(a.handle, b.handle));
}

export interface SolveTriangularOptions {
  upper: boolean; // which triangle of a is read (the other is ignored)
  left?: boolean; // a·X = b (default) or X·a = b
  unitriangular?: boolean; // take a's diagonal as ones
}
/** X with a·X = b (or X·a = b) for triangular a (n, n), b (n, k): torch.linalg.solve_triangular. */
export function solveTriangular(a: Tensor, b: Tensor, o: SolveTriangularOptions): Tensor {
  return new Tensor(
    native.triangularSolve(a.handle, b.handle, o.upper, o.left ?? true, o.unitriangular ?? false),
  );
}

/** [eigenvalues (n) ascending, eigenvectors (n, n) as columns] of a symmetric a, read from its lower triangle. */
export function eigh(a: Tensor): [Tensor, Tensor] {
  const [values, vectors] = native.eigh(a.handle);
  return [new Tensor(values), new Tensor(vectors)];
}

/**
 * Factors a symmetric positive-definite a (n, n), contiguous float32 or float64 on the CPU, in place
 * (LAPACK potrf, no copy of a): afterwards its upper triangle holds U with a = Uᵀ·U, for
 * choleskySolveFactored; the lower triangle is left as it was. Returns 0, or k > 0 when the leading
 * k×k minor is not positive definite (a is then partly overwritten).
 */
export function choleskyInplace_(a: Tensor): number {
  return native.choleskyInplace_(a.handle);
}

/** X with a·X = b, given u from choleskyInplace_(a) and b (n, k); X in u's dtype. */
export function choleskySolveFactored(u: Tensor, b: Tensor): Tensor {
  return new Tensor(native.choleskySolveFactored(u.handle, b.handle));
}

/**
 * c ← beta·c + alpha·a·b in place (PyTorch's Tensor.addmm_), a (n, k), b (k, m), c (n, m); c may be a
 * strided view, such as a tile of a larger matrix, which is written where it lies. Returns c.
 */
export function addmm_(
  c: Tensor,
  a: Tensor,
  b: Tensor,
  opts: { beta?: number; alpha?: number } = {},
): Tensor {
  native.addmm_(c.handle, a.handle, b.handle, opts.beta ?? 1, opts.alpha ?? 1);
  return c;
}

/** The p-norm distances ‖aᵢ − bⱼ‖ₚ (not squared) between rows of a (n, d) and b (m, d): (n, m). */
export function cdist(a: Tensor, b: Tensor, p = 2): Tensor {
  return new Tensor(native.cdist(a.handle, b.handle, p));
}

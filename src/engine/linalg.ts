// Linear algebra on tensors (torch.linalg's names): factorizations, solves, and the in-place products
// that kernel interpolation needs on n² matrices too large to copy.
import { InputError, unknownName } from './errors.js';
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

/** LAPACK's least-squares drivers (torch.linalg.lstsq's): QR (gels), pivoted QR (gelsy), SVD (gelsd, gelss). */
export const LSTSQ_DRIVERS = ['gels', 'gelsy', 'gelsd', 'gelss'] as const;
export type LstsqDriver = (typeof LSTSQ_DRIVERS)[number];

export interface LstsqOptions {
  rcond?: number; // singular values ≤ rcond·σ_max count as zero; default ε·max(m, n) of a's dtype
  driver?: LstsqDriver; // default gelsd (torch's CPU default is gelsy, which gives no singular values)
}
export interface Lstsq {
  solution: Tensor; // (n, k), or (n) for b (m): the minimum-norm least-squares X under the SVD drivers
  rank: number | null; // a's numerical rank; null from gels, which assumes full rank
  singularValues: Tensor | null; // (min(m, n)) descending, from gelsd and gelss only
}

/**
 * X minimizing ‖a·X − b‖ for a (m, n), b (m, k) or (m): torch.linalg.lstsq. Under the SVD drivers (gelsd, gelss)
 * X is the minimum-norm solution a⁺b of a rank-deficient or underdetermined a, computed from a's own
 * singular values: unlike a solve with aᵀa or a·aᵀ, its accuracy goes with cond(a), not cond(a)². CPU for
 * every driver; CUDA takes gels only (full-rank a).
 */
export function lstsq(a: Tensor, b: Tensor, opts: LstsqOptions = {}): Lstsq {
  const driver = opts.driver ?? 'gelsd';
  if (!LSTSQ_DRIVERS.includes(driver)) throw unknownName('lstsq', 'driver', driver, LSTSQ_DRIVERS);
  if (a.ndim !== 2)
    throw new InputError(`lstsq: a: expected a matrix (m, n), got shape [${a.shape.join(', ')}]`);
  if ((b.ndim !== 1 && b.ndim !== 2) || b.size(0) !== a.size(0))
    throw new InputError(
      `lstsq: b: expected (${a.size(0)}, k) or (${a.size(0)}), got shape [${b.shape.join(', ')}]`,
    );
  if (opts.rcond !== undefined && !(opts.rcond >= 0 && Number.isFinite(opts.rcond)))
    throw new InputError(`lstsq: rcond: expected a finite number ≥ 0, got ${opts.rcond}`);
  const [solution, rank, sv] = native.lstsq(a.handle, b.handle, opts.rcond, driver);
  return { solution: new Tensor(solution), rank, singularValues: sv ? new Tensor(sv) : null };
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

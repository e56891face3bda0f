// Section 5: exact kernel interpolation Kα = Y by an in-place Cholesky factorization, the kernel computed in blocks.
import { InputError, Tensor, empty, keep, native, noGrad, scope, type DType } from '../engine/index.js';

export const KERNELS = ['gaussian', 'laplacian', 'linear', 'polynomial'] as const;
export type KernelName = (typeof KERNELS)[number];

export interface KernelSpec {
  name: KernelName;
  gamma: number; // gaussian exp(−γ‖x−x′‖²), laplacian exp(−γ‖x−x′‖), polynomial (γ⟨x,x′⟩ + 1)^degree
  degree?: number; // polynomial (default 3)
}

/** The kernel between rows of a (p, d) and b (q, d): (p, q) in a's dtype. */
export function kernelBlock(k: KernelSpec, a: Tensor, b: Tensor): Tensor {
  return scope(() => {
    const dot = a.matmul(b.t());
    if (k.name === 'linear') return dot;
    if (k.name === 'polynomial') return dot.mul(k.gamma).add(1).pow(k.degree ?? 3);
    const sq = a.square().sum(1, true).add(b.square().sum(1, true).t()).sub(dot.mul(2)).clamp(0); // ‖x−x′‖²
    return k.name === 'gaussian' ? sq.mul(-k.gamma).exp() : sq.sqrt().mul(-k.gamma).exp();
  });
}

/** Rows per block so that a (rows, n) temporary stays near 64 MiB. */
function blockRows(n: number): number {
  return Math.max(1, Math.min(n, Math.floor(2 ** 24 / Math.max(1, n))));
}

/**
 * The n×n Gram matrix (plus ridge·I), filled block by block: the only n² object. Only the upper
 * triangle (row-major) is computed — the half that LAPACK's potrf reads — unless full is asked.
 */
export function gramMatrix(k: KernelSpec, x: Tensor, ridge: number, onRows?: (done: number) => void, full = false): Tensor {
  const n = x.size(0);
  const K = keep(empty([n, n], { dtype: x.dtype }));
  const rows = blockRows(n);
  for (let s = 0; s < n; s += rows) {
    const len = Math.min(rows, n - s);
    const from = full ? 0 : s;
    scope(() => {
      const block = kernelBlock(k, x.narrow(0, s, len), x.narrow(0, from, n - from));
      K.narrow(0, s, len).narrow(1, from, n - from).copy_(block);
    });
    onRows?.(s + len);
  }
  if (ridge > 0) scope(() => K.view(-1).slice(0, 0, n * n, n + 1).add_(ridge)); // the diagonal, in place
  return K;
}

/** K is not positive definite in this dtype: say where Cholesky stopped and suggest a ridge. */
export class NotPositiveDefiniteError extends InputError {
  override name = 'NotPositiveDefiniteError';
  constructor(readonly column: number, readonly n: number, readonly dtype: DType, readonly suggestedRidge: number, ridge: number) {
    super(
      `kernel: the kernel matrix is not positive definite in ${dtype} (Cholesky failed at column ${column} of ${n}, ridge ${ridge}); ` +
        `expected a positive definite K — duplicate or nearly collinear points do this; add a ridge, e.g. --ridge ${suggestedRidge.toPrecision(2)}` +
        `${dtype === 'float32' ? ', or use --dtype float64' : ''}`,
    );
  }
}

/** n·ε(dtype)·max Kᵢᵢ: the size of Cholesky's rounding errors, a ridge that makes K numerically positive definite. */
export function suggestRidge(n: number, dtype: DType, maxDiag: number): number {
  const eps = dtype === 'float64' ? 2.2e-16 : 1.2e-7;
  return Math.max(n * eps * maxDiag, eps);
}

export interface Interpolant {
  spec: KernelSpec;
  xTrain: Tensor; // (n, d) the centres
  alpha: Tensor; // (n, k) coefficients: f(x) = Σᵢ αᵢ k(xᵢ, x)
  ridge: number;
}

/**
 * Solves (K + ridge·I) α = Y by Cholesky in place (K's memory becomes its factor, then is freed), so the
 * peak is one n×n matrix. Throws NotPositiveDefiniteError when the factorization fails.
 */
export function fitKernel(spec: KernelSpec, x: Tensor, y: Tensor, ridge = 0, onRows?: (done: number) => void): Interpolant {
  if (x.ndim !== 2 || y.ndim !== 2 || x.size(0) !== y.size(0)) {
    throw new InputError(`kernel: expected inputs (n, d) and targets (n, k), got [${x.shape.join(', ')}] and [${y.shape.join(', ')}]`);
  }
  const n = x.size(0);
  const K = gramMatrix(spec, x, ridge, onRows);
  try {
    const maxDiag = scope(() => K.view(-1).slice(0, 0, n * n, n + 1).max().item());
    const info = native.choleskyInplace_(K.handle); // Section 5: a dense solve of Kα = y
    if (info !== 0) throw new NotPositiveDefiniteError(info, n, x.dtype, suggestRidge(n, x.dtype, maxDiag), ridge);
    const alpha = keep(new Tensor(native.choleskySolveFactored(K.handle, y.to(x.dtype).handle)));
    return { spec, xTrain: keep(x.clone()), alpha, ridge };
  } finally {
    K.dispose();
  }
}

/** f(x) = K(x, X)·α for rows of x (m, d), in blocks: (m, k). */
export function predict(f: Interpolant, x: Tensor): Tensor {
  const m = x.size(0);
  const rows = blockRows(f.xTrain.size(0));
  const parts: Tensor[] = [];
  return scope(() => {
    for (let s = 0; s < m; s += rows) {
      const len = Math.min(rows, m - s);
      parts.push(scope(() => kernelBlock(f.spec, x.narrow(0, s, len).to(f.xTrain.dtype), f.xTrain).matmul(f.alpha)));
    }
    return noGrad(() => new Tensor(native.cat(parts.map((p) => p.handle), 0)));
  });
}

/** The RKHS norm √tr(αᵀKα) = √Σ α ⊙ (Kα), given the training predictions Kα. */
export function rkhsNorm(f: Interpolant, trainPred: Tensor): number {
  return Math.sqrt(scope(() => f.alpha.mul(trainPred).sum().item()));
}

/** Fraction of rows whose arg-max class differs from the label. */
export function classError(pred: Tensor, labels: Tensor): number {
  return scope(() => pred.argmax(1).ne(labels).to('float64').mean().item());
}

export function disposeInterpolant(f: Interpolant): void {
  f.xTrain.dispose();
  f.alpha.dispose();
}

// Section 5: exact kernel interpolation Kα = Y — the kernel computed in tiles, solved by in-place Cholesky or preconditioned CG.
import { CG_DEFAULTS, cgSolve, type CgOptions } from './kernel-cg.js';
import { InputError, Tensor, empty, keep, linalg, scope, zeros, type DType } from '../engine/index.js';

export const KERNELS = ['gaussian', 'laplacian', 'linear', 'polynomial'] as const;
export type KernelName = (typeof KERNELS)[number];

export interface KernelSpec {
  name: KernelName;
  gamma: number; // gaussian exp(−γ‖x−x′‖²), laplacian exp(−γ‖x−x′‖), polynomial (γ⟨x,x′⟩ + 1)^degree
  degree?: number; // polynomial (default 3)
}

/** The kernel between rows of a (p, d) and b (q, d): (p, q) in a's dtype. */
export function kernelBlock(k: KernelSpec, a: Tensor, b: Tensor): Tensor {
  const out = empty([a.size(0), b.size(0)], { dtype: a.dtype });
  scope(() => kernelTile_(k, out, a, b, a.square().sum(1, true), b.square().sum(1, true)));
  return out;
}

/**
 * Writes the kernel between rows of a (p, d) and b (q, d) into out (p, q) — a tile of a larger matrix
 * or a reused scratch buffer — entirely in place: every fresh tile-sized temporary costs a page fault
 * per 4 KiB. aSq (p, 1) and bSq (q, 1): the rows' squared norms.
 */
export function kernelTile_(
  k: KernelSpec,
  out: Tensor,
  a: Tensor,
  b: Tensor,
  aSq: Tensor,
  bSq: Tensor,
): void {
  const mm = (beta: number, alpha: number): void => void linalg.addmm_(out, a, b.t(), { beta, alpha });
  if (k.name === 'linear' || k.name === 'polynomial') {
    mm(0, 1);
    if (k.name === 'polynomial')
      scope(() =>
        out.copy_(
          out
            .mul_(k.gamma)
            .add_(1)
            .pow(k.degree ?? 3),
        ),
      );
    return;
  }
  scope(() => out.copy_(aSq.expand(out.size(0), out.size(1))).add_(bSq.t()));
  mm(1, -2); // ‖x−x′‖² = ‖x‖² + ‖x′‖² − 2⟨x,x′⟩
  out.clamp_(0);
  if (k.name === 'laplacian') scope(() => out.copy_(out.sqrt()));
  out.mul_(-k.gamma).exp_();
}

/**
 * Side of the square tiles K is computed in: 1,024² entries (4 MiB in float32) keeps every temporary
 * small enough to be reused from the heap instead of mmapped and faulted in afresh, which made
 * whole-row blocks of 64 MiB spend more time in page faults than in arithmetic (docs/measurements.md).
 */
export const TILE = 1024;

/**
 * The n×n Gram matrix (plus ridge·I), filled tile by tile: the only n² object. Only the upper
 * triangle (row-major) is computed — the half that LAPACK's potrf reads — unless full is asked
 * (the iterative solver multiplies by the whole matrix).
 */
export function gramMatrix(
  k: KernelSpec,
  x: Tensor,
  ridge: number,
  onRows?: (done: number) => void,
  full = false,
): Tensor {
  const n = x.size(0);
  const K = keep(empty([n, n], { dtype: x.dtype }));
  const sq = keep(scope(() => x.square().sum(1, true))); // (n, 1)
  try {
    for (let s = 0; s < n; s += TILE) {
      const len = Math.min(TILE, n - s);
      scope(() => {
        const rows = K.narrow(0, s, len);
        const [a, aSq] = [x.narrow(0, s, len), sq.narrow(0, s, len)];
        for (let c = full ? 0 : s; c < n; c += TILE) {
          const w = Math.min(TILE, n - c);
          scope(() => kernelTile_(k, rows.narrow(1, c, w), a, x.narrow(0, c, w), aSq, sq.narrow(0, c, w)));
        }
      });
      onRows?.(s + len);
    }
  } finally {
    sq.dispose();
  }
  if (ridge > 0) scope(() => diagonal(K).add_(ridge)); // in place
  return K;
}

/** The diagonal of a square contiguous matrix as a strided view (n). */
export function diagonal(K: Tensor): Tensor {
  const n = K.size(0);
  return K.view(-1).slice(0, 0, n * n, n + 1);
}

/** K is not positive definite in this dtype: say where Cholesky stopped and suggest a ridge. */
export class NotPositiveDefiniteError extends InputError {
  override name = 'NotPositiveDefiniteError';
  constructor(
    readonly column: number,
    readonly n: number,
    readonly dtype: DType,
    readonly suggestedRidge: number,
    ridge: number,
  ) {
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

export const SOLVERS = ['auto', 'cholesky', 'cg'] as const;
export type SolverName = (typeof SOLVERS)[number];

/**
 * Above this n, 'auto' solves iteratively. Cholesky is one n³/3-flop factorization at BLAS's full rate;
 * CG needs a pass over K per iteration (~100–300 iterations to 1e-3), and OpenBLAS's sgemm with 10
 * right-hand sides streams K far below that rate, so CG does not win at any n these data sets have:
 * auto is Cholesky through n = 60,000 (docs/measurements.md).
 */
export const AUTO_CG_ABOVE = 60000;

export interface SolveOptions {
  solver?: SolverName; // default auto
  tol?: number; // cg: relative residual ‖Y − (K+λI)α‖ / ‖Y‖ per column (default CG_DEFAULTS.tol)
  maxIter?: number;
  landmarks?: number; // cg: Nyström landmarks of the preconditioner
  seed?: number; // cg: landmark draw
  onStage?: (stage: 'gram' | 'factor' | 'cg', done: number, total: number, detail?: string) => void;
}

export interface Interpolant {
  spec: KernelSpec;
  xTrain: Tensor; // (n, d) the centres
  alpha: Tensor; // (n, k) coefficients: f(x) = Σᵢ αᵢ k(xᵢ, x)
  ridge: number;
  trainPred: Tensor; // (n, k) Kα on the training points (see fitKernel)
  solver: 'cholesky' | 'cg';
  iterations: number; // cg iterations (0 for Cholesky)
  relativeResidual: number | null; // cg: max over columns of ‖Yⱼ − (K+λI)αⱼ‖ / ‖Yⱼ‖, measured; Cholesky: not measured (K is overwritten)
}

export function resolveSolver(solver: SolverName | undefined, n: number): 'cholesky' | 'cg' {
  return solver === 'cholesky' || solver === 'cg' ? solver : n > AUTO_CG_ABOVE ? 'cg' : 'cholesky';
}

/**
 * Solves (K + ridge·I) α = Y (Section 5: a dense solve of Kα = y). Cholesky factorizes K in place (its
 * memory becomes the factor, then is freed), so the peak is one n×n matrix; it is backward stable, so
 * Kα = Y − λα up to rounding, which is what trainPred holds. CG keeps the whole K and multiplies by it
 * (kernel-cg.ts); trainPred is then Kα from the measured residual. Throws NotPositiveDefiniteError when
 * the factorization fails.
 */
export function fitKernel(
  spec: KernelSpec,
  x: Tensor,
  y: Tensor,
  ridge = 0,
  onRows?: (done: number) => void,
  o: SolveOptions = {},
): Interpolant {
  if (x.ndim !== 2 || y.ndim !== 2 || x.size(0) !== y.size(0)) {
    throw new InputError(
      `kernel: expected inputs (n, d) and targets (n, k), got [${x.shape.join(', ')}] and [${y.shape.join(', ')}]`,
    );
  }
  const n = x.size(0);
  const solver = resolveSolver(o.solver, n);
  const rows = (done: number): void => {
    onRows?.(done);
    o.onStage?.('gram', done, n);
  };
  const K = gramMatrix(spec, x, ridge, rows, solver === 'cg');
  try {
    const yd = scope(() => y.to(x.dtype));
    const base = { spec, xTrain: keep(x.clone()), ridge, solver };
    if (solver === 'cg') {
      const r = cgSolve(K, yd, {
        ...CG_DEFAULTS,
        ...definedOnly(o),
        onIter: (it, rel) =>
          o.onStage?.('cg', it, o.maxIter ?? CG_DEFAULTS.maxIter, `residual ${rel.toExponential(1)}`),
      });
      const trainPred = keep(scope(() => yd.sub(r.residual).sub(r.alpha.mul(ridge))));
      r.residual.dispose();
      yd.dispose();
      return {
        ...base,
        alpha: r.alpha,
        trainPred,
        iterations: r.iterations,
        relativeResidual: r.relativeResidual,
      };
    }
    const maxDiag = scope(() => diagonal(K).max().item());
    o.onStage?.('factor', 0, 1);
    const info = linalg.choleskyInplace_(K);
    if (info !== 0) {
      yd.dispose();
      base.xTrain.dispose();
      throw new NotPositiveDefiniteError(info, n, x.dtype, suggestRidge(n, x.dtype, maxDiag), ridge);
    }
    const alpha = keep(linalg.choleskySolveFactored(K, yd));
    const trainPred = keep(scope(() => yd.sub(alpha.mul(ridge))));
    yd.dispose();
    return { ...base, alpha, trainPred, iterations: 0, relativeResidual: null };
  } finally {
    K.dispose();
  }
}

function definedOnly(o: SolveOptions): Partial<CgOptions> {
  return Object.fromEntries(
    Object.entries({ tol: o.tol, maxIter: o.maxIter, landmarks: o.landmarks, seed: o.seed }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

/** f(x) = K(x, X)·α for rows of x (m, d), tile by tile into one reused scratch tile: (m, k). */
export function predict(f: Interpolant, x: Tensor): Tensor {
  const [m, n] = [x.size(0), f.xTrain.size(0)];
  return scope(() => {
    const sqTrain = f.xTrain.square().sum(1, true);
    const scratch = empty([TILE, TILE], { dtype: f.xTrain.dtype });
    const out = zeros([m, f.alpha.size(1)], { dtype: f.xTrain.dtype });
    for (let s = 0; s < m; s += TILE) {
      const len = Math.min(TILE, m - s);
      scope(() => {
        const a = x.narrow(0, s, len).to(f.xTrain.dtype);
        const aSq = a.square().sum(1, true);
        const acc = out.narrow(0, s, len);
        for (let c = 0; c < n; c += TILE) {
          const w = Math.min(TILE, n - c);
          scope(() => {
            const tile = scratch.narrow(0, 0, len).narrow(1, 0, w);
            kernelTile_(f.spec, tile, a, f.xTrain.narrow(0, c, w), aSq, sqTrain.narrow(0, c, w));
            linalg.addmm_(acc, tile, f.alpha.narrow(0, c, w));
          });
        }
      });
    }
    return out;
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
  f.trainPred.dispose();
}

// Section 5 at n = 60,000: (K + λI)α = Y by conjugate gradient on all right-hand sides at once, Nyström-preconditioned.
import { Generator, Tensor, eye, keep, linalg, randperm, scope } from '../engine/index.js';

export interface CgOptions {
  tol: number; // stop when every column has ‖Yⱼ − Aαⱼ‖ / ‖Yⱼ‖ ≤ tol (A = K + λI)
  maxIter: number;
  landmarks: number; // m: Nyström landmarks; the preconditioner keeps the top m/2 eigenpairs
  seed: number; // landmark draw
  onIter?: (iteration: number, relativeResidual: number) => void;
}

export const CG_DEFAULTS: CgOptions = { tol: 1e-3, maxIter: 1000, landmarks: 2000, seed: 0 };

export interface CgSolution {
  alpha: Tensor; // (n, k)
  residual: Tensor; // (n, k) Y − Aα, recomputed from A at the end (not the recurrence's)
  iterations: number;
  relativeResidual: number; // max over columns of ‖residualⱼ‖ / ‖Yⱼ‖
}

/** P⁻¹r = r + U·diag(sᵢ)·Uᵀr with sᵢ = λ_r/λᵢ − 1: the top eigen-directions of A scaled down to λ_r. */
interface Preconditioner {
  ut: Tensor; // (r, n) Uᵀ in A's dtype
  s: Tensor; // (r, 1)
}

/**
 * Randomized Nyström approximation A ≈ C W⁻¹ Cᵀ on m random columns (Frangella, Tropp & Udell 2023),
 * in float64: W + νI = LLᵀ, B = C L⁻ᵀ, BᵀB = VΣ²Vᵀ, U = BVΣ⁻¹, λ = Σ² − ν. Keeps the top half, whose
 * eigenvalues the subsample estimates well.
 */
function nystrom(A: Tensor, m: number, seed: number): Preconditioner {
  return scope(() => {
    const n = A.size(0);
    const idx = randperm(n, { generator: new Generator(seed) }).narrow(0, 0, m);
    const ct = A.indexSelect(0, idx).to('float64'); // (m, n) = Cᵀ: rows of a symmetric A
    const w = ct.indexSelect(1, idx); // (m, m)
    const nu =
      1e-7 *
      w
        .view(-1)
        .slice(0, 0, m * m, m + 1)
        .sum()
        .item(); // a shift of ~ε32·tr(W) keeps W + νI factorizable
    const l = linalg.cholesky(w.add(eye(m, m, { dtype: 'float64' }).mul(nu)));
    const bt = linalg.solveTriangular(l, ct, { upper: false }); // L⁻¹Cᵀ = Bᵀ (m, n)
    const [evals, evecs] = linalg.eigh(bt.matmul(bt.t())); // ascending
    const r = Math.max(1, Math.floor(m / 2));
    const sigma2 = evals.narrow(0, m - r, r);
    const v = evecs.narrow(1, m - r, r); // (m, r)
    const lambda = sigma2.sub(nu).clamp(1e-12);
    const ut = v.t().matmul(bt).div(sigma2.sqrt().reshape(-1, 1)); // Uᵀ = Σ⁻¹VᵀBᵀ (r, n)
    const s = lambda.narrow(0, 0, 1).div(lambda).sub(1).reshape(-1, 1); // λ_r/λᵢ − 1 (smallest kept is first)
    return keep({ ut: ut.to(A.dtype).contiguous(), s: s.to(A.dtype) });
  });
}

function applyPreconditioner(p: Preconditioner, r: Tensor): Tensor {
  return scope(() => r.add(p.ut.t().matmul(p.ut.matmul(r).mul_(p.s))));
}

/** Column sums of a ⊙ b in float64: (1, k). */
function colDot(a: Tensor, b: Tensor): Tensor {
  return scope(() => a.to('float64').mul(b.to('float64')).sum(0, true));
}

function relativeResidual(r: Tensor, yNorm: Tensor): number {
  return scope(() => colDot(r, r).sqrt().div(yNorm).max().item());
}

/**
 * Preconditioned CG on A X = Y for the k columns together (each column keeps its own step sizes),
 * A symmetric positive definite (n, n). Stops at tol or maxIter; the returned residual is Y − AX.
 */
export function cgSolve(A: Tensor, y: Tensor, o: CgOptions): CgSolution {
  const dtype = A.dtype;
  const pre = nystrom(A, Math.min(o.landmarks, A.size(0)), o.seed);
  const yNorm = keep(scope(() => colDot(y, y).sqrt().clamp(1e-300)));
  const x = keep(scope(() => y.mul(0)));
  const r = keep(y.clone());
  const p = keep(applyPreconditioner(pre, r));
  let rz = keep(colDot(r, p));
  let it = 0;
  try {
    for (; it < o.maxIter; it++) {
      const rel = scope(() => {
        const q = A.matmul(p); // the one pass over K per iteration
        const a = rz.div(colDot(p, q).clamp(1e-300)).to(dtype);
        x.add_(p.mul(a));
        r.sub_(q.mul(a));
        return relativeResidual(r, yNorm);
      });
      o.onIter?.(it + 1, rel);
      if (rel <= o.tol) {
        it++;
        break;
      }
      const rzNew = keep(
        scope(() => {
          const z = applyPreconditioner(pre, r);
          const next = colDot(r, z);
          p.mul_(next.div(rz.clamp(1e-300)).to(dtype)).add_(z);
          return next;
        }),
      );
      rz.dispose();
      rz = rzNew;
    }
    const residual = keep(scope(() => y.sub(A.matmul(x))));
    return { alpha: x, residual, iterations: it, relativeResidual: relativeResidual(residual, yNorm) };
  } catch (e) {
    x.dispose();
    throw e;
  } finally {
    for (const t of [pre.ut, pre.s, yNorm, r, p, rz]) t.dispose();
  }
}

// Random-features regression (Belkin et al. 2019): N random ReLU or Fourier features, and the minimum-norm least-squares fit on them.
import {
  Generator,
  InputError,
  deriveSeed,
  keep,
  linalg,
  rand,
  randn,
  scope,
  zeros,
  type Tensor,
} from '../engine/index.js';

export const FEATURE_MAPS = ['relu', 'fourier'] as const;
export type FeatureMap = (typeof FEATURE_MAPS)[number];

export interface RandomFeatureSpec {
  map: FeatureMap;
  count: number; // N
  gamma: number; // fourier: the Gaussian kernel exp(−γ‖x − x′‖²) the features approximate
  seed: number;
}

/**
 * A fixed random map from inputs (d) to N features, drawn row by row from a seeded generator, so that
 * the first N features of a larger draw are the N features of a smaller one (a sweep over N nests).
 * relu: max(0, vᵀx̃ / √d) with v ~ N(0, I) and x̃ = x − μ (the training mean);
 * fourier: √(2/N) cos(vᵀx + b) with v ~ N(0, 2γI), b ~ U[0, 2π) (Rahimi & Recht's random Fourier features).
 */
export class RandomFeatures {
  private readonly v: Tensor; // (N, d) float64
  private readonly b: Tensor; // (N) float64: fourier's phases
  private readonly mu: Tensor; // (d) float64: the training mean, relu only
  constructor(
    private readonly spec: RandomFeatureSpec,
    xTrain: Tensor, // (n, d)
  ) {
    if (!Number.isSafeInteger(spec.count) || spec.count < 1)
      throw new InputError(`random features: count: expected an integer ≥ 1, got ${spec.count}`);
    const d = xTrain.size(1);
    const t = keep(
      scope(() => {
        const g = new Generator(deriveSeed(spec.seed, 'random-features'));
        const v = randn([spec.count, d], { generator: g, dtype: 'float64' });
        const phase = new Generator(deriveSeed(spec.seed, 'random-features-phase'));
        return {
          v: spec.map === 'fourier' ? v.mul(Math.sqrt(2 * spec.gamma)) : v.div(Math.sqrt(d)),
          b: rand([spec.count], { generator: phase, dtype: 'float64' }).mul(2 * Math.PI),
          mu: xTrain.to('float64').mean(0),
        };
      }),
    );
    this.v = t.v;
    this.b = t.b;
    this.mu = t.mu;
  }
  /** The features of x (m, d): (m, N) float64. */
  apply(x: Tensor): Tensor {
    return scope(() => {
      const xd = x.to('float64');
      if (this.spec.map === 'relu') return xd.sub(this.mu).matmul(this.v.t()).relu();
      return xd
        .matmul(this.v.t())
        .add(this.b)
        .cos()
        .mul(Math.sqrt(2 / this.spec.count));
    });
  }
  dispose(): void {
    for (const t of [this.v, this.b, this.mu]) t.dispose();
  }
}

export const MIN_NORM_SOLVERS = ['auto', 'svd', 'gram'] as const;
export type MinNormSolver = (typeof MIN_NORM_SOLVERS)[number];
export type MinNormRoute = Exclude<MinNormSolver, 'auto'>;

export interface MinNormFit {
  w: Tensor; // (N, k) float64: Φ⁺Y
  rank: number; // Φ's numerical rank: the singular values (or Gram eigenvalues) kept
  condition: number; // σ_max / σ_min of Φ over the kept singular values
  smallestEigenvalue: number; // of the smaller Gram matrix, relative to its largest: 1 / condition²
  solver: MinNormRoute; // the route that gave w
}

// auto keeps the Gram route's answer while cond(Φ)² ≤ 10⁶: it has then lost at most 6 of float64's 16
// digits, and its eigenvalues still measure cond(Φ) well enough to tell.
const GRAM_MAX_CONDITION = 1e3;

/**
 * The minimum-norm least-squares solution W = Φ⁺Y for Φ (n, N) and Y (n, k), float64.
 * svd: LAPACK's gelsd on Φ itself; singular values σ ≤ max(n, N)·ε·σ_max count as zero. Its error grows
 * with cond(Φ), so it stays exact at the interpolation threshold N = n, where Φ is square and its
 * smallest singular value tiny: the double-descent peak's cause, large ‖W‖.
 * gram: the eigenvectors of the smaller Gram matrix, Φᵀ(ΦΦᵀ)⁺Y when N ≥ n, (ΦᵀΦ)⁺ΦᵀY when N < n,
 * eigenvalues below m·ε·λ_max (m its size) taken as zero. Forming ΦΦᵀ squares cond(Φ): once it passes
 * about 1/√(m·ε) (2·10⁶ at m = 1,000) the smallest directions drop out (lower rank, smaller ‖W‖,
 * no longer interpolating), and below that they carry cond(Φ)²·ε relative error.
 * auto (the default): gram, then svd where gram dropped a direction or cond(Φ) > GRAM_MAX_CONDITION,
 * which for random features is near N = n. Far from it gram is as exact and costs less: one matrix
 * product (BLAS 3) where gelsd factors Φ (N·n) and keeps a copy of it.
 */
export function minNormLeastSquares(
  phi: Tensor,
  y: Tensor,
  opts: { solver?: MinNormSolver } = {},
): MinNormFit {
  const [n, N] = phi.shape;
  if (y.size(0) !== n)
    throw new InputError(`minNormLeastSquares: Y has ${y.size(0)} rows; expected ${n}, as Φ has`);
  const solver = opts.solver ?? 'auto';
  return scope(() => {
    const [p, t] = [phi.to('float64'), y.to('float64')];
    if (solver === 'svd') return svdRoute(p, t);
    const gram = gramRoute(p, t);
    const exact = gram.rank === Math.min(n, N) && gram.condition <= GRAM_MAX_CONDITION;
    return solver === 'gram' || exact ? gram : svdRoute(p, t);
  });
}

/** σ_max / σ_min and (σ_min / σ_max)² of the kept singular values, descending. */
function conditioning(kept: number[]): { condition: number; smallestEigenvalue: number } {
  if (!kept.length || !(kept[0] > 0)) return { condition: Infinity, smallestEigenvalue: 0 };
  const ratio = kept[kept.length - 1] / kept[0];
  return { condition: 1 / ratio, smallestEigenvalue: ratio * ratio };
}

function svdRoute(p: Tensor, y: Tensor): MinNormFit {
  const fit = linalg.lstsq(p, y, { driver: 'gelsd' });
  const sigma = (fit.singularValues?.toArray() ?? []) as number[]; // descending
  const rank = fit.rank ?? sigma.length;
  return { w: fit.solution, rank, ...conditioning(sigma.slice(0, rank)), solver: 'svd' };
}

function gramRoute(p: Tensor, y: Tensor): MinNormFit {
  const wide = p.size(1) >= p.size(0);
  const gram = wide ? p.matmul(p.t()) : p.t().matmul(p); // (m, m)
  const [lambda, vecs] = linalg.eigh(gram);
  const values = lambda.toArray() as number[]; // ascending
  const top = Math.max(values[values.length - 1], 0);
  const cut = values.length * Number.EPSILON * top;
  const inv = lambda
    .gt(cut)
    .double()
    .div(lambda.clamp(cut > 0 ? cut : Number.MIN_VALUE));
  const pinv = (b: Tensor) => vecs.matmul(vecs.t().matmul(b).mul(inv.unsqueeze(1))); // G⁺b
  const w = wide ? p.t().matmul(pinv(y)) : pinv(p.t().matmul(y));
  const kept = values.filter((v) => v > cut).map((v) => Math.sqrt(v));
  return { w, rank: kept.length, ...conditioning(kept.reverse()), solver: 'gram' };
}

/** One-hot rows of labels (n) int64 over k classes: (n, k) float64, the least-squares targets. */
export function oneHot(labels: Tensor, k: number): Tensor {
  return scope(() => {
    const n = labels.size(0);
    return zeros([n, k], { dtype: 'float64' }).scatter(1, labels.reshape(n, 1), 1);
  });
}

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

export interface MinNormFit {
  w: Tensor; // (N, k) float64: Φ⁺Y
  rank: number; // eigenvalues of the smaller Gram matrix kept
  smallestEigenvalue: number; // of that Gram matrix, relative to its largest
}

/**
 * The minimum-norm least-squares solution W = Φ⁺Y for Φ (n, N) and Y (n, k), through the eigenvectors
 * of the smaller Gram matrix: Φᵀ(ΦΦᵀ)⁺Y when N ≥ n, (ΦᵀΦ)⁺ΦᵀY when N < n. Eigenvalues below
 * m·ε·λ_max (m its size, ε float64's) are treated as zero: the Gram matrix holds no more digits.
 * Near N = n the smallest kept eigenvalue is tiny and ‖W‖ large: the double-descent peak's cause.
 */
export function minNormLeastSquares(phi: Tensor, y: Tensor): MinNormFit {
  const [n, N] = phi.shape;
  if (y.size(0) !== n)
    throw new InputError(`minNormLeastSquares: Y has ${y.size(0)} rows; expected ${n}, as Φ has`);
  const wide = N >= n;
  return scope(() => {
    const p = phi.to('float64');
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
    const rhs = y.to('float64');
    const w = wide ? p.t().matmul(pinv(rhs)) : pinv(p.t().matmul(rhs));
    const kept = values.filter((v) => v > cut);
    return { w, rank: kept.length, smallestEigenvalue: top > 0 ? (kept[0] ?? 0) / top : 0 };
  });
}

/** One-hot rows of labels (n) int64 over k classes: (n, k) float64, the least-squares targets. */
export function oneHot(labels: Tensor, k: number): Tensor {
  return scope(() => {
    const n = labels.size(0);
    return zeros([n, k], { dtype: 'float64' }).scatter(1, labels.reshape(n, 1), 1);
  });
}

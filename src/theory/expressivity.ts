// Theorem 1 (Section 4): the weights of a ReLU network c(x) = Σⱼ wⱼ·max(⟨a, x⟩ − bⱼ, 0) that fits n labelled points exactly.
import { Generator, InputError, Tensor, keep, randn, scope, tensor } from '../engine/index.js';

/**
 * The construction, in float64. Points are indexed in sorted-projection order: `order[i]` is the
 * row of X whose projection is the i-th smallest (only the unique points kept for the fit).
 */
export interface Theorem1 {
  a: Tensor; // (d) the random direction
  b: Tensor; // (m) biases, interleaved: b₁ < x₁ < b₂ < x₂ < … < bₘ < xₘ
  w: Tensor; // (m) output weights, the solution of the lower-triangular system A w = y
  order: Tensor; // (m) int64 rows of X, by increasing projection
  projections: Tensor; // (m) the sorted projections x₁ < … < xₘ
  minGap: number; // min (x_{i+1} − x_i): the conditioning of A (its smallest diagonal entry is half of it)
  redraws: number; // directions drawn again because two different images happened to project alike
  duplicates: [number, number][]; // identical images with the same target: the second is fitted by the first
}

/** Identical inputs with different targets: no function fits them (Section 4's caveat). */
export class ImpossibleFitError extends InputError {
  override name = 'ImpossibleFitError';
  constructor(
    readonly pairs: [number, number][],
    targets: [number, number][],
  ) {
    const shown = pairs
      .slice(0, 5)
      .map(([i, j], k) => `${i} and ${j} (targets ${targets[k][0]} and ${targets[k][1]})`);
    super(
      `expressivity: ${pairs.length} pair(s) of identical inputs with different targets, at rows ${shown.join('; ')}` +
        `${pairs.length > 5 ? ' …' : ''}; expected distinct inputs or equal targets — no network fits a point two ways`,
    );
  }
}

export interface Theorem1Options {
  generator: Generator; // draws the direction a
  maxRedraws?: number; // accidental ties tolerated before giving up (default 5)
}

interface Ties {
  conflicts: [number, number][];
  conflictTargets: [number, number][];
  duplicates: [number, number][];
  accidental: number;
}

export const TIE_TOLERANCE = 1e-12; // relative to max |projection|: far above a float64 dot product's rounding

/**
 * Consecutive projections equal within TIE_TOLERANCE (identical rows can differ by rounding in the
 * product): identical rows (duplicates, or conflicts when targets differ) or accidents (redraw a).
 */
function findTies(x: Tensor, y: Tensor, sorted: Tensor, order: Tensor): Ties {
  const ties: Ties = { conflicts: [], conflictTargets: [], duplicates: [], accidental: 0 };
  const m = sorted.size(0);
  if (m < 2) return ties;
  const at = scope(() => {
    const tol = sorted.abs().max().item() * TIE_TOLERANCE;
    return sorted
      .narrow(0, 1, m - 1)
      .sub(sorted.narrow(0, 0, m - 1))
      .le(tol)
      .nonzero()
      .toArray();
  });
  if (at.length === 0) return ties;
  const ord = order.toArray();
  const targets = y.toArray();
  for (const i of at) {
    const [p, q] = [ord[i], ord[i + 1]];
    const same = scope(() => x.select(0, p).sub(x.select(0, q)).abs().max().item() === 0);
    if (!same) ties.accidental++;
    else if (targets[p] !== targets[q]) {
      ties.conflicts.push([Math.min(p, q), Math.max(p, q)]);
      ties.conflictTargets.push([targets[Math.min(p, q)], targets[Math.max(p, q)]]);
    } else ties.duplicates.push([Math.min(p, q), Math.max(p, q)]);
  }
  return ties;
}

/**
 * Theorem 1, step 4: forward substitution on A w = y with A[i][j] = xᵢ − bⱼ (j ≤ i), in O(n) without
 * forming A. With S_{i−1} = Σ_{j<i} wⱼ, row i minus row i−1 reads Δyᵢ = Δxᵢ·S_{i−1} + wᵢ(xᵢ − bᵢ).
 */
export function solveInterleaved(x: Tensor, b: Tensor, y: Tensor): Tensor {
  const [xs, bs, ys] = [x, b, y].map((t) => scope(() => t.to('float64').data() as Float64Array));
  const w = new Float64Array(xs.length);
  w[0] = ys[0] / (xs[0] - bs[0]);
  let s = w[0];
  for (let i = 1; i < xs.length; i++) {
    w[i] = (ys[i] - ys[i - 1] - (xs[i] - xs[i - 1]) * s) / (xs[i] - bs[i]);
    s += w[i];
  }
  return tensor(w, [xs.length]);
}

/**
 * Theorem 1, step 2: b₁ one mean gap below x₁, then bᵢ = x_{i−1} + θ(xᵢ − x_{i−1}). The paper only needs
 * b₁ < x₁ < b₂ < …; a small θ makes the recurrence above contract (S_i ≈ the local slope) where θ = ½
 * makes it alternate and grow: at n = 20,000, max residual 1e-5 instead of 6e-3.
 */
export function interleavedBiases(x: Tensor, theta = 0.1): Tensor {
  const xs = scope(() => x.to('float64').data() as Float64Array);
  const m = xs.length;
  const span = m > 1 ? (xs[m - 1] - xs[0]) / (m - 1) : 1;
  const b = new Float64Array(m);
  b[0] = xs[0] - (span > 0 ? span : 1);
  for (let i = 1; i < m; i++) b[i] = xs[i - 1] + theta * (xs[i] - xs[i - 1]);
  return tensor(b, [m]);
}

/** Steps 1–2: a direction whose projections of distinct inputs are distinct, and the sorted order. */
function drawDirection(
  x: Tensor,
  y: Tensor,
  o: Theorem1Options,
): { a: Tensor; sorted: Tensor; order: Tensor; ties: Ties; redraws: number } {
  const maxRedraws = o.maxRedraws ?? 5;
  for (let redraws = 0; ; redraws++) {
    const found = scope(() => {
      const a = randn([x.size(1)], { generator: o.generator, dtype: 'float64' });
      const { values, indices } = x.matmul(a).sort(0);
      return { a, sorted: values, order: indices, ties: findTies(x, y, values, indices) };
    });
    if (found.ties.conflicts.length > 0)
      throw new ImpossibleFitError(found.ties.conflicts, found.ties.conflictTargets);
    if (found.ties.accidental === 0) return { ...found, redraws };
    if (redraws >= maxRedraws) {
      throw new Error(
        `expressivity: ${found.ties.accidental} accidental tie(s) in the projection after ${redraws + 1} directions; expected distinct projections of distinct inputs`,
      );
    }
  }
}

/** Builds Theorem 1's weights for inputs x (n, d) and real targets y (n), in float64. */
export function theorem1(xIn: Tensor, yIn: Tensor, o: Theorem1Options): Theorem1 {
  if (xIn.ndim !== 2 || yIn.ndim !== 1 || xIn.size(0) !== yIn.size(0) || xIn.size(0) < 1) {
    throw new InputError(
      `expressivity: expected inputs (n, d) and targets (n) with n ≥ 1, got [${xIn.shape.join(', ')}] and [${yIn.shape.join(', ')}]`,
    );
  }
  return scope(() => {
    const x = xIn.to('float64');
    const y = yIn.to('float64');
    const { a, sorted, order, ties, redraws } = drawDirection(x, y, o);
    let [xs, ord] = [sorted, order];
    if (ties.duplicates.length > 0) {
      // Duplicated (image, target) pairs: fit each once; the copy gets the same output for free.
      const drop = new Set(ties.duplicates.map(([, q]) => q));
      const keepAt = Int32Array.from(ord.toArray().flatMap((r, i) => (drop.has(r) ? [] : [i])));
      const idx = tensor(keepAt).to('int64');
      [xs, ord] = [xs.indexSelect(0, idx), ord.indexSelect(0, idx)];
    }
    const gaps =
      xs.size(0) > 1
        ? xs.narrow(0, 1, xs.size(0) - 1).sub(xs.narrow(0, 0, xs.size(0) - 1))
        : tensor([Infinity], [1], { dtype: 'float64' });
    const b = interleavedBiases(xs);
    const w = solveInterleaved(xs, b, y.indexSelect(0, ord));
    return keep({
      a,
      b,
      w,
      order: ord,
      projections: xs,
      minGap: gaps.min().item(),
      redraws,
      duplicates: ties.duplicates,
    });
  });
}

/** Frees the tensors of a construction. */
export function disposeTheorem1(c: Theorem1): void {
  for (const t of [c.a, c.b, c.w, c.order, c.projections]) t.dispose();
}

// Section 5, linear case: SGD on under-determined least squares from zero converges to the minimum-norm solution X⁺y.
import { Generator, InputError, Tensor, keep, linalg, randn, randperm, scope } from '../engine/index.js';

export interface MinNormOptions {
  epochs: number;
  batchSize: number;
  lr?: number; // default 1 / max ‖xᵢ‖²: stable for any batch (λ_max of a batch average is at most that)
  generator: Generator; // batch order
}

export interface MinNormPoint {
  epoch: number;
  residual: number; // ‖Xw − y‖ / ‖y‖
  norm: number; // ‖w‖
  distance: number; // ‖w − X⁺y‖ / ‖X⁺y‖
}

export interface MinNormRun {
  curve: MinNormPoint[];
  w: Tensor; // (d) the final iterate
}

/** X⁺y = Xᵀ(XXᵀ)⁻¹y for X (n, d) of full row rank n < d, in float64. */
export function minNormSolution(x: Tensor, y: Tensor): Tensor {
  const [n, d] = x.shape;
  if (n >= d)
    throw new InputError(`minnorm: expected an under-determined system (n < d), got n = ${n}, d = ${d}`);
  return scope(() => {
    const xd = x.to('float64');
    const gram = xd.matmul(xd.t()); // (n, n)
    const alpha = linalg.solve(gram, y.to('float64').reshape(n, 1));
    return xd.t().matmul(alpha).reshape(d);
  });
}

function point(epoch: number, x: Tensor, y: Tensor, w: Tensor, star: Tensor): MinNormPoint {
  return scope(() => ({
    epoch,
    residual: x.matmul(w).sub(y).norm().item() / y.norm().item(),
    norm: w.norm().item(),
    distance: w.sub(star).norm().item() / star.norm().item(),
  }));
}

/**
 * Plain SGD on ½‖Xw − y‖² / n from w0: w ← w − lr·X_Bᵀ(X_B w − y_B)/|B|, batches reshuffled each
 * epoch. Every step adds a combination of rows of X, so from w0 = 0 the iterate never leaves
 * their span, and the interpolant it reaches is the one of minimum norm (Section 5).
 */
export function sgdLeastSquares(
  x: Tensor,
  y: Tensor,
  w0: Tensor,
  star: Tensor,
  o: MinNormOptions,
): MinNormRun {
  const n = x.size(0);
  const xd = scope(() => keep(x.to('float64')));
  const yd = scope(() => keep(y.to('float64')));
  const lr = o.lr ?? scope(() => 1 / xd.square().sum(1).max().item());
  const w = scope(() => keep(w0.to('float64').clone()));
  try {
    const curve = [point(0, xd, yd, w, star)];
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = randperm(n, { generator: o.generator });
      for (let s = 0; s < n; s += o.batchSize) {
        scope(() => {
          const idx = order.narrow(0, s, Math.min(o.batchSize, n - s));
          const xb = xd.indexSelect(0, idx);
          const r = xb.matmul(w).sub(yd.indexSelect(0, idx)); // (B)
          w.sub_(xb.t().matmul(r), lr / idx.size(0));
        });
      }
      order.dispose();
      curve.push(point(epoch, xd, yd, w, star));
    }
    return { curve, w };
  } finally {
    xd.dispose();
    yd.dispose();
  }
}

/** A random starting point with the same norm as X⁺y (the "elsewhere" of Section 5). */
export function randomInit(d: number, scale: number, generator: Generator): Tensor {
  return scope(() => {
    const v = randn([d], { generator, dtype: 'float64' });
    return v.mul(scale / v.norm().item());
  });
}

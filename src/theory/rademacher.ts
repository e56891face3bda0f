// Empirical Rademacher complexity (PAPER.md §8): how well a model class, trained on random ±1 labels σ, correlates with them.
import { Generator, Tensor, deriveSeed, noGrad, randint, randperm, scope } from '../engine/index.js';
import { F, Linear, ReLU, Sequential } from '../nn/index.js';
import { SGD } from '../optim/index.js';
import { disposeInterpolant, fitKernel, predict } from './kernel.js';

export const RADEMACHER_MODELS = ['mlp', 'kernel'] as const;
export type RademacherModel = (typeof RADEMACHER_MODELS)[number];

export interface RademacherOptions {
  model: RademacherModel;
  draws: number;
  seed: number;
  hidden: number; // mlp: width of its one hidden layer
  epochs: number; // mlp: SGD epochs on the square loss
  lr: number; // mlp
  gamma: number; // kernel: Gaussian exp(−γ‖x − x′‖²)
  ridge: number; // kernel: 0 interpolates (the estimate is then 1)
}

export interface RademacherEstimate {
  estimate: number; // mean over draws of (1/n) Σ σᵢ f(xᵢ), f clipped to [−1, 1]
  draws: number;
  stderr: number; // standard error of that mean
  values: number[]; // per draw
}

/** Random signs (n, draws) in {−1, +1}, as float. */
function signs(n: number, draws: number, seed: number, dtype: 'float32' | 'float64'): Tensor {
  return scope(() =>
    randint(0, 2, [n, draws], { generator: new Generator(deriveSeed(seed, 'rademacher-signs')) })
      .mul(2)
      .sub(1)
      .to(dtype),
  );
}

/** (1/n) Σᵢ σᵢ·clip(f(xᵢ), −1, 1) per column. */
function correlations(sigma: Tensor, out: Tensor): number[] {
  return scope(() => out.clamp(-1, 1).mul(sigma).mean(0).toArray());
}

/** One-hidden-layer ReLU MLP trained by SGD (momentum 0.9, batch 32) on the square loss to σ; returns f on the sample. */
function mlpFit(x: Tensor, sigma: Tensor, o: RademacherOptions, draw: number): Tensor {
  const g = new Generator(deriveSeed(o.seed, 'rademacher-mlp', draw));
  const net = new Sequential(
    new Linear(x.size(1), o.hidden, { generator: g }),
    new ReLU(),
    new Linear(o.hidden, 1, { generator: g }),
  );
  const opt = new SGD(net.parameters(), { lr: o.lr, momentum: 0.9 });
  const n = x.size(0);
  try {
    for (let e = 0; e < o.epochs; e++) {
      const order = randperm(n, { generator: g });
      for (let s = 0; s < n; s += 32) {
        scope(() => {
          const idx = order.narrow(0, s, Math.min(32, n - s));
          const loss = F.mseLoss(net.forward(x.indexSelect(0, idx)).reshape(-1), sigma.indexSelect(0, idx));
          opt.zeroGrad();
          loss.backward();
          opt.step();
        });
      }
      order.dispose();
    }
    return noGrad(() => net.forward(x).reshape(-1));
  } finally {
    opt.dispose();
    net.dispose();
  }
}

/** Estimates the empirical Rademacher complexity of the model class on the sample x (n, d). */
export function estimateRademacher(
  x: Tensor,
  o: RademacherOptions,
  onDraw?: (done: number) => void,
): RademacherEstimate {
  const values = scope(() => {
    const n = x.size(0);
    if (o.model === 'kernel') {
      // One factorization serves every draw: the draws are the columns of the right-hand side.
      const xd = x.to('float64');
      const sigma = signs(n, o.draws, o.seed, 'float64');
      const f = fitKernel({ name: 'gaussian', gamma: o.gamma }, xd, sigma, o.ridge);
      try {
        onDraw?.(o.draws);
        return correlations(sigma, predict(f, xd));
      } finally {
        disposeInterpolant(f);
      }
    }
    const xf = x.to('float32');
    const sigma = signs(n, o.draws, o.seed, 'float32');
    const out: number[] = [];
    for (let k = 0; k < o.draws; k++) {
      out.push(
        scope(() => {
          const s = sigma.select(1, k).contiguous();
          return correlations(s.reshape(-1, 1), mlpFit(xf, s, o, k).reshape(-1, 1))[0];
        }),
      );
      onDraw?.(k + 1);
    }
    return out;
  });
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { estimate: mean, draws: values.length, stderr: Math.sqrt(variance / values.length), values };
}

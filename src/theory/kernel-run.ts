// One kernel-interpolation experiment (Section 5, Table 3's form): features, Gram matrix, Cholesky, errors, norm, time, memory.
import { Generator, Tensor, arange, cat, randperm, scope, type DType } from '../engine/index.js';
import { computeFeatures, type FeatureSpec } from './features.js';
import {
  classError,
  disposeInterpolant,
  fitKernel,
  predict,
  rkhsNorm,
  type KernelName,
  type KernelSpec,
  type SolveOptions,
} from './kernel.js';

export const PIXEL_GAMMA = 0.02; // the author's demo: exp(−0.02‖x − x′‖²) on pixels / 255

export interface KernelRunOptions {
  kernel: KernelName;
  gamma?: number; // undefined: PIXEL_GAMMA on pixels, else 1 / mean ‖x − x′‖² (polynomial: 1 / mean ‖x‖²)
  degree?: number;
  ridge: number;
  features: FeatureSpec;
  dtype: DType;
  solve?: SolveOptions; // solver, tol, … (onStage is runKernel's)
}

export interface KernelResult {
  n: number;
  d: number; // feature dimension
  kernel: KernelName;
  gamma: number;
  ridge: number;
  features: string;
  dtype: DType;
  trainError: number;
  testError: number;
  norm: number; // √tr(αᵀKα)
  solver: 'cholesky' | 'cg';
  iterations: number; // cg
  relativeResidual: number | null; // cg: max over classes of ‖Yⱼ − (K+λI)αⱼ‖ / ‖Yⱼ‖
  featureSeconds: number;
  solveSeconds: number; // Gram matrix + Cholesky or CG
  seconds: number; // everything after loading
  peakRssMiB: number;
}

/** The gamma used when none is given (see KernelRunOptions.gamma), estimated on ≤ 1,000 random pairs. */
export function autoGamma(kernel: KernelName, features: string, x: Tensor): number {
  if (features === 'pixels' && (kernel === 'gaussian' || kernel === 'laplacian')) return PIXEL_GAMMA;
  return scope(() => {
    const m = Math.min(1000, x.size(0));
    const idx = randperm(x.size(0), { generator: new Generator(0) }).narrow(0, 0, m);
    const a = x.indexSelect(0, idx).to('float64');
    if (kernel === 'polynomial' || kernel === 'linear') return 1 / a.square().sum(1).mean().item();
    const b = cat([a.narrow(0, 1, m - 1), a.narrow(0, 0, 1)]); // pairs (i, i+1) of a random sample
    const sq = a.sub(b).square().sum(1).mean().item();
    return kernel === 'gaussian' ? 1 / sq : 1 / Math.sqrt(sq);
  });
}

/** Targets for Kα = Y: one-hot rows (n, k) in dtype. */
export function oneHot(labels: Tensor, classes: number, dtype: DType): Tensor {
  return scope(() =>
    labels
      .reshape(-1, 1)
      .eq(arange(0, classes, 1, { dtype: 'int64' }).reshape(1, classes))
      .to(dtype),
  );
}

/** Runs one interpolation; onStage reports progress ('gram' rows done of n, 'factor', 'cg' iterations). Throws NotPositiveDefiniteError. */
export function runKernel(
  train: { images: Tensor; labels: Tensor },
  test: { images: Tensor; labels: Tensor },
  classes: number,
  o: KernelRunOptions,
  onStage?: SolveOptions['onStage'],
): KernelResult {
  const t0 = performance.now();
  return scope(() => {
    const xTrain = computeFeatures(train.images, o.features).to(o.dtype);
    const xTest = computeFeatures(test.images, o.features).to(o.dtype);
    const t1 = performance.now();
    const gamma = o.gamma ?? autoGamma(o.kernel, o.features.name, xTrain);
    const spec: KernelSpec = { name: o.kernel, gamma, degree: o.degree };
    const n = xTrain.size(0);
    const f = fitKernel(spec, xTrain, oneHot(train.labels, classes, o.dtype), o.ridge, undefined, {
      ...o.solve,
      onStage,
    });
    const t2 = performance.now();
    try {
      const testPred = predict(f, xTest);
      return {
        n,
        d: xTrain.size(1),
        kernel: o.kernel,
        gamma,
        ridge: o.ridge,
        features: o.features.name,
        dtype: o.dtype,
        trainError: classError(f.trainPred, train.labels),
        testError: classError(testPred, test.labels),
        norm: rkhsNorm(f, f.trainPred),
        solver: f.solver,
        iterations: f.iterations,
        relativeResidual: f.relativeResidual,
        featureSeconds: (t1 - t0) / 1000,
        solveSeconds: (t2 - t1) / 1000,
        seconds: (performance.now() - t0) / 1000,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
      };
    } finally {
      disposeInterpolant(f);
    }
  });
}

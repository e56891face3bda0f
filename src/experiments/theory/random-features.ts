// The random-features experiment (Belkin et al. 2019): min-norm least squares on N random features of n examples, its test error.
import { z } from 'zod';
import { CORRUPTIONS } from '../../randomize/index.js';
import { scope, type Tensor } from '../../engine/index.js';
import { disposeFlat, loadFlat, type FlatData } from '../../theory/data.js';
import {
  FEATURE_MAPS,
  RandomFeatures,
  minNormLeastSquares,
  oneHot,
  type MinNormRoute,
} from '../../theory/random-features.js';
import { datasetOptions, labelsOption, seedOption } from './common.js';
import { defineExperiment, type OnProgress } from './experiment.js';

export const RANDOM_FEATURES_OPTIONS = z.strictObject({
  dataset: datasetOptions({ trainSize: 1000 }), // n
  labels: labelsOption('true'), // training labels only: the test set stays clean
  corruption: z.enum(CORRUPTIONS as ['uniform', 'wrong-class']).default('wrong-class'), // Nakkiran et al.'s label noise
  features: z
    .strictObject({
      map: z.enum(FEATURE_MAPS).default('relu'),
      count: z.int().min(1).default(1000), // N
      gamma: z.number().positive().default(0.02), // fourier: exp(−γ‖x − x′‖²) on pixels / 255
    })
    .prefault({}),
  seed: seedOption(), // the subsets, the label noise and the features
});
export type RandomFeaturesOptions = z.output<typeof RANDOM_FEATURES_OPTIONS>;

export interface RandomFeaturesResult {
  dataset: string;
  n: number; // training examples
  features: number; // N
  classes: number;
  labelChangedFraction: number;
  trainError: number; // fraction misclassified (argmax of the fitted outputs)
  testError: number;
  trainMse: number; // mean over examples of ‖f(x) − onehot(y)‖²
  testMse: number;
  norm: number; // ‖W‖_F of the min-norm solution
  rank: number; // of Φ, as the solver saw it
  // cond(Φ) = σ_max / σ_min over the kept singular values, and the route that solved (minNormLeastSquares).
  // Both absent in runs stored before the SVD route: those took the Gram route; their smallestEigenvalue is 1 / cond².
  condition?: number;
  solver?: MinNormRoute;
  smallestEigenvalue: number; // of the smaller Gram matrix, relative to its largest: 1 / condition²
  seconds: number;
}

/** Classification error and squared loss of outputs (m, k) against labels (m). */
function scores(out: Tensor, labels: Tensor, k: number): { error: number; mse: number } {
  return scope(() => ({
    error: 1 - out.argmax(1).eq(labels).double().mean().item(),
    mse: out.sub(oneHot(labels, k)).square().sum(1).mean().item(),
  }));
}

async function run(o: RandomFeaturesOptions, onProgress?: OnProgress): Promise<RandomFeaturesResult> {
  const t0 = performance.now();
  const data: FlatData = loadFlat({
    dataset: o.dataset.name,
    dataDir: o.dataset.dataDir ?? undefined,
    trainSize: o.dataset.trainSize ?? undefined,
    testSize: o.dataset.testSize ?? undefined,
    subsetSeed: o.seed,
    labels: o.labels,
    corruption: o.corruption,
    seed: o.seed,
  });
  const map = new RandomFeatures({ ...o.features, seed: o.seed }, data.xTrain);
  try {
    return scope(() => {
      const k = data.classes;
      const phi = map.apply(data.xTrain); // (n, N)
      onProgress?.('solve', 0, 1);
      // auto: SVD where Φ is ill-conditioned (near N = n); elsewhere the Gram route, as exact there and
      // cheaper for N ≫ n, where gelsd factors a copy of the whole Φ and the Gram route multiplies it once.
      const fit = minNormLeastSquares(phi, oneHot(data.yTrain, k));
      onProgress?.('solve', 1, 1);
      const train = scores(phi.matmul(fit.w), data.yTrain, k);
      const test = scores(map.apply(data.xTest).matmul(fit.w), data.yTest, k);
      return {
        dataset: data.name,
        n: phi.size(0),
        features: phi.size(1),
        classes: k,
        labelChangedFraction: data.labelChangedFraction,
        trainError: train.error,
        testError: test.error,
        trainMse: train.mse,
        testMse: test.mse,
        norm: fit.w.norm().item(),
        rank: fit.rank,
        condition: fit.condition,
        solver: fit.solver,
        smallestEigenvalue: fit.smallestEigenvalue,
        seconds: (performance.now() - t0) / 1000,
      };
    });
  } finally {
    map.dispose();
    disposeFlat(data);
  }
}

export const randomFeaturesExperiment = defineExperiment({
  blasOnEveryCore: true,
  name: 'random-features',
  summary: 'min-norm least squares on N random features: test error against N (double descent at N = n)',
  options: RANDOM_FEATURES_OPTIONS,
  idParts: (o) => [
    `${o.dataset.name}-${o.dataset.trainSize ?? 'all'}`,
    `${o.features.map}${o.features.count}`,
    o.labels === 'true' ? 'labels-true' : `labels-${o.labels.replace(':', '-')}`,
  ],
  index: (o) => ({
    model: `random-${o.features.map}-${o.features.count}`,
    dataset: o.dataset.name,
    labels: o.labels,
    inputs: 'true',
  }),
  scores: (r: RandomFeaturesResult) => ({ trainAcc: 1 - r.trainError, testAcc: 1 - r.testError }),
  headline: (r) =>
    `N = ${r.features}, n = ${r.n}: test error ${(100 * r.testError).toFixed(2)}%, train ${(100 * r.trainError).toFixed(2)}%, ‖W‖ ${r.norm.toPrecision(3)}, rank ${r.rank}, cond ${r.condition?.toPrecision(3) ?? '—'}`,
  run,
});

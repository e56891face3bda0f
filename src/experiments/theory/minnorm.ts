// The min-norm experiment (Section 5): SGD on under-determined least squares from zero reaches X⁺y, from elsewhere not.
import { z } from 'zod';
import { Generator, deriveSeed, keep, randn, scope, zeros, type Tensor } from '../../engine/index.js';
import { disposeFlat, loadFlat } from '../../theory/data.js';
import { minNormSolution, randomInit, sgdLeastSquares, type MinNormPoint } from '../../theory/minnorm.js';
import { field } from '../../config/schema.js';
import { sampleOptions, seedOption } from './common.js';
import { defineExperiment, type OnProgress } from './experiment.js';

export const MINNORM_OPTIONS = z.strictObject({
  dataset: sampleOptions({
    trainSize: 100,
    minTrain: 2,
    trainHelp: 'examples (rows of X); must be below the feature count',
  }),
  features: z
    .strictObject({
      name: field(z.enum(['pixels', 'random']).default('pixels'), {
        flag: 'features',
        help: 'centred pixels / 255 (d = 784), or relu of random projections',
      }),
      width: field(z.int().min(1).default(2000), {
        flag: 'width',
        placeholder: 'D',
        help: 'random features: their number d',
      }),
    })
    .prefault({}),
  epochs: field(z.int().min(1).default(300), { flag: 'epochs', placeholder: 'E', help: 'SGD epochs' }),
  batchSize: field(z.int().min(1).default(1), {
    flag: 'batch-size',
    placeholder: 'B',
    help: 'SGD batch size (1 with the default lr is Kaczmarz: fastest per epoch on correlated pixels)',
  }),
  // null: 1 / max ‖xᵢ‖², stable for any batch
  lr: field(z.number().positive().nullable().default(null), {
    flag: 'lr',
    placeholder: 'LR',
    help: 'learning rate (default 1 / max ‖xᵢ‖², stable for any batch)',
  }),
  seed: seedOption('seed of the subset, batches and the non-zero start'),
});
export type MinNormOptions = z.output<typeof MINNORM_OPTIONS>;

export interface MinNormResult {
  dataset: string;
  n: number;
  d: number;
  epochs: number;
  finalResidual: number; // from w = 0, relative ‖Xw − y‖ / ‖y‖
  distanceToMinNorm: number; // from w = 0, ‖w − X⁺y‖ / ‖X⁺y‖
  normSgd: number;
  normMinNorm: number; // ‖X⁺y‖
  normFromNonzeroInit: number;
  residualFromNonzeroInit: number;
  distanceFromNonzeroInit: number;
  curves: { fromZero: MinNormPoint[]; fromNonzero: MinNormPoint[] }; // per epoch
  seconds: number;
}

/** X (n, d) float64 and y (n) = the label values, centred. */
function problem(o: MinNormOptions): { name: string; x: Tensor; y: Tensor } {
  const data = loadFlat({
    dataset: o.dataset.name,
    dataDir: o.dataset.dataDir ?? undefined,
    trainSize: o.dataset.trainSize ?? undefined,
    testSize: 1,
    subsetSeed: o.seed,
  });
  try {
    const t = keep(
      scope(() => {
        let x = data.xTrain.to('float64');
        x = x.sub(x.mean(0, true));
        if (o.features.name === 'random') {
          const proj = randn([x.size(1), o.features.width], {
            generator: new Generator(deriveSeed(o.seed, 'minnorm-features')),
            dtype: 'float64',
          });
          x = x.matmul(proj.div(Math.sqrt(x.size(1)))).relu();
        }
        const y = data.yTrain.to('float64');
        return { x, y: y.sub(y.mean()) };
      }),
    );
    return { name: data.name, ...t };
  } finally {
    disposeFlat(data);
  }
}

async function run(o: MinNormOptions, onProgress?: OnProgress): Promise<MinNormResult> {
  const t0 = performance.now();
  const { name, x, y } = problem(o);
  const owned: Tensor[] = [x, y];
  try {
    const [n, d] = x.shape;
    const star = minNormSolution(x, y);
    owned.push(star);
    const sgd = { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr ?? undefined };
    const batches = () => new Generator(deriveSeed(o.seed, 'batches'));
    const origin = zeros([d], { dtype: 'float64' });
    owned.push(origin);
    const zero = sgdLeastSquares(x, y, origin, star, { ...sgd, generator: batches() });
    owned.push(zero.w);
    onProgress?.('sgd', 1, 2);
    const starNorm = scope(() => star.norm().item());
    const init = randomInit(d, starNorm, new Generator(deriveSeed(o.seed, 'init')));
    owned.push(init);
    const other = sgdLeastSquares(x, y, init, star, { ...sgd, generator: batches() });
    owned.push(other.w);
    onProgress?.('sgd', 2, 2);
    const last = (c: MinNormPoint[]): MinNormPoint => c[c.length - 1];
    return {
      dataset: name,
      n,
      d,
      epochs: o.epochs,
      finalResidual: last(zero.curve).residual,
      distanceToMinNorm: last(zero.curve).distance,
      normSgd: last(zero.curve).norm,
      normMinNorm: starNorm,
      normFromNonzeroInit: last(other.curve).norm,
      residualFromNonzeroInit: last(other.curve).residual,
      distanceFromNonzeroInit: last(other.curve).distance,
      curves: { fromZero: zero.curve, fromNonzero: other.curve },
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    for (const t of owned) t.dispose();
  }
}

export const minnormExperiment = defineExperiment({
  name: 'minnorm',
  summary: 'SGD from zero finds the minimum-norm interpolant X⁺y; from elsewhere, a larger one',
  options: MINNORM_OPTIONS,
  idParts: (o) => [
    `${o.dataset.name}-${o.dataset.trainSize ?? 'all'}`,
    o.features.name === 'random' ? `random${o.features.width}` : 'pixels',
    `epochs${o.epochs}`,
  ],
  index: (o) => ({
    model: o.features.name === 'random' ? `least-squares-random${o.features.width}` : 'least-squares-pixels',
    dataset: o.dataset.name,
    labels: 'true',
    inputs: o.features.name,
  }),
  scores: (_r: MinNormResult) => ({}),
  headline: (r) =>
    `from 0: distance to X⁺y ${r.distanceToMinNorm.toExponential(2)}; from w₀ ≠ 0: ${r.distanceFromNonzeroInit.toPrecision(3)}`,
  run,
});

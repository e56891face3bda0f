// The kernel experiment (Section 5, Table 3's form): options, data, and one interpolation Kα = Y, up to n = 60,000.
import { z } from 'zod';
import type { DType } from '../../engine/index.js';
import { disposeDataset, loadDataset } from '../../data/index.js';
import { applyRandomization, drawRandomization, parseRandomization } from '../../randomize/index.js';
import { DEFAULT_FEATURES, FEATURES } from '../../theory/features.js';
import { AUTO_CG_ABOVE, KERNELS, SOLVERS } from '../../theory/kernel.js';
import { field } from '../../config/schema.js';
import { CG_DEFAULTS } from '../../theory/kernel-cg.js';
import { runKernel, type KernelResult } from '../../theory/kernel-run.js';
import { datasetOptions, labelsOption, seedOption } from './common.js';
import { defineExperiment } from './experiment.js';
import { datasetIdPart } from '../../store/ids.js';

const posInt = (fallback: number) => z.int().min(1).default(fallback);

export const KERNEL_OPTIONS = z.strictObject({
  dataset: datasetOptions({
    trainSize: 10000,
    trainHelp: 'training points, a seeded subset (60000: all of (Fashion-)MNIST)',
    testHelp: 'test points (default: the whole test split)',
  }),
  labels: labelsOption('true', 'training labels'),
  seed: seedOption('seed of the subsets, the label randomization and random filters'), // and CG's landmarks
  kernel: field(z.enum(KERNELS).default('gaussian'), { flag: 'kernel', help: 'k(x, x′)' }),
  // null: 0.02 on pixels, else 1 / mean ‖x − x′‖²
  gamma: field(z.number().positive().nullable().default(null), {
    flag: 'gamma',
    placeholder: 'X',
    help: 'kernel scale (default: 0.02 on pixels, else 1 / mean ‖x − x′‖²)',
  }),
  degree: field(posInt(3), { flag: 'degree', placeholder: 'P', help: 'polynomial degree' }),
  ridge: field(z.number().min(0).default(0), {
    flag: 'ridge',
    placeholder: 'λ',
    help: 'solve (K + λI)α = Y; 0 interpolates exactly',
  }),
  features: z
    .strictObject({
      name: field(z.enum(FEATURES).default('pixels'), {
        flag: 'features',
        help: 'pixels / 255, a Gabor wavelet bank, or random conv features',
      }),
      scales: field(z.int().min(1).max(5).default(DEFAULT_FEATURES.scales), {
        flag: 'scales',
        placeholder: 'S',
        help: 'gabor: wavelengths 2, 4, … 2^S pixels',
      }),
      orientations: field(posInt(DEFAULT_FEATURES.orientations), {
        flag: 'orientations',
        placeholder: 'O',
        help: 'gabor: angles',
      }),
      filters: field(posInt(DEFAULT_FEATURES.filters), {
        flag: 'filters',
        placeholder: 'F',
        help: 'random-conv: random filters',
      }),
      filterSize: field(
        posInt(DEFAULT_FEATURES.filterSize).refine((k) => k % 2 === 1, 'expected an odd size'),
        { flag: 'filter-size', placeholder: 'K', help: 'random-conv: filter side (odd)' },
      ),
      pool: field(posInt(DEFAULT_FEATURES.pool), {
        flag: 'pool',
        placeholder: 'P',
        help: 'gabor / random-conv: average-pooling window',
      }),
    })
    .prefault({}),
  dtype: field(z.enum(['auto', 'float32', 'float64']).default('auto'), {
    flag: 'dtype',
    help: 'auto: float64 while K fits in 8 GiB (n ≤ 32,768), else float32',
  }),
  solver: z
    .strictObject({
      name: field(z.enum(SOLVERS).default('auto'), {
        flag: 'solver',
        help: `cholesky (exact), cg (to --tol), auto: cg above n = ${AUTO_CG_ABOVE}`,
      }),
      tol: field(z.number().positive().default(CG_DEFAULTS.tol), {
        flag: 'tol',
        placeholder: 'T',
        help: 'cg: stop when ‖Y − (K+λI)α‖ / ‖Y‖ ≤ T for every class',
      }),
      maxIter: field(posInt(CG_DEFAULTS.maxIter), {
        flag: 'max-iter',
        placeholder: 'I',
        help: 'cg: iteration limit',
      }),
      landmarks: field(z.int().min(2).default(CG_DEFAULTS.landmarks), {
        flag: 'landmarks',
        placeholder: 'M',
        help: 'cg: Nyström preconditioner landmarks (keeps the top M/2 eigenpairs)',
      }),
    })
    .prefault({}),
});
export type KernelOptions = z.output<typeof KERNEL_OPTIONS>;
export type KernelExperimentResult = KernelResult & { dataset: string; labels: string };

/** float64 while the n×n matrix fits in 8 GiB (n ≤ 32,768), else float32. */
export function resolveDtype(dtype: KernelOptions['dtype'], n: number): DType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  return n * n * 8 <= 8 * 2 ** 30 ? 'float64' : 'float32';
}

async function run(o: KernelOptions, onProgress?: (s: string, d: number, t: number, x?: string) => void) {
  const raw = loadDataset({
    name: o.dataset.name,
    dataDir: o.dataset.dataDir ?? undefined,
    trainSize: o.dataset.trainSize ?? undefined,
    testSize: o.dataset.testSize ?? undefined,
    subsetSeed: o.seed,
    preprocess: { scale: true, centerCrop: null, perImageStandardization: false, normalize: false },
  });
  const spec = parseRandomization({ labels: o.labels, seed: o.seed });
  const ds = spec.labels === 'true' ? raw : applyRandomization(raw, drawRandomization(raw, spec));
  try {
    const n = ds.train.images.size(0);
    const result = runKernel(
      ds.train,
      ds.test,
      ds.classes.length,
      {
        kernel: o.kernel,
        gamma: o.gamma ?? undefined,
        degree: o.degree,
        ridge: o.ridge,
        dtype: resolveDtype(o.dtype, n),
        solve: {
          solver: o.solver.name,
          tol: o.solver.tol,
          maxIter: o.solver.maxIter,
          landmarks: o.solver.landmarks,
          seed: o.seed,
        },
        features: { ...o.features, seed: o.seed },
      },
      onProgress,
    );
    return { dataset: ds.name, labels: spec.labels, ...result };
  } finally {
    if (ds !== raw) disposeDataset(ds);
    disposeDataset(raw);
  }
}

export const kernelExperiment = defineExperiment({
  blasOnEveryCore: true,
  name: 'kernel',
  summary: 'exact kernel interpolation Kα = Y (Section 5): test error and RKHS norm',
  options: KERNEL_OPTIONS,
  idParts: (o) => [
    o.kernel,
    datasetIdPart(o.dataset),
    `labels-${o.labels}`,
    o.features.name,
    `ridge${o.ridge}`,
  ],
  index: (o) => ({
    model: `kernel-${o.kernel}`,
    dataset: o.dataset.name,
    labels: o.labels,
    inputs: o.features.name,
  }),
  scores: (r: KernelExperimentResult) => ({ trainAcc: 1 - r.trainError, testAcc: 1 - r.testError }),
  headline: (r) =>
    `train error ${(r.trainError * 100).toFixed(2)}%, test error ${(r.testError * 100).toFixed(2)}%, norm ${r.norm.toPrecision(4)}`,
  run,
});

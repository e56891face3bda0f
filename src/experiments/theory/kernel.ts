// The kernel experiment (Section 5, Table 3's form): options, data, and one interpolation Kα = Y, up to n = 60,000.
import { z } from 'zod';
import type { DType } from '../../engine/index.js';
import { disposeDataset, loadDataset } from '../../data/index.js';
import { applyRandomization, drawRandomization, parseRandomization } from '../../randomize/index.js';
import { DEFAULT_FEATURES, FEATURES } from '../../theory/features.js';
import { KERNELS, SOLVERS } from '../../theory/kernel.js';
import { CG_DEFAULTS } from '../../theory/kernel-cg.js';
import { runKernel, type KernelResult } from '../../theory/kernel-run.js';
import { datasetOptions, labelsOption, seedOption } from './common.js';
import { defineExperiment } from './experiment.js';
import { datasetIdPart } from '../../store/ids.js';

const posInt = (fallback: number) => z.int().min(1).default(fallback);

export const KERNEL_OPTIONS = z.strictObject({
  dataset: datasetOptions({ trainSize: 10000 }),
  labels: labelsOption('true'),
  seed: seedOption, // the subsets, the label randomization, random filters and CG's landmarks
  kernel: z.enum(KERNELS).default('gaussian'),
  gamma: z.number().positive().nullable().default(null), // null: 0.02 on pixels, else 1 / mean ‖x − x′‖²
  degree: posInt(3), // polynomial
  ridge: z.number().min(0).default(0), // (K + λI)α = Y; 0 interpolates exactly
  features: z
    .strictObject({
      name: z.enum(FEATURES).default('pixels'),
      scales: z.int().min(1).max(5).default(DEFAULT_FEATURES.scales),
      orientations: posInt(DEFAULT_FEATURES.orientations),
      filters: posInt(DEFAULT_FEATURES.filters),
      filterSize: posInt(DEFAULT_FEATURES.filterSize).refine((k) => k % 2 === 1, 'expected an odd size'),
      pool: posInt(DEFAULT_FEATURES.pool),
    })
    .prefault({}),
  dtype: z.enum(['auto', 'float32', 'float64']).default('auto'), // auto: float64 while K fits in 8 GiB
  solver: z
    .strictObject({
      name: z.enum(SOLVERS).default('auto'),
      tol: z.number().positive().default(CG_DEFAULTS.tol),
      maxIter: posInt(CG_DEFAULTS.maxIter),
      landmarks: z.int().min(2).default(CG_DEFAULTS.landmarks),
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

// genlab kernel: exact kernel interpolation Kα = Y on real data (Section 5, Table 3's form), at up to n = 60,000.
import { InputError, cpuCount, setNumThreads, type DType } from '../engine/index.js';
import { disposeDataset, loadDataset } from '../data/index.js';
import { DEFAULT_FEATURES, FEATURES, type FeatureName } from '../theory/features.js';
import { AUTO_CG_ABOVE, SOLVERS, type KernelName, type SolverName, KERNELS } from '../theory/kernel.js';
import { CG_DEFAULTS } from '../theory/kernel-cg.js';
import { runKernel, type KernelResult } from '../theory/kernel-run.js';
import { applyRandomization, drawRandomization, parseRandomization } from '../randomize/index.js';
import type { Command, Io } from './command.js';
import type { FlagSpec } from './args.js';
import { Progress } from './progress.js';
import { DATASET_FLAGS } from './fit-flags.js';
import { KERNEL_RESULTS } from '../report/paper.js';
import { comparisonCell, comparisonColumns, markdownTable, type Table } from '../report/table.js';
import { htmlReport } from '../report/html.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FLAGS: FlagSpec[] = [
  ...DATASET_FLAGS,
  {
    name: 'train-size',
    type: 'int',
    min: 1,
    placeholder: 'N',
    help: 'training points, a seeded subset (default 10,000; --report 2,000; 60000: all of (Fashion-)MNIST)',
  },
  {
    name: 'test-size',
    type: 'int',
    min: 1,
    placeholder: 'N',
    help: 'test points (default: the whole test split)',
  },
  {
    name: 'labels',
    type: 'string',
    default: 'true',
    placeholder: 'true|random|corrupted:P',
    help: 'training labels',
  },
  {
    name: 'seed',
    type: 'int',
    min: 0,
    default: 0,
    placeholder: 'S',
    help: 'seed of the subsets, the label randomization and random filters',
  },
  { name: 'kernel', type: 'enum', choices: KERNELS, default: 'gaussian', help: 'k(x, x′)' },
  {
    name: 'gamma',
    type: 'number',
    min: 0,
    placeholder: 'X',
    help: 'kernel scale (default: 0.02 on pixels, else 1 / mean ‖x − x′‖²)',
  },
  { name: 'degree', type: 'int', min: 1, default: 3, placeholder: 'P', help: 'polynomial degree' },
  {
    name: 'ridge',
    type: 'number',
    min: 0,
    default: 0,
    placeholder: 'λ',
    help: 'solve (K + λI)α = Y; 0 interpolates exactly',
  },
  {
    name: 'features',
    type: 'enum',
    choices: FEATURES,
    default: 'pixels',
    help: 'pixels / 255, a Gabor wavelet bank, or random conv features',
  },
  {
    name: 'scales',
    type: 'int',
    min: 1,
    max: 5,
    default: DEFAULT_FEATURES.scales,
    placeholder: 'S',
    help: 'gabor: wavelengths 2, 4, … 2^S pixels',
  },
  {
    name: 'orientations',
    type: 'int',
    min: 1,
    default: DEFAULT_FEATURES.orientations,
    placeholder: 'O',
    help: 'gabor: angles',
  },
  {
    name: 'filters',
    type: 'int',
    min: 1,
    default: DEFAULT_FEATURES.filters,
    placeholder: 'F',
    help: 'random-conv: random filters',
  },
  {
    name: 'filter-size',
    type: 'int',
    min: 1,
    default: DEFAULT_FEATURES.filterSize,
    placeholder: 'K',
    help: 'random-conv: filter side (odd)',
  },
  {
    name: 'pool',
    type: 'int',
    min: 1,
    default: DEFAULT_FEATURES.pool,
    placeholder: 'P',
    help: 'gabor / random-conv: average-pooling window',
  },
  {
    name: 'dtype',
    type: 'enum',
    choices: ['auto', 'float32', 'float64'],
    default: 'auto',
    help: 'auto: float64 while K fits in 8 GiB (n ≤ 32,768), else float32',
  },
  {
    name: 'solver',
    type: 'enum',
    choices: SOLVERS,
    default: 'auto',
    help: `cholesky (exact), cg (to --tol), auto: cg above n = ${AUTO_CG_ABOVE}`,
  },
  {
    name: 'tol',
    type: 'number',
    min: 0,
    default: CG_DEFAULTS.tol,
    placeholder: 'T',
    help: 'cg: stop when ‖Y − (K+λI)α‖ / ‖Y‖ ≤ T for every class',
  },
  {
    name: 'max-iter',
    type: 'int',
    min: 1,
    default: CG_DEFAULTS.maxIter,
    placeholder: 'I',
    help: 'cg: iteration limit',
  },
  {
    name: 'landmarks',
    type: 'int',
    min: 2,
    default: CG_DEFAULTS.landmarks,
    placeholder: 'M',
    help: 'cg: Nyström preconditioner landmarks (keeps the top M/2 eigenpairs)',
  },
  {
    name: 'report',
    type: 'bool',
    help: "Table 3's form: pixels, gabor, random-conv × ridge 0 and --ridge (default 0.1), beside the paper",
  },
  {
    name: 'out',
    type: 'string',
    placeholder: 'DIR',
    help: 'report: also write kernel-report.md and kernel-report.html there',
  },
  {
    name: 'threads',
    type: 'int',
    min: 1,
    default: 1,
    placeholder: 'T',
    help: 'libtorch threads for elementwise work (OpenBLAS uses every CPU unless OPENBLAS_NUM_THREADS says otherwise)',
  },
];

function resolveDtype(flag: string, n: number): DType {
  if (flag === 'float32' || flag === 'float64') return flag;
  return n * n * 8 <= 8 * 2 ** 30 ? 'float64' : 'float32';
}

/** Loads the data (pixels / 255), randomizes labels if asked, and runs the interpolation. */
export function kernelExperiment(
  flags: Record<string, unknown>,
  io: Io,
): KernelResult & { dataset: string; labels: string } {
  const threads = flags.threads as number;
  if (threads > cpuCount())
    throw new InputError(
      `genlab kernel: --threads: expected at most ${cpuCount()} (the CPUs), got ${threads}`,
    );
  setNumThreads(threads, cpuCount());
  const raw = loadDataset({
    name: flags.dataset as string,
    dataDir: flags['data-dir'] as string | undefined,
    trainSize: (flags['train-size'] as number | undefined) ?? 10000,
    testSize: flags['test-size'] as number | undefined,
    subsetSeed: flags.seed as number,
    preprocess: { scale: true, centerCrop: null, perImageStandardization: false, normalize: false },
  });
  const spec = parseRandomization({ labels: flags.labels as string, seed: flags.seed as number });
  const ds = spec.labels === 'true' ? raw : applyRandomization(raw, drawRandomization(raw, spec));
  try {
    const n = ds.train.images.size(0);
    const bars: Record<string, Progress> = {};
    const bar = (stage: string, total: number): Progress =>
      (bars[stage] ??= new Progress(
        io,
        stage === 'gram' ? 'kernel matrix' : stage === 'cg' ? 'conjugate gradient' : 'factorizing',
        total,
      ));
    const result = runKernel(
      ds.train,
      ds.test,
      ds.classes.length,
      {
        kernel: flags.kernel as KernelName,
        gamma: flags.gamma as number | undefined,
        degree: flags.degree as number,
        ridge: flags.ridge as number,
        dtype: resolveDtype(flags.dtype as string, n),
        solve: {
          solver: flags.solver as SolverName,
          tol: flags.tol as number,
          maxIter: flags['max-iter'] as number,
          landmarks: flags.landmarks as number,
          seed: flags.seed as number,
        },
        features: {
          name: flags.features as FeatureName,
          scales: flags.scales as number,
          orientations: flags.orientations as number,
          filters: flags.filters as number,
          filterSize: flags['filter-size'] as number,
          pool: flags.pool as number,
          seed: flags.seed as number,
        },
      },
      (stage, done, total, detail) => {
        if (stage === 'factor')
          bars.gram?.done(`— factorizing (n³/3 = ${(n ** 3 / 3).toExponential(1)} flops)`);
        else if (stage === 'gram' && done >= total) bar(stage, total).done();
        else bar(stage, total).update(done, detail);
      },
    );
    return { dataset: ds.name, labels: spec.labels, ...result };
  } finally {
    if (ds !== raw) disposeDataset(ds);
    disposeDataset(raw);
  }
}

function print(r: KernelResult & { dataset: string; labels: string }, io: Io): void {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  io.out(
    `${r.kernel} kernel (γ = ${r.gamma.toPrecision(3)}) on ${r.features} of ${r.dataset} (${r.labels} labels), n = ${r.n}, d = ${r.d}, ${r.dtype}, ridge ${r.ridge}\n`,
  );
  io.out(
    `  train error ${pct(r.trainError)}   test error ${pct(r.testError)}   RKHS norm √tr(αᵀKα) = ${r.norm.toPrecision(4)}\n`,
  );
  const how =
    r.solver === 'cg'
      ? `conjugate gradient: ${r.iterations} iterations, relative residual ${(r.relativeResidual ?? NaN).toExponential(2)}`
      : 'Cholesky';
  io.out(`  solved by ${how}\n`);
  io.out(
    `  ${r.seconds.toFixed(1)} s (features ${r.featureSeconds.toFixed(1)} s, kernel + solve ${r.solveSeconds.toFixed(1)} s), peak memory ${r.peakRssMiB.toFixed(0)} MiB\n`,
  );
  io.out(
    '  paper (MNIST, Section 5): 1.2% on pixels, 0.6% with Gabor features; CIFAR-10: 46% / 17% random conv / 15% with ridge\n',
  );
}

const REPORT_SIZE = 2000; // --report's default train and test sizes: six fits in a few minutes on 2 cores
const REPORT_RIDGE = 0.1;

/** The paper's Section 5 number for a row (MNIST for the MNIST-shaped sets, CIFAR-10 for CIFAR), if it gives one. */
function paperRow(
  dataset: string,
  features: FeatureName,
  ridge: number,
): { testError: number; norm: number | null; dataset: string } | undefined {
  const family = dataset.startsWith('cifar') ? 'CIFAR-10' : 'MNIST';
  const want =
    features === 'pixels' ? /raw pixels|on pixels/ : features === 'gabor' ? /Gabor/ : /random convolutional/;
  const row = KERNEL_RESULTS.find(
    (r) => r.dataset === family && want.test(r.features) && r.regularized === ridge > 0,
  );
  return row && { testError: row.testError, norm: row.norm, dataset: family };
}

/** Table 3's form: data set × features × ridge → test error and RKHS norm, genlab beside the paper. */
export function kernelReport(flags: Record<string, unknown>, io: Io): Table {
  const ridge = (flags.ridge as number) > 0 ? (flags.ridge as number) : REPORT_RIDGE;
  const base = {
    ...flags,
    'train-size': flags['train-size'] ?? REPORT_SIZE,
    'test-size': flags['test-size'] ?? REPORT_SIZE,
    report: false,
  };
  const rows: Table['rows'] = [];
  let differs = '';
  for (const features of FEATURES) {
    for (const lambda of [0, ridge]) {
      io.err(`kernel report: ${features}, ridge ${lambda}\n`);
      const r = kernelExperiment({ ...base, features, ridge: lambda }, io);
      const paper = paperRow(r.dataset, features, lambda);
      if (paper && paper.dataset.toLowerCase().replace('-', '') !== r.dataset.toLowerCase().replace('-', ''))
        differs = paper.dataset;
      rows.push([
        r.dataset,
        features,
        lambda,
        r.n,
        ...comparisonCell(r.testError * 100, paper?.testError ?? null, { unit: '%' }),
        ...comparisonCell(r.norm, paper?.norm ?? null, { digits: 1 }),
        r.solver,
        r.seconds.toFixed(1),
      ]);
    }
  }
  return {
    title: "Kernel interpolation (Section 5, Table 3's form): test error and RKHS norm √tr(αᵀKα)",
    columns: [
      'data set',
      'features',
      'ridge λ',
      'n',
      ...comparisonColumns('test error'),
      ...comparisonColumns('norm'),
      'solver',
      'seconds',
    ],
    rows,
    notes: [
      ...(differs
        ? [
            `The data set differs: the paper's numbers are for ${differs}, these rows for ${String(rows[0][0])}, so Δ compares different data sets.`,
          ]
        : []),
      `n = ${String(rows[0][3])} training points here (--train-size); the paper fits the whole training set (60,000 MNIST, 50,000 CIFAR-10).`,
      "Gaussian kernel; γ = 0.02 on pixels / 255 (the author's demo), else 1 / mean ‖x − x′‖². The paper gives norms for MNIST only (≈220 pixels, ≈390 Gabor) and no ridge value.",
      `Gabor: ${String(flags.scales)} scales × ${String(flags.orientations)} orientations, modulus, ${String(flags.pool)}×${String(flags.pool)} pooling; random-conv: ${String(flags.filters)} filters of ${String(flags['filter-size'])}×${String(flags['filter-size'])} (the paper: 32,000), ReLU, pooling.`,
    ],
  };
}

function writeReport(t: Table, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'kernel-report.md'), markdownTable(t));
  const intro =
    "Minimum-norm kernel interpolation, the paper's Section 5: does the norm of the interpolant predict generalization? Made by `genlab kernel --report`.";
  writeFileSync(
    path.join(dir, 'kernel-report.html'),
    htmlReport({
      title: 'genlab: kernel interpolation (Table 3)',
      intro,
      sections: [{ heading: 'Test error and norm', tables: [t] }],
    }),
  );
}

export const kernelCommand: Command = {
  name: 'kernel',
  summary: 'exact kernel interpolation Kα = Y (Section 5): test error and RKHS norm, up to n = 60,000',
  usage:
    '[--dataset D] [--train-size N] [--kernel gaussian|laplacian|linear|polynomial] [--gamma X] [--ridge λ] [--features pixels|gabor|random-conv] [--dtype float32|float64] [--solver auto|cholesky|cg] [--tol T] [--json]',
  description: `Fits one-hot labels exactly with a kernel machine: K is computed in blocks (only its upper triangle,
the half LAPACK reads), factorized in place by Cholesky (so K is the only n×n object: 14.4 GB in float32
at n = 60,000), and α solves Kα = Y. Reports the training error (0 when it interpolates), the test error,
the RKHS norm √tr(αᵀKα), time and peak memory. Pixels are raw / 255, as in the author's MNIST demo
(exp(−0.02‖x − x′‖²), 1.2% test error). When K is not positive definite in the chosen dtype the message
names the column where Cholesky stopped and suggests a --ridge.

--solver cg keeps the whole K (both triangles) and runs conjugate gradient on all classes at once,
preconditioned by a randomized Nyström approximation on --landmarks random columns; it stops when
every class's relative residual ‖Yⱼ − (K+λI)αⱼ‖ / ‖Yⱼ‖ ≤ --tol (default 1e-3), and reports the
iterations and the residual recomputed from K. At --tol 1e-3 it gave the same test error as Cholesky
(n = 10,000 Fashion-MNIST: 13.23% both, norms equal to 6 digits), but here it is slower than Cholesky
(10 right-hand sides stream K through sgemm at ~3 GB/s), so auto uses cg only above n = ${AUTO_CG_ABOVE}.

Examples:
  genlab kernel --train-size 2000 --json
  genlab kernel --features gabor --scales 3 --orientations 4
  genlab kernel --train-size 60000                          all of Fashion-MNIST (float32, Cholesky: n³/3 = 7·10¹³ flops)
  genlab kernel --train-size 60000 --solver cg --tol 1e-3   the same iteratively
  genlab kernel --labels random                             random labels: still interpolated, chance test error
  genlab kernel --report --out report/                      Table 3's form (n = 2,000 each; --train-size scales it)`,
  flags: FLAGS,
  async run(args, io) {
    if (args.flags.report) {
      const t = kernelReport(args.flags, io);
      if (args.flags.out) writeReport(t, args.flags.out as string);
      io.out(args.flags.json ? JSON.stringify(t) + '\n' : markdownTable(t));
      return 0;
    }
    const r = kernelExperiment(args.flags, io);
    if (args.flags.json) io.out(JSON.stringify(r) + '\n');
    else print(r, io);
    return 0;
  },
};

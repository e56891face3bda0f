// genlab bench kernel: Gaussian-kernel interpolation in genlab and in NumPy/SciPy on the same Fashion-MNIST subset, same dtype.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setNumThreads, type DType } from '../engine/index.js';
import { disposeDataset, loadDataset } from '../data/index.js';
import { DEFAULT_FEATURES } from '../theory/features.js';
import { PIXEL_GAMMA, runKernel } from '../theory/kernel-run.js';

export interface KernelBenchOptions {
  n: number;
  threads: number; // BLAS threads, both sides (NumPy's through OPENBLAS_NUM_THREADS)
  dtype: DType;
  dataDir?: string;
  reference: boolean; // run NumPy/SciPy too (off for --full: 60,000² in NumPy needs a second 14–29 GB copy)
}

export interface KernelBenchResult {
  n: number;
  dtype: DType;
  threads: number;
  genlabSeconds: number; // Gram matrix + Cholesky + solve
  numpySeconds: number | null; // the same three steps in NumPy/SciPy
  speedup: number | null; // numpySeconds / genlabSeconds
  testErrorGenlab: number;
  testErrorNumpy: number | null;
  peakRssMiB: number; // genlab's process
}

const here = path.dirname(fileURLToPath(import.meta.url));
const REF = path.resolve(here, '../../../bench/kernel_ref.py'); // dist/src/bench -> bench

function reference(spec: object): Promise<{ seconds: number; testError: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'genlab-bench-kernel-'));
  const file = path.join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [REF, file], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (err)
        reject(new Error(`bench kernel: ${REF} failed: ${stderr.trim().split('\n').pop() ?? err.message}`));
      else
        resolve(
          JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { seconds: number; testError: number },
        );
    });
  });
}

/** genlab first (its peak memory is this process's), then the reference in a child process. */
export async function runKernelBench(
  o: KernelBenchOptions,
  progress: (msg: string) => void,
): Promise<KernelBenchResult> {
  // libtorch's elementwise work on one thread: its OpenMP workers and OpenBLAS's spinning threads
  // would take turns on the same cores (docs/measurements.md); BLAS stays threaded.
  setNumThreads(1, o.threads);
  const ds = loadDataset({
    name: 'fashion-mnist',
    dataDir: o.dataDir,
    trainSize: o.n,
    subsetSeed: 0,
    preprocess: { scale: true, centerCrop: null, perImageStandardization: false, normalize: false },
  });
  let g;
  try {
    progress(`genlab, n = ${o.n}, ${o.dtype}`);
    g = runKernel(ds.train, ds.test, ds.classes.length, {
      kernel: 'gaussian',
      gamma: PIXEL_GAMMA,
      ridge: 0,
      features: DEFAULT_FEATURES,
      dtype: o.dtype,
      solve: { solver: 'cholesky' },
    });
  } finally {
    disposeDataset(ds);
  }
  let ref: { seconds: number; testError: number } | null = null;
  if (o.reference) {
    progress(`NumPy/SciPy, n = ${o.n}, ${o.dtype}`);
    ref = await reference({
      data_dir: ds.source.dir,
      train_indices: ds.source.trainIndices ?? null,
      dtype: o.dtype,
      gamma: PIXEL_GAMMA,
      threads: o.threads,
    });
  }
  return {
    n: o.n,
    dtype: o.dtype,
    threads: o.threads,
    genlabSeconds: g.solveSeconds,
    numpySeconds: ref?.seconds ?? null,
    speedup: ref ? ref.seconds / g.solveSeconds : null,
    testErrorGenlab: g.testError,
    testErrorNumpy: ref?.testError ?? null,
    peakRssMiB: g.peakRssMiB,
  };
}

export function formatKernelBench(r: KernelBenchResult): string {
  const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
  const s = (x: number | null): string => (x === null ? '—' : `${x.toFixed(2)} s`);
  return [
    `Gaussian-kernel interpolation, Fashion-MNIST, n = ${r.n}, ${r.dtype}, ${r.threads} BLAS thread(s): Gram matrix + Cholesky + solve`,
    `  genlab       ${s(r.genlabSeconds).padStart(10)}   test error ${pct(r.testErrorGenlab)}   peak memory ${r.peakRssMiB.toFixed(0)} MiB`,
    `  NumPy/SciPy  ${s(r.numpySeconds).padStart(10)}   test error ${pct(r.testErrorNumpy)}`,
    `  speedup      ${r.speedup === null ? '—' : `${r.speedup.toFixed(2)}×`} (NumPy time / genlab time)`,
    '',
  ].join('\n');
}

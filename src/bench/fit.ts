// `genlab bench fit`: fit random labels on 10,000 Fashion-MNIST examples with MLP 1×512 to 100% train
// accuracy in genlab (the real `fit`, checkpoints and all) and in idiomatic PyTorch (bench/fit_ref.py).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setNumThreads } from '../engine/index.js';
import { disposeDataset, loadDataset, type LoadedDataset } from '../data/index.js';
import { applyRandomization, drawRandomization } from '../randomize/index.js';
import { saveSafetensors } from '../nn/index.js';
import { buildModel, fit } from '../experiments/fit.js';
import { RunStore } from '../store/store.js';
import { loadPreset, planPreset } from '../presets/preset.js';
import type { FitConfig } from '../config/config.js';

interface SideResult {
  epochs: number;
  steps: number;
  trainAcc: number;
  secondsPerEpoch: number;
  cpuSeconds: number;
}

export interface FitBenchResult {
  n: number;
  threads: number;
  genlabSeconds: number;
  pytorchSeconds: number;
  speedup: number;
  cpuSpeedup: number; // the same ratio in CPU time, which another job on the machine disturbs less
  genlab: SideResult;
  pytorch: SideResult;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Figure 1a's random-labels run at the cpu scale, on n training and 1,000 test examples, at most 500 epochs. */
function benchConfig(n: number): FitConfig {
  const overrides = { dataset: { trainSize: n, testSize: 1000 }, train: { epochs: 500 } };
  const run = planPreset(loadPreset('fig1a'), 'cpu', overrides).find(
    (r) => r.config.randomization.labels === 'random' && r.config.randomization.inputs === 'true',
  );
  if (!run) throw new Error('bench fit: presets/fig1a.json: expected a random-labels run, found none');
  return run.config;
}

/** Writes the randomized examples and genlab's initial weights for the PyTorch side. */
function exportInputs(dir: string, base: LoadedDataset, config: FitConfig): void {
  const ds = applyRandomization(base, drawRandomization(base, config.randomization));
  const images = ds.train.images.data() as Float32Array;
  writeFileSync(path.join(dir, 'images.f32'), new Uint8Array(images.buffer));
  writeFileSync(
    path.join(dir, 'labels.i64'),
    new Uint8Array((ds.train.labels.data() as BigInt64Array).buffer),
  );
  const model = buildModel(config, ds, 'cpu');
  const state = new Map([...model.stateDict()].map(([k, t]) => [k.replace(/^net\./, ''), t]));
  saveSafetensors(path.join(dir, 'weights.safetensors'), state);
  model.dispose();
  disposeDataset(ds);
}

export async function runFitBench(
  n: number,
  threads: number,
  progress: (msg: string) => void,
): Promise<FitBenchResult> {
  setNumThreads(threads);
  const dir = mkdtempSync(path.join(tmpdir(), 'genlab-bench-fit-'));
  try {
    const config = benchConfig(n);
    const d = config.dataset;
    const base = loadDataset({ name: d.name, trainSize: n, testSize: d.testSize ?? undefined });
    exportInputs(dir, base, config);
    progress(`genlab: fitting random labels on ${n} examples`);
    const store = new RunStore(path.join(dir, 'runs'));
    const cache = new Map([[JSON.stringify([config.dataset, 'cpu']), base]]);
    const cpu0 = process.cpuUsage();
    const out = await fit(config, { store, datasetCache: cache });
    const cpu = process.cpuUsage(cpu0);
    const genlabCpu = (cpu.user + cpu.system) / 1e6;
    store.close();
    disposeDataset(base);
    const g = out.summary;
    progress('pytorch: the same examples, labels and initial weights');
    const req = {
      threads,
      seed: 0,
      n,
      shape: [1, 28, 28],
      images: path.join(dir, 'images.f32'),
      labels: path.join(dir, 'labels.i64'),
      weights: path.join(dir, 'weights.safetensors'),
      lr: config.train.lr,
      batchSize: config.train.batchSize,
      evalBatchSize: config.train.evalBatchSize,
      maxEpochs: config.train.epochs,
    };
    const r = spawnSync(
      '/usr/bin/python3',
      [path.join(HERE, '../../../bench/fit_ref.py'), JSON.stringify(req)],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          OMP_NUM_THREADS: String(threads),
          OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? String(threads),
        },
      },
    );
    if (r.status !== 0)
      throw new Error(
        `bench fit: /usr/bin/python3 bench/fit_ref.py failed: ${r.stderr.trim().split('\n').pop() ?? r.error?.message}`,
      );
    const p = JSON.parse(r.stdout) as {
      seconds: number;
      cpuSeconds: number;
      epochs: number;
      steps: number;
      trainAcc: number;
    };
    return {
      n,
      threads,
      genlabSeconds: g.wallSeconds,
      pytorchSeconds: p.seconds,
      speedup: p.seconds / g.wallSeconds,
      cpuSpeedup: p.cpuSeconds / genlabCpu,
      genlab: {
        epochs: g.epochs,
        steps: g.steps,
        trainAcc: g.trainAcc,
        secondsPerEpoch: g.wallSeconds / g.epochs,
        cpuSeconds: genlabCpu,
      },
      pytorch: {
        epochs: p.epochs,
        steps: p.steps,
        trainAcc: p.trainAcc,
        secondsPerEpoch: p.seconds / p.epochs,
        cpuSeconds: p.cpuSeconds,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFitBench(r: FitBenchResult): string {
  const row = (name: string, s: number, x: FitBenchResult['genlab']) =>
    `${name.padEnd(8)} ${s.toFixed(1).padStart(8)} s ${String(x.epochs).padStart(7)} ${String(x.steps).padStart(7)} ${x.secondsPerEpoch.toFixed(3).padStart(9)} s ${(x.trainAcc * 100).toFixed(2).padStart(7)}%`;
  return [
    `fit random labels, MLP 1×512, ${r.n} Fashion-MNIST examples, ${r.threads} thread(s)`,
    `${'side'.padEnd(8)} ${'wall'.padStart(10)} ${'epochs'.padStart(7)} ${'steps'.padStart(7)} ${'per epoch'.padStart(11)} ${'train'.padStart(8)}`,
    row('genlab', r.genlabSeconds, r.genlab),
    row('pytorch', r.pytorchSeconds, r.pytorch),
    `speedup (pytorch / genlab wall time): ${r.speedup.toFixed(2)}×; in CPU time ${r.cpuSpeedup.toFixed(2)}× (${r.genlab.cpuSeconds.toFixed(1)} vs ${r.pytorch.cpuSeconds.toFixed(1)} s)`,
    '',
  ].join('\n');
}

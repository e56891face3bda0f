// Run-time estimates before a sweep: each model's throughput from a short calibration on this machine (cached in the run store), times the examples a run has left.
import { existsSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import path from 'node:path';
import { cpuCount, engineBuild, Generator, noGrad, randint, randn, scope } from '../engine/index.js';
import { datasetLayout, defaultPreprocess } from '../data/index.js';
import { createModel } from '../models/index.js';
import { F } from '../nn/index.js';
import { SGD } from '../optim/index.js';
import type { FitConfig } from '../config/config.js';
import type { PlannedRun } from '../presets/preset.js';
import { readJson, writeAtomic } from '../store/store.js';

/** Examples per second of one model on this machine, as a sweep worker runs it. */
export interface Throughput {
  trainPerSecond: number; // SGD steps (forward, backward, update) at the run's batch size
  evalPerSecond: number; // no-grad forward passes at the run's evaluation batch size
}

/** What decides a throughput: the model, its input, batch sizes, and where it runs. */
export function calibrationKey(c: FitConfig, device: string, threads: number): string {
  const [ch, h, w] = inputShape(c);
  const m = c.model;
  const variant = [
    m.name,
    m.name.startsWith('inception') ? `bn-${m.bnParams}` : '',
    m.name.startsWith('alexnet') ? `lrn-${m.lrnPlacement}` : '',
    m.dropout ? 'dropout' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${variant} ${ch}x${h}x${w} batch ${c.train.batchSize} eval ${c.train.evalBatchSize} ${device} threads ${threads}`;
}

/** This machine, for the calibration cache: a store shared between machines keeps each one's numbers apart. */
export function machineKey(): string {
  const cpu = cpus();
  return `${hostname()} ${cpu[0]?.model.trim() ?? 'cpu'} ×${cpu.length}`;
}

/** The run's input (C, H, W) after preprocessing, known before its files are read. */
export function inputShape(c: FitConfig): [number, number, number] {
  const [ch, h, w] = datasetLayout(c.dataset.name).shape;
  const crop = defaultPreprocess(c.dataset.name).centerCrop;
  return [c.dataset.channels ?? ch, crop ?? h, crop ?? w];
}

/** Training and test examples of a run (its subset sizes, or the whole splits). */
export function splitSizes(c: FitConfig): { train: number; test: number } {
  const l = datasetLayout(c.dataset.name);
  return { train: c.dataset.trainSize ?? l.train, test: c.dataset.testSize ?? l.test };
}

/** Training examples SGD sees per epoch: all, or train.fraction of them (the rest are only evaluated). */
function trainedSize(c: FitConfig): number {
  return Math.round(splitSizes(c).train * (c.train.fraction ?? 1));
}

function timeUntil(minSeconds: number, minReps: number, body: () => void): number {
  body(); // warm-up: allocator, kernels, lazy initialization
  let reps = 0;
  const t0 = performance.now();
  while (reps < minReps || performance.now() - t0 < minSeconds * 1000) {
    body();
    reps++;
  }
  return (performance.now() - t0) / 1000 / reps;
}

/** Times a few SGD steps and evaluation batches of the run's model on random inputs of its shape. */
export function calibrate(c: FitConfig, device: string, minSeconds = 0.5): Throughput {
  return scope(() => {
    const input = inputShape(c);
    const classes = datasetLayout(c.dataset.name).classes;
    const m = c.model;
    const model = createModel(m.name, {
      input,
      classes,
      generator: new Generator(0),
      device,
      dropout: m.dropout || undefined,
      bnParams: m.bnParams,
      lrnPlacement: m.lrnPlacement,
      init: m.init,
    });
    const opt = new SGD(model.parameters(), { lr: 1e-4, momentum: c.train.momentum });
    try {
      const gen = new Generator(1);
      const b = c.train.batchSize;
      const e = c.train.evalBatchSize;
      const x = randn([b, ...input], { generator: gen, device });
      const y = randint(0, classes, [b], { generator: gen, device });
      const xe = randn([e, ...input], { generator: gen, device });
      model.train();
      const step = timeUntil(minSeconds, 2, () =>
        scope(() => {
          opt.zeroGrad();
          const loss = F.crossEntropy(model.forward(x), y);
          loss.backward();
          loss.item();
          opt.step();
        }),
      );
      model.eval();
      const forward = timeUntil(minSeconds, 1, () =>
        noGrad(() => scope(() => model.forward(xe).argmax(1).sum().item())),
      );
      return { trainPerSecond: b / step, evalPerSecond: e / forward };
    } finally {
      opt.dispose();
      model.dispose();
    }
  });
}

type Entry = Throughput & { measured: string; engine?: string };
type CacheFile = Record<string, Record<string, Entry>>;
const CACHE = 'calibration.json';

/**
 * Calibrated throughputs for a store: cached per machine in STORE/calibration.json; `measure` fills a
 * miss. An entry counts only for the engine that measured it (`engineBuild()`: libtorch, the addon's
 * build, the CPU paths): after a rebuild the estimates would otherwise keep an old speed for good
 * (docs/measurements.md).
 */
export class ThroughputCache {
  private data: CacheFile;
  private readonly file: string;

  constructor(
    storeRoot: string,
    private readonly measure: (c: FitConfig) => Throughput,
    private readonly engine: string = engineBuild(),
  ) {
    this.file = path.join(storeRoot, CACHE);
    this.data = existsSync(this.file) ? readJson<CacheFile>(this.file) : {};
  }

  /** The throughput for a run's key, measured (and saved) on the first ask, and again for a new engine. */
  get(c: FitConfig, key: string, onMeasure?: () => void): Throughput & { cached: boolean } {
    const machine = (this.data[machineKey()] ??= {});
    const hit = machine[key];
    if (hit?.engine === this.engine)
      return { trainPerSecond: hit.trainPerSecond, evalPerSecond: hit.evalPerSecond, cached: true };
    onMeasure?.();
    const t = this.measure(c);
    machine[key] = { ...t, measured: new Date().toISOString(), engine: this.engine };
    writeAtomic(this.file, JSON.stringify(this.data, null, 2));
    return { ...t, cached: false };
  }
}

/** Epochs a run may still take: its budget (epochs, or max steps) less those done. An upper bound when it stops at fit. */
export function epochsLeft(c: FitConfig, trainSize: number, epochsDone: number): number {
  const stepsPerEpoch = c.train.dropLast
    ? Math.floor(trainSize / c.train.batchSize)
    : Math.ceil(trainSize / c.train.batchSize);
  const budget =
    c.train.maxSteps === null
      ? c.train.epochs
      : Math.min(c.train.epochs, Math.ceil(c.train.maxSteps / stepsPerEpoch));
  return Math.max(0, budget - epochsDone);
}

/** Seconds for one epoch: the SGD steps, then evaluation of the whole training and test sets. */
export function secondsPerEpoch(c: FitConfig, t: Throughput): number {
  const { train, test } = splitSizes(c);
  return trainedSize(c) / t.trainPerSecond + (train + test) / t.evalPerSecond;
}

/**
 * The wall time of a list of run durations on `jobs` workers taking them in order (as the sweep does),
 * each slowed by the share of the cores it gets: jobs × threads on fewer cores run proportionally slower.
 */
export function makespan(seconds: number[], jobs: number, threads: number, cores = cpuCount()): number {
  const slowdown = Math.max(1, (Math.min(jobs, Math.max(1, seconds.length)) * threads) / cores);
  const lanes = new Array<number>(Math.max(1, jobs)).fill(0);
  for (const s of seconds) {
    const i = lanes.indexOf(Math.min(...lanes));
    lanes[i] += s * slowdown;
  }
  return Math.max(...lanes);
}

/** One planned run's estimate, as `genlab run --dry-run --json` prints it. */
export interface RunEstimate {
  id: string;
  model: string;
  trainSize: number;
  estimatedSeconds: number; // the whole run, at most: runs that stop when fitted take less
  complete: boolean;
}

export interface PlanEstimate {
  runs: RunEstimate[];
  totalSeconds: number; // the runs not complete, on `jobs` workers
}

/** Estimates every run of a plan from calibrated throughputs (measuring the models the cache lacks). */
export function estimatePlan(
  plan: readonly PlannedRun[],
  o: {
    cache: ThroughputCache;
    device: string;
    threads: number;
    jobs: number;
    isComplete(id: string): boolean;
    onCalibrate?(key: string): void;
  },
): PlanEstimate {
  const runs = plan.map((r): RunEstimate => {
    const key = calibrationKey(r.config, o.device, o.threads);
    const t = o.cache.get(r.config, key, () => o.onCalibrate?.(key));
    const { train } = splitSizes(r.config);
    return {
      id: r.id,
      model: r.config.model.name,
      trainSize: train,
      estimatedSeconds: epochsLeft(r.config, trainedSize(r.config), 0) * secondsPerEpoch(r.config, t),
      complete: o.isComplete(r.id),
    };
  });
  const left = runs.filter((r) => !r.complete).map((r) => r.estimatedSeconds);
  return { runs, totalSeconds: makespan(left, o.jobs, o.threads) };
}

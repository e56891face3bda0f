// Per-example learning dynamics of a stored run (Arpit et al. 2017; Toneva et al. 2019): when each
// training example is first classified correctly, how often it is forgotten, clean vs corrupted labels.
import { InputError, scope, type Tensor } from '../engine/index.js';
import { disposeDataset } from '../data/index.js';
import { applyRandomization, loadArtifact } from '../randomize/index.js';
import { bitAt } from '../train/index.js';
import type { FitConfig } from '../config/config.js';
import { TRAIN_CORRECT, loadBase, trainMembers } from './fit.js';
import type { RunDir } from '../store/run-dir.js';

export interface GroupStats {
  count: number;
  learnedFraction: number; // learned at some evaluation
  medianLearnedEpoch: number | null; // never-learned examples count as later than every epoch
  meanForgetEvents: number;
  neverForgotten: number; // fraction learned once and never forgotten
}

export interface ExampleDynamics {
  run: string;
  examples: number;
  epochs: number[]; // the evaluated epochs, ascending
  learnedEpoch: (number | null)[]; // first epoch at which the example is correct; null: never
  forgetEvents: number[]; // transitions correct → wrong between consecutive evaluations
  corrupted: boolean[]; // its training label differs from the data set's
  /** Whether SGD trained on it: false for the examples a train.fraction run held out (its own test
   * of memorization). Groups, curves and rankings count trained examples only. */
  trainedOn: boolean[];
  clean: GroupStats;
  noisy: GroupStats | null; // null when no label was changed
  /** Arpit et al.'s claim: the fraction of clean examples learned before the median corrupted one. */
  cleanLearnedBeforeMedianCorrupted: number | null;
  /** Cumulative fraction learned by each epoch of `epochs`, per group. */
  curve: { clean: number[]; corrupted: number[] | null };
}

/**
 * Calls fn with the run's training set as it was trained (randomization applied) and its original
 * labels; frees both after. Loads the data set the run's config names.
 */
export function withRunTrainingSet<T>(
  run: RunDir,
  fn: (train: { images: Tensor; labels: number[]; classes: string[] }, original: number[]) => T,
): T {
  const base = loadBase(run.readConfig<FitConfig>(), 'cpu');
  try {
    const art = loadArtifact(run.file('randomization'));
    const original = scope(() => base.train.labels.toArray());
    const labels = art.train.labels ? Array.from(art.train.labels) : original;
    const ds = applyRandomization(base, art);
    try {
      return fn({ images: ds.train.images, labels, classes: base.classes }, original);
    } finally {
      disposeDataset(ds);
    }
  } finally {
    disposeDataset(base);
  }
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function groupStats(idx: number[], learned: (number | null)[], forgets: number[]): GroupStats {
  const n = idx.length;
  const ever = idx.filter((i) => learned[i] !== null);
  const m = median(idx.map((i) => learned[i] ?? Infinity));
  return {
    count: n,
    learnedFraction: n ? ever.length / n : NaN,
    medianLearnedEpoch: m === null || m === Infinity ? null : m,
    meanForgetEvents: n ? idx.reduce((a, i) => a + forgets[i], 0) / n : NaN,
    neverForgotten: n ? ever.filter((i) => forgets[i] === 0).length / n : NaN,
  };
}

/** Reads a run's per-epoch correctness bitsets and summarizes them; the run must have recorded them. */
export function exampleDynamics(run: RunDir): ExampleDynamics {
  const epochs = run.epochArtifactEpochs(TRAIN_CORRECT);
  if (epochs.length === 0)
    throw new InputError(
      `${run.dir}: no per-example record (${TRAIN_CORRECT}); expected a run trained by genlab with per-example recording, found none (runs made before it was added do not have one)`,
    );
  const n = run.readSummary()?.trainSize ?? 0;
  if (!(n > 0))
    throw new InputError(`${run.dir}: no summary with a training-set size; expected a started run`);
  const learned: (number | null)[] = new Array(n).fill(null);
  const forgets = new Array<number>(n).fill(0);
  const prev = new Uint8Array(n);
  for (const epoch of epochs) {
    const bits = run.readEpochArtifact(TRAIN_CORRECT, epoch)!;
    if (bits.length !== Math.ceil(n / 8))
      throw new InputError(
        `${run.epochArtifactPath(TRAIN_CORRECT, epoch)}: expected ${Math.ceil(n / 8)} bytes for ${n} examples, got ${bits.length}`,
      );
    for (let i = 0; i < n; i++) {
      const ok = bitAt(bits, i);
      if (ok && learned[i] === null) learned[i] = epoch;
      if (!ok && prev[i]) forgets[i]++;
      prev[i] = ok ? 1 : 0;
    }
  }
  const corrupted = withRunTrainingSet(run, (train, original) => {
    if (original.length !== n)
      throw new InputError(
        `${run.dir}: the data set now has ${original.length} training examples; expected ${n} as the run recorded`,
      );
    return original.map((y, i) => train.labels[i] !== y);
  });
  const members = trainMembers(run.readConfig(), n);
  const trainedOn = new Array<boolean>(n).fill(members === null);
  for (const i of members ?? []) trainedOn[i] = true;
  const cleanIdx = [...Array(n).keys()].filter((i) => trainedOn[i] && !corrupted[i]);
  const noisyIdx = [...Array(n).keys()].filter((i) => trainedOn[i] && corrupted[i]);
  const mNoisy = median(noisyIdx.map((i) => learned[i] ?? Infinity));
  const cum = (idx: number[]) =>
    epochs.map((e) =>
      idx.length ? idx.filter((i) => learned[i] !== null && learned[i]! <= e).length / idx.length : NaN,
    );
  return {
    run: run.id,
    examples: n,
    epochs,
    learnedEpoch: learned,
    forgetEvents: forgets,
    corrupted,
    trainedOn,
    clean: groupStats(cleanIdx, learned, forgets),
    noisy: noisyIdx.length ? groupStats(noisyIdx, learned, forgets) : null,
    cleanLearnedBeforeMedianCorrupted:
      mNoisy === null || cleanIdx.length === 0
        ? null
        : cleanIdx.filter((i) => learned[i] !== null && learned[i]! < mNoisy).length / cleanIdx.length,
    curve: { clean: cum(cleanIdx), corrupted: noisyIdx.length ? cum(noisyIdx) : null },
  };
}

/** Indices of the trained examples forgotten most often, then of those learned last (never-learned first). */
export function hardestExamples(
  d: ExampleDynamics,
  k: number,
): { mostForgotten: number[]; lastLearned: number[] } {
  const idx = [...Array(d.examples).keys()].filter((i) => d.trainedOn[i]);
  const mostForgotten = idx
    .filter((i) => d.forgetEvents[i] > 0)
    .sort((a, b) => d.forgetEvents[b] - d.forgetEvents[a] || a - b)
    .slice(0, k);
  const late = (i: number) => d.learnedEpoch[i] ?? Infinity;
  const lastLearned = idx.sort((a, b) => late(b) - late(a) || a - b).slice(0, k);
  return { mostForgotten, lastLearned };
}

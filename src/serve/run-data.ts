// What the dashboard reads of one run, through its RunDir: config, summary, per-epoch metrics, per-step losses, randomization, files.
import type { FitConfig } from '../config/config.js';
import type { FitSummary, RunDir } from '../store/run-dir.js';
import type { RunRow, RunStore } from '../store/store.js';
import { batchRanges } from '../data/batches.js';
import { trainMembers } from '../experiments/fit.js';
import { loadArtifact } from '../randomize/index.js';
import type { EpochRecord } from '../train/index.js';
import { HttpError } from './security.js';

export interface RunFile {
  path: string; // relative to the store root, '/'-separated (what /files/PATH serves)
  bytes: number;
}

export interface RandomizationSummary {
  labels: string;
  inputs: string;
  seed: number;
  labelChangedFraction: number;
  trainCount: number;
  testRandomized: boolean;
}

/** The index row of a run named in a URL; 404 for anything that is not exactly a run id in the index. */
export function runRow(store: RunStore, id: string): RunRow {
  const row = store.get(id);
  if (!row) throw new HttpError(404, `runs: no run "${id}" in ${store.root}`);
  return row;
}

/** The RunDir of a run the index knows (so a URL never names a directory of its own). */
export function runDir(store: RunStore, id: string): RunDir {
  runRow(store, id);
  return store.run(id);
}

/** The run's resolved config, or null when its directory is gone or unreadable (the index row stays). */
export function runConfigOf(store: RunStore, id: string): FitConfig | null {
  try {
    return runDir(store, id).readConfig();
  } catch {
    return null;
  }
}

/** How a run's steps and epochs turn into examples seen (the compare page's x axes). */
export interface RunPace {
  batchSize: number;
  stepsPerEpoch: number;
  epochExamples: number; // examples trained on per epoch: the training set, its fraction, less a dropped last batch
}

function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null; // not written yet (the run is starting), or mid-write: the next look sees it
  }
}

export function runDetail(store: RunStore, id: string) {
  const row = runRow(store, id);
  const run = store.run(id);
  const summary: FitSummary | null = readOrNull(() => run.readSummary());
  return {
    row,
    config: runConfigOf(store, id),
    summary,
    randomization: readOrNull(() => randomizationSummary(run)),
    files: runFiles(store, id),
  };
}

function randomizationSummary(run: RunDir): RandomizationSummary {
  const a = loadArtifact(run.file('randomization'));
  return {
    labels: a.spec.labels,
    inputs: a.spec.inputs,
    seed: a.spec.seed,
    labelChangedFraction: a.labelChangedFraction,
    trainCount: a.train.count,
    testRandomized: a.test !== null,
  };
}

/** Where the run keeps its drawn randomization (read with loadArtifact). */
export function randomizationDir(store: RunStore, id: string): string {
  return runDir(store, id).file('randomization');
}

/** Per-epoch metrics so far (empty before the first epoch ends). */
export function runEpochs(store: RunStore, id: string): EpochRecord[] {
  const run = runDir(store, id);
  return readOrNull(() => run.readMetrics()) ?? [];
}

/** The run's batch size, SGD steps per epoch and examples per epoch; null before its summary says its data's size. */
export function runPace(store: RunStore, id: string): RunPace | null {
  const config = runConfigOf(store, id);
  const summary = readOrNull(() => runDir(store, id).readSummary());
  if (!config || !summary || !(summary.trainSize > 0)) return null;
  const { batchSize, dropLast } = config.train;
  const trained = trainMembers(config, summary.trainSize)?.length ?? summary.trainSize;
  const stepsPerEpoch = batchRanges(trained, batchSize, dropLast).length;
  const epochExamples = dropLast ? stepsPerEpoch * batchSize : trained;
  return { batchSize, stepsPerEpoch, epochExamples };
}

/** A token that changes whenever the run moves on (its RunDir stamp: epochs, steps, status, mtimes). */
export function epochsVersion(store: RunStore, id: string): string {
  return readOrNull(() => JSON.stringify(store.run(id).stamp())) ?? '';
}

/** Per-step training losses so far. */
export function runSteps(store: RunStore, id: string): Float32Array {
  const run = runDir(store, id);
  return readOrNull(() => run.readSteps()) ?? new Float32Array(0);
}

/** The run's files (downloads go through /files/PATH, confined to the store). */
export function runFiles(store: RunStore, id: string): RunFile[] {
  const files = readOrNull(() => runDir(store, id).files()) ?? [];
  return files.map((f) => ({ path: `${id}/${f.path}`, bytes: f.bytes }));
}

// Fits one configuration inside the run store: draws or reloads the randomization, trains with a
// checkpoint at every epoch end, resumes from the last checkpoint, and records the summary.
import { existsSync } from 'node:fs';
import { Generator, InputError, checkPrecision, deriveSeed, scope, type Tensor } from '../engine/index.js';
import { drawFraction, loadDataset, disposeDataset, type LoadedDataset } from '../data/index.js';
import { applyRandomization, drawRandomization, type RandomizationArtifact } from '../randomize/index.js';
import { createModel } from '../models/index.js';
import type { Module } from '../nn/index.js';
import {
  Trainer,
  encodeFloat16,
  initialState,
  trainGenerator,
  type EpochRecord,
  type TrainState,
} from '../train/index.js';
import { checkFitConfig, type FitConfig } from '../config/config.js';
import { runId, runInfo } from './fit-kind.js';
import { type RunStore } from '../store/store.js';
import { RunDir, type FitSummary, type RunStatus } from '../store/run-dir.js';
import { applyRuntime, runtimePolicy, thisMachine } from '../train/runtime.js';
import { RunLockedError, type LockHolder } from '../store/run-lock.js';

export type { FitSummary } from '../store/run-dir.js';

/** The per-epoch artifact of which training examples are classified correctly (src/experiments/examples.ts). */
export const TRAIN_CORRECT = 'train-correct';
/**
 * The per-epoch artifact of each training example's predicted probability of its training label, as float16
 * (2 bytes an example, little-endian; src/train/float16.ts): recorded by runs that hold examples out
 * (train.fraction), for the memorization report's baseline. Runs made before it have none.
 */
export const TRAIN_LABEL_PROB = 'train-label-prob';

export interface FitOptions {
  store: RunStore;
  device?: string;
  threads?: number; // CPU threads asked for (default: the runtime policy's; a resumed run keeps its own)
  onNotice?(line: string): void; // e.g. threads capped at the machine's cores
  restart?: boolean; // discard an existing run with this config and start over
  fromPrevious?: boolean; // resume from the previous checkpoint (the latest is corrupt)
  wait?: boolean; // wait while another process writes this run (default: fail naming it)
  onWait?(holder: LockHolder): void;
  onStart?(info: {
    run: string;
    dir: string;
    resumedFrom: number;
    totalEpochs: number;
    params: number;
  }): void;
  onStep?(step: number, loss: number): void;
  onEpoch?(record: EpochRecord, state: TrainState): void;
  shouldStop?(): boolean; // checked after each epoch's checkpoint (e.g. on SIGINT)
  datasetCache?: Map<string, LoadedDataset>; // shared across fits in one process
}

export interface FitOutcome {
  summary: FitSummary;
  alreadyComplete: boolean;
  interrupted: boolean;
}

/** The run's data set before randomization (shared through cache when given). */
export function loadBase(
  config: FitConfig,
  device: string,
  cache?: Map<string, LoadedDataset>,
): LoadedDataset {
  const key = JSON.stringify([config.dataset, device]);
  const hit = cache?.get(key);
  if (hit) return hit;
  const d = config.dataset;
  const ds = loadDataset({
    name: d.name,
    dataDir: d.dataDir ?? undefined,
    trainSize: d.trainSize ?? undefined,
    testSize: d.testSize ?? undefined,
    subsetSeed: d.subsetSeed,
    stratified: d.stratified,
    channels: d.channels,
    device,
  });
  cache?.set(key, ds);
  return ds;
}

function randomization(run: RunDir, base: LoadedDataset, config: FitConfig): RandomizationArtifact {
  const saved = run.readRandomization(); // a resumed run never re-draws
  if (saved) return saved;
  const a = drawRandomization(base, config.randomization);
  run.writeRandomization(a);
  return a;
}

/**
 * The training examples a run trains on when its config has train.fraction (indices, ascending; the others
 * are held out), drawn from train.seed; null: all of them. Memorization scores re-derive membership here.
 */
export function trainMembers(config: FitConfig, trainSize: number): number[] | null {
  const f = config.train.fraction;
  return f === undefined ? null : drawFraction(trainSize, f, deriveSeed(config.train.seed, 'fraction'));
}

/** The run's model with its initial weights, drawn from the config's seed (what `genlab bench fit` hands PyTorch too). */
export function buildModel(
  config: FitConfig,
  ds: LoadedDataset,
  device: string,
  dropoutGenerator?: Generator,
): Module {
  const m = config.model;
  return createModel(m.name, {
    input: ds.shape,
    classes: ds.classes.length,
    generator: new Generator(deriveSeed(config.train.seed, 'init')),
    dropoutGenerator, // the trainer's generator, whose state each checkpoint holds
    device,
    dropout: m.dropout || undefined,
    bnParams: m.bnParams,
    lrnPlacement: m.lrnPlacement,
    init: m.init,
  });
}

/** The checkpoint's tensors: model weights, optimizer state and the training generator. */
function checkpointTensors(model: Module, trainer: Trainer): Map<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  for (const [k, t] of model.stateDict()) tensors.set(`model.${k}`, t);
  for (const [k, t] of trainer.optimizer.stateDict()) tensors.set(`optim.${k}`, t);
  tensors.set('rng.train', trainer.generator.getState());
  return tensors;
}

/** Restores weights and generator state; returns the position and optimizer tensors, or null without a checkpoint. */
function restore(
  run: RunDir,
  model: Module,
  gen: Generator,
  device: string,
  previous: boolean,
): { state: TrainState; optim: Map<string, Tensor> } | null {
  return scope(() => {
    const ck = run.restore(device, { previous });
    if (!ck) return null;
    const pick = (prefix: string) =>
      new Map(
        [...ck.tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]),
      );
    model.loadStateDict(pick('model.'), ck.file);
    const rng = ck.tensors.get('rng.train');
    if (rng) gen.setState(rng.to('cpu'));
    return { state: ck.state, optim: pick('optim.') };
  });
}

function summarize(
  run: RunDir,
  config: FitConfig,
  s: TrainState,
  params: number,
  trainSize: number,
  changed: number,
  threads: number,
): FitSummary {
  const last = s.history[s.history.length - 1];
  const status: RunStatus = s.diverged ? 'diverged' : s.finished ? 'complete' : 'running';
  return {
    ...runInfo(run, config, status),
    params,
    trainSize,
    epochs: s.epoch,
    steps: s.step,
    stepsToFit: s.stepsToFit,
    epochsToFit: s.epochsToFit,
    trainAcc: last?.trainAcc ?? NaN,
    testAcc: last?.testAcc ?? NaN,
    bestTestAcc: s.bestTestAcc,
    bestTestEpoch: s.bestTestEpoch,
    labelChangedFraction: changed,
    diverged: s.diverged !== null,
    divergedReason: s.diverged,
    wallSeconds: s.wallSeconds,
    examplesPerSecond: s.wallSeconds > 0 ? s.examplesSeen / s.wallSeconds : 0,
    threads,
  };
}

/** Runs (or resumes, or just reports) the run for this config, as the run's only writer. */
export async function fit(input: FitConfig, o: FitOptions): Promise<FitOutcome> {
  const config = checkFitConfig(input);
  const run = o.store.run(runId(config));
  const device = o.device ?? 'cpu';
  const done = run.finishedSummary();
  if (done && !o.restart) {
    await tidy(run, o.store);
    return { summary: done, alreadyComplete: true, interrupted: false };
  }
  checkPrecision(config.train.precision ?? 'fp32', device, 'train.precision');
  let base: LoadedDataset;
  try {
    base = loadBase(config, device, o.datasetCache); // bad data is found before a directory is made
  } catch (e) {
    if (e instanceof InputError && run.unstarted() && !run.writer()) run.remove(); // e.g. a sweep's, rejected
    throw e;
  }
  try {
    run.create(config);
    const lock = await run.lock({ wait: o.wait, onWait: o.onWait, command: 'genlab fit' });
    try {
      const now = run.finishedSummary(); // the writer we waited for may have finished it
      if (now && !o.restart) return { summary: now, alreadyComplete: true, interrupted: false };
      if (o.restart) run.reset();
      run.removeScratch();
      // Threads asked for, else the ones this run ran with (its last digits depend on them), else the policy's.
      const threads = o.threads ?? run.readSummary()?.threads;
      const runtime = runtimePolicy(
        config.model.name,
        { threads, env: process.env },
        thisMachine(threads === undefined),
      );
      if (runtime.notice) o.onNotice?.(runtime.notice);
      applyRuntime(runtime);
      return await train(run, config, base, device, o, runtime.threads);
    } catch (e) {
      // Bad input refuses the command: a run with nothing in it goes, any other is left as it was.
      if (!(e instanceof InputError)) recordFailure(run, config, o.store, e as Error);
      else if (run.unstarted()) run.remove();
      else refuse(run, o.store);
      throw e;
    } finally {
      lock.release();
    }
  } finally {
    if (!o.datasetCache) disposeDataset(base);
  }
}

async function train(
  run: RunDir,
  config: FitConfig,
  base: LoadedDataset,
  device: string,
  o: FitOptions,
  threads: number,
): Promise<FitOutcome> {
  const art = randomization(run, base, config);
  const ds = applyRandomization(base, art);
  const gen = trainGenerator(config.train.seed);
  const model = buildModel(config, ds, device, gen);
  let trainer: Trainer | undefined;
  try {
    const ck = restore(run, model, gen, device, o.fromPrevious ?? false);
    const members = trainMembers(config, ds.train.images.shape[0]) ?? undefined;
    trainer = new Trainer(model, { ...ds, members }, config.train, ck?.state ?? initialState(), gen);
    if (ck) {
      trainer.optimizer.loadStateDict(ck.optim);
      for (const t of ck.optim.values()) t.dispose();
    }
    const t = trainer;
    run.syncTo(t.state);
    const prior = run.readSummary(); // an interrupted or failed run runs again: so says its status until its next epoch
    if (prior && prior.status !== 'running')
      run.writeSummary({ ...prior, status: 'running', error: undefined });
    const params = model.numParameters();
    const trainSize = ds.train.images.shape[0];
    const summary = () =>
      summarize(run, config, t.state, params, trainSize, art.labelChangedFraction, threads);
    o.onStart?.({
      run: run.id,
      dir: run.dir,
      resumedFrom: t.state.epoch,
      totalEpochs: config.train.epochs,
      params,
    });
    o.store.refresh(run.id);
    let interrupted = false;
    while (!t.done()) {
      const { record, losses, trainCorrect, trainLabelProb } = t.runEpoch(o.onStep);
      const artifacts: Record<string, Uint8Array> = {
        ...(trainCorrect ? { [TRAIN_CORRECT]: trainCorrect } : {}),
        ...(trainLabelProb ? { [TRAIN_LABEL_PROB]: encodeFloat16(trainLabelProb) } : {}),
      };
      scope(() =>
        run.commitEpoch({
          losses,
          tensors: checkpointTensors(model, t),
          state: t.state,
          summary: summary(),
          artifacts,
        }),
      );
      o.store.refresh(run.id);
      o.onEpoch?.(record, t.state);
      await new Promise((r) => setImmediate(r)); // let signals and output through between epochs
      if (!t.done() && o.shouldStop?.()) {
        interrupted = true;
        break;
      }
    }
    if (!interrupted) t.state.finished = true;
    const s: FitSummary = interrupted ? { ...summary(), status: 'interrupted' } : summary();
    run.writeSummary(s); // interrupted: its last checkpoint's summary, marked so (running it again resumes it)
    o.store.refresh(run.id);
    return { summary: s, alreadyComplete: false, interrupted };
  } finally {
    trainer?.dispose();
    model.dispose();
    disposeDataset(ds); // applyRandomization's result owns all its tensors
  }
}

/** Any error but bad input that ends a run (out of memory, a full disk, a bug) is recorded: status failed
 * with a one-line reason, in summary.json (made if the run had none yet) and the index. A failed run is not
 * finished: running its command again resumes it from its last checkpoint. */
function recordFailure(run: RunDir, config: FitConfig, store: RunStore, e: Error): void {
  const reason = String(e?.message ?? e).split('\n')[0];
  try {
    run.removeScratch();
    run.writeSummary({
      ...(run.readSummary() ?? unstartedSummary(run, config)),
      status: 'failed',
      error: reason,
    });
  } catch {
    // the disk may be full or the summary corrupt: the index below still says failed
  }
  try {
    store.refresh(run.id, reason);
  } catch {
    // the store may be gone: the error that brought us here is the one to report
  }
}

/** Bad input (a corrupt checkpoint, a wrong flag) refuses the command but leaves the run as it was. */
function refuse(run: RunDir, store: RunStore): void {
  try {
    run.removeScratch();
    store.refresh(run.id);
  } catch {
    // as in recordFailure
  }
}

/** The summary of a run that failed before its first epoch ended: nothing trained yet. */
function unstartedSummary(run: RunDir, config: FitConfig): FitSummary {
  return {
    ...runInfo(run, config, 'failed'),
    params: 0,
    trainSize: 0,
    epochs: 0,
    steps: 0,
    stepsToFit: null,
    epochsToFit: null,
    trainAcc: NaN,
    testAcc: NaN,
    bestTestAcc: NaN,
    bestTestEpoch: 0,
    labelChangedFraction: 0,
    diverged: false,
    divergedReason: null,
    wallSeconds: 0,
    examplesPerSecond: 0,
  };
}

/** A finished run as a writer killed after its last epoch may have left it: its temporary files and
 * stale lock removed (unless another process writes it now), its index row brought up to date. */
export async function tidy(run: RunDir, store: RunStore): Promise<void> {
  const left = run.scratch().length > 0 || existsSync(run.file('lock')) || existsSync(run.file('legacyLock'));
  if (left && run.writer() === null) {
    try {
      const lock = await run.lock({ command: 'genlab fit' });
      try {
        run.removeScratch();
      } finally {
        lock.release();
      }
    } catch (e) {
      if (!(e instanceof RunLockedError)) throw e; // taken meanwhile: its writer tidies
    }
  }
  store.refreshIfStale(run.id);
}

/** Reads the config of an existing run (for --resume). */
export function runConfig(store: RunStore, ref: string): FitConfig {
  return store.run(store.resolve(ref)).readConfig();
}

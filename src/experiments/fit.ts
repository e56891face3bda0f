// Fits one configuration inside the run store: draws or reloads the randomization, trains with a
// checkpoint at every epoch end, resumes from the last checkpoint, and records the summary.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Generator, deriveSeed, scope, type Tensor } from '../engine/index.js';
import { loadDataset, disposeDataset, type LoadedDataset } from '../data/index.js';
import {
  applyRandomization,
  drawRandomization,
  loadArtifact,
  saveArtifact,
  type RandomizationArtifact,
} from '../randomize/index.js';
import { ARTIFACT_JSON } from '../randomize/artifact.js';
import { createModel } from '../models/index.js';
import type { Module } from '../nn/index.js';
import { loadSafetensors, saveSafetensors } from '../nn/index.js';
import { Trainer, initialState, trainGenerator, type EpochRecord, type TrainState } from '../train/index.js';
import { checkFitConfig, runId, type FitConfig } from './config.js';
import { RunStore, readJson, writeAtomic, type RunStatus } from './store.js';

export interface FitSummary {
  run: string;
  dir: string;
  status: RunStatus;
  model: string;
  dataset: string;
  labels: string;
  inputs: string;
  params: number;
  trainSize: number;
  epochs: number;
  steps: number;
  stepsToFit: number | null;
  epochsToFit: number | null;
  trainAcc: number;
  testAcc: number;
  bestTestAcc: number;
  bestTestEpoch: number;
  labelChangedFraction: number;
  diverged: boolean;
  divergedReason: string | null;
  wallSeconds: number;
  examplesPerSecond: number;
}

export interface FitOptions {
  store: RunStore;
  device?: string;
  restart?: boolean; // discard an existing run with this config and start over
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

const CHECKPOINT = 'checkpoint.safetensors';
const STEPS = 'steps.f32';

function loadBase(config: FitConfig, device: string, cache?: Map<string, LoadedDataset>): LoadedDataset {
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
    device,
  });
  cache?.set(key, ds);
  return ds;
}

function randomization(dir: string, base: LoadedDataset, config: FitConfig): RandomizationArtifact {
  const artDir = path.join(dir, 'randomization');
  // A resumed run never re-draws; saveArtifact writes the JSON last, so its presence means complete.
  if (existsSync(path.join(artDir, ARTIFACT_JSON))) return loadArtifact(artDir);
  const a = drawRandomization(base, config.randomization);
  saveArtifact(artDir, a);
  return a;
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

function saveCheckpoint(dir: string, model: Module, trainer: Trainer): void {
  const tensors = new Map<string, Tensor>();
  for (const [k, t] of model.stateDict()) tensors.set(`model.${k}`, t);
  for (const [k, t] of trainer.optimizer.stateDict()) tensors.set(`optim.${k}`, t);
  scope(() => {
    tensors.set('rng.train', trainer.generator.getState());
    saveSafetensors(path.join(dir, CHECKPOINT), tensors, { state: JSON.stringify(trainer.state) });
  });
}

/** Restores weights, optimizer and generator state; returns the position, or null without a checkpoint. */
function loadCheckpoint(
  dir: string,
  model: Module,
  gen: Generator,
  device: string,
): { state: TrainState; optim: Map<string, Tensor> } | null {
  const file = path.join(dir, CHECKPOINT);
  if (!existsSync(file)) return null;
  return scope(() => {
    const ck = loadSafetensors(file, device);
    const pick = (prefix: string) =>
      new Map(
        [...ck.tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]),
      );
    model.loadStateDict(pick('model.'), file);
    const rng = ck.tensors.get('rng.train');
    if (rng) gen.setState(rng.to('cpu'));
    const state = JSON.parse(ck.metadata.state ?? 'null') as TrainState | null;
    if (!state) throw new Error(`${file}: corrupt: no training state in its metadata`);
    return { state, optim: pick('optim.') };
  });
}

/** Per-step losses beyond the checkpoint (from a run killed mid-epoch) are dropped on resume. */
function syncStepLosses(dir: string, steps: number): void {
  const file = path.join(dir, STEPS);
  if (!existsSync(file)) writeFileSync(file, new Uint8Array(0));
  if (statSync(file).size > steps * 4) truncateSync(file, steps * 4);
}

function summarize(
  id: string,
  dir: string,
  config: FitConfig,
  s: TrainState,
  params: number,
  trainSize: number,
  changed: number,
): FitSummary {
  const last = s.history[s.history.length - 1];
  const status: RunStatus = s.diverged ? 'diverged' : s.finished ? 'complete' : 'running';
  return {
    run: id,
    dir,
    status,
    model: config.model.name,
    dataset: config.dataset.name,
    labels: config.randomization.labels,
    inputs: config.randomization.inputs,
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
  };
}

/** Runs (or resumes, or just reports) the run for this config. */
export async function fit(input: FitConfig, o: FitOptions): Promise<FitOutcome> {
  const config = checkFitConfig(input);
  const id = runId(config);
  const dir = o.store.dirOf(id);
  const device = o.device ?? 'cpu';
  const done = path.join(dir, 'summary.json');
  if (existsSync(done) && !o.restart)
    return { summary: readJson<FitSummary>(done), alreadyComplete: true, interrupted: false };
  if (o.restart && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'config.json')))
    writeAtomic(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));

  const base = loadBase(config, device, o.datasetCache);
  const art = randomization(dir, base, config);
  const ds = applyRandomization(base, art);
  const gen = trainGenerator(config.train.seed);
  const model = buildModel(config, ds, device, gen);
  const index = {
    id,
    model: config.model.name,
    dataset: config.dataset.name,
    labels: config.randomization.labels,
    inputs: config.randomization.inputs,
    config,
  };
  let trainer: Trainer | undefined;
  try {
    const ck = loadCheckpoint(dir, model, gen, device);
    trainer = new Trainer(model, ds, config.train, ck?.state ?? initialState(), gen);
    if (ck) {
      trainer.optimizer.loadStateDict(ck.optim);
      for (const t of ck.optim.values()) t.dispose();
    }
    const t = trainer;
    syncStepLosses(dir, t.state.step);
    const params = model.numParameters();
    const trainSize = ds.train.images.shape[0];
    o.onStart?.({ run: id, dir, resumedFrom: t.state.epoch, totalEpochs: config.train.epochs, params });
    o.store.upsert({
      ...index,
      status: 'running',
      summary: summarize(
        id,
        dir,
        config,
        t.state,
        params,
        trainSize,
        art.labelChangedFraction,
      ) as unknown as Record<string, unknown>,
    });
    let interrupted = false;
    while (!t.done()) {
      const { record, losses } = t.runEpoch(o.onStep);
      appendFileSync(path.join(dir, STEPS), new Uint8Array(losses.buffer));
      saveCheckpoint(dir, model, t);
      o.onEpoch?.(record, t.state);
      await new Promise((r) => setImmediate(r)); // let signals and output through between epochs
      if (!t.done() && o.shouldStop?.()) {
        interrupted = true;
        break;
      }
    }
    if (!interrupted) t.state.finished = true;
    const summary = summarize(id, dir, config, t.state, params, trainSize, art.labelChangedFraction);
    if (!interrupted) writeAtomic(done, JSON.stringify(summary, null, 2));
    o.store.upsert({
      ...index,
      status: summary.status,
      summary: summary as unknown as Record<string, unknown>,
    });
    return { summary, alreadyComplete: false, interrupted };
  } catch (e) {
    o.store.upsert({ ...index, status: 'failed', summary: { error: (e as Error).message } });
    throw e;
  } finally {
    trainer?.dispose();
    model.dispose();
    disposeDataset(ds); // applyRandomization's result owns all its tensors
    if (!o.datasetCache) disposeDataset(base);
  }
}

/** Reads the config of an existing run (for --resume). */
export function runConfig(store: RunStore, ref: string): FitConfig {
  const id = store.resolve(ref);
  return readJson<FitConfig>(path.join(store.dirOf(id), 'config.json'));
}

/** Per-step training losses of a run (Figure 1a). */
export function stepLosses(dir: string): Float32Array {
  const buf = readFileSync(path.join(dir, STEPS));
  return new Float32Array(
    buf.buffer.slice(buf.byteOffset, buf.byteOffset + (buf.byteLength - (buf.byteLength % 4))),
  );
}

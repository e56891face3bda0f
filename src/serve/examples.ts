// A run's examples on its page: which training examples it learned last (memorized) and forgot most often, each
// with its image, the label it was trained on and the data set's, from the run's per-epoch correctness record.
import { InputError } from '../engine/index.js';
import { TRAIN_CORRECT } from '../experiments/fit.js';
import {
  exampleDynamics,
  hardestExamples,
  withRunTrainingSet,
  type GroupStats,
} from '../experiments/examples.js';
import { gridPng } from '../report/image-grid.js';
import type { RunStore } from '../store/store.js';
import { runDir } from './run-data.js';

/** Examples shown in each list. */
export const EXAMPLES_SHOWN = 20;

export interface ExampleCard {
  index: number; // in the training set
  label: string; // the class it was trained on
  original: string; // the data set's class
  corrupted: boolean;
  learnedEpoch: number | null; // first epoch it was classified correctly; null: never
  forgetEvents: number;
  png: string; // data: URL
}

export type RunExamples =
  | { available: false; reason: string }
  | {
      available: true;
      examples: number; // trained on
      epochs: number; // evaluated
      clean: GroupStats;
      noisy: GroupStats | null;
      lastLearned: ExampleCard[];
      mostForgotten: ExampleCard[];
    };

// Keyed by run and the epochs it has recorded: a running run's lists change with each epoch, a finished one's never.
// The runs opened last are kept (an entry holds its lists' images, tens of kB).
const CACHED_RUNS = 32;
const cache = new Map<string, RunExamples>();

/** The run's per-example lists, or why it has none (no per-example record: an old run, a theory run, no epoch yet). */
export function runExamples(store: RunStore, id: string): RunExamples {
  const run = runDir(store, id);
  const key = `${id}@${run.epochArtifactEpochs(TRAIN_CORRECT).length}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let value: RunExamples;
  try {
    const d = exampleDynamics(run);
    const hard = hardestExamples(d, EXAMPLES_SHOWN);
    value = withRunTrainingSet(run, (train, original) => {
      const card = (i: number): ExampleCard => ({
        index: i,
        label: train.classes[train.labels[i]] ?? String(train.labels[i]),
        original: train.classes[original[i]] ?? String(original[i]),
        corrupted: d.corrupted[i],
        learnedEpoch: d.learnedEpoch[i],
        forgetEvents: d.forgetEvents[i],
        png: `data:image/png;base64,${gridPng(train.images, [[i]]).toString('base64')}`,
      });
      return {
        available: true,
        examples: d.trainedOn.filter(Boolean).length,
        epochs: d.epochs.length,
        clean: d.clean,
        noisy: d.noisy,
        lastLearned: hard.lastLearned.map(card),
        mostForgotten: hard.mostForgotten.map(card),
      };
    });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    value = { available: false, reason: e.message };
  }
  for (const k of cache.keys()) if (k.startsWith(`${id}@`)) cache.delete(k);
  cache.set(key, value);
  if (cache.size > CACHED_RUNS) cache.delete(cache.keys().next().value as string);
  return value;
}

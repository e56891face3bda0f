// What is training now: running runs with their progress and an estimate of the time left.
import type { RunStore } from '../store/store.js';
import { runConfigOf, runEpochs } from './run-data.js';

export interface ActiveRun {
  id: string;
  model: string;
  dataset: string;
  labels: string;
  inputs: string;
  epochs: number; // done
  totalEpochs: number | null; // the config's limit (a run that fits stops earlier)
  secondsPerEpoch: number | null;
  remainingSeconds: number | null; // at most this: the run stops early once it fits
  updated: string;
  alive: boolean; // a process holds the run's lock (false: killed, it resumes when started again)
}

export function localSweeps(store: RunStore): { local: ActiveRun[] } {
  const local = store.list({ status: 'running' }).map((row): ActiveRun => {
    const epochs = runEpochs(store, row.run);
    const config = runConfigOf(store, row.run);
    const totalEpochs = config?.train.epochs ?? null;
    const spent = epochs.reduce((s, e) => s + e.seconds, 0);
    const secondsPerEpoch = epochs.length ? spent / epochs.length : null;
    return {
      id: row.run,
      model: row.model,
      dataset: row.dataset,
      labels: row.labels,
      inputs: row.inputs,
      epochs: epochs.length,
      totalEpochs,
      secondsPerEpoch,
      remainingSeconds:
        secondsPerEpoch !== null && totalEpochs !== null
          ? Math.max(0, totalEpochs - epochs.length) * secondsPerEpoch
          : null,
      updated: row.updated,
      alive: store.run(row.run).writer() !== null,
    };
  });
  return { local };
}

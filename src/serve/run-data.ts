// What the dashboard reads of one run, read-only: config, summary, per-epoch metrics, per-step losses, randomization, files.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { runConfig, stepLosses, type FitSummary } from '../experiments/fit.js';
import { storedSummary } from '../experiments/sweep.js';
import type { FitConfig } from '../experiments/config.js';
import type { RunRow, RunStore } from '../experiments/store.js';
import { loadArtifact } from '../randomize/index.js';
import { epochHistory } from '../report/figures.js';
import type { EpochRecord } from '../train/index.js';
import { HttpError } from './security.js';

export interface RunFile {
  path: string; // relative to the store root, '/'-separated
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

/** The run's resolved config, or null when its directory is gone (the index row stays). */
export function runConfigOf(store: RunStore, id: string): FitConfig | null {
  try {
    return runConfig(store, id);
  } catch {
    return null;
  }
}

export function runDetail(store: RunStore, id: string) {
  const row = runRow(store, id);
  const config = runConfigOf(store, id);
  const summary: FitSummary | null = storedSummary(store, id);
  return { row, config, summary, randomization: randomizationSummary(store, id), files: runFiles(store, id) };
}

/** Where the run keeps its drawn randomization (read with loadArtifact). */
export function randomizationDir(store: RunStore, id: string): string {
  return path.join(store.dirOf(id), 'randomization');
}

function randomizationSummary(store: RunStore, id: string): RandomizationSummary | null {
  try {
    const a = loadArtifact(randomizationDir(store, id));
    return {
      labels: a.spec.labels,
      inputs: a.spec.inputs,
      seed: a.spec.seed,
      labelChangedFraction: a.labelChangedFraction,
      trainCount: a.train.count,
      testRandomized: a.test !== null,
    };
  } catch {
    return null; // not drawn yet (the run is starting) or unreadable
  }
}

/** Per-epoch metrics so far (empty before the first epoch ends). */
export function runEpochs(store: RunStore, id: string): EpochRecord[] {
  runRow(store, id);
  try {
    return epochHistory(store.dirOf(id));
  } catch {
    return [];
  }
}

/** A token that changes whenever the run's per-epoch metrics may have (cheap: one stat). */
export function epochsVersion(store: RunStore, id: string): string {
  try {
    const s = statSync(path.join(store.dirOf(id), 'checkpoint.safetensors'));
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return '';
  }
}

/** Per-step training losses so far. */
export function runSteps(store: RunStore, id: string): Float32Array {
  runRow(store, id);
  try {
    return stepLosses(store.dirOf(id));
  } catch {
    return new Float32Array(0);
  }
}

/** Every regular file of the run's directory (downloads go through /files/PATH). */
export function runFiles(store: RunStore, id: string): RunFile[] {
  const out: RunFile[] = [];
  const walk = (dir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const st = lstatSync(path.join(dir, name), { throwIfNoEntry: false });
      if (!st || name.includes('.tmp-')) continue; // symlinks are not listed; temporary files are mid-write
      if (st.isDirectory()) walk(path.join(dir, name), `${rel}/${name}`);
      else if (st.isFile()) out.push({ path: `${rel}/${name}`, bytes: st.size });
    }
  };
  walk(store.dirOf(id), id);
  return out;
}

// The fit as a kind of run: its run id (readable parts plus the hash of its whole config) and its row in the
// store's index (model, data set, labels, inputs; the summary's status and results).
import type { FitConfig } from '../config/config.js';
import { datasetIdPart, runIdOf } from '../store/ids.js';
import type { FitResults, FitSummary, RunDir, RunInfo, RunStatus } from '../store/run-dir.js';
import { indexKind, type KindRow } from '../store/store.js';

/** A fit as a plan holds it: a preset's grid point and variant, or one of memorization's models. */
export interface PlannedRun {
  label: string; // grid point and variant, for people
  coords: Record<string, unknown>; // the grid point
  variant: string;
  replicate: number; // which seed of its cell: 0 runs the config's own seeds, k runs them + k (genlab run --seeds)
  config: FitConfig;
  id: string;
}

/** A readable id from the config plus a short hash of all of it: same config, same run. */
export function runId(c: FitConfig): string {
  const r = c.randomization;
  const extras = [
    c.train.weightDecay ? `wd${c.train.weightDecay}` : '',
    c.train.augment.length ? `aug-${c.train.augment.join('-')}` : '',
    c.train.fraction === undefined ? '' : `frac${c.train.fraction}`,
    c.train.precision ?? '', // bf16; fp32 is absent
  ].filter(Boolean);
  const parts = [
    c.model.name,
    datasetIdPart(c.dataset),
    `labels-${r.labels}`,
    `inputs-${r.inputs}`,
    ...extras,
  ];
  return runIdOf(parts, c);
}

/** A fit's identity and status from its config (before any summary exists). */
export function runInfo(run: RunDir, config: FitConfig, status: RunStatus): RunInfo {
  return {
    run: run.id,
    dir: run.dir,
    status,
    model: config.model.name,
    dataset: config.dataset.name,
    labels: config.randomization.labels,
    inputs: config.randomization.inputs,
  };
}

/** The results part of a summary (everything but the run's identity and status). */
function resultsOf(s: FitSummary): FitResults {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { run, dir, status, model, dataset, labels, inputs, ...results } = s;
  return results;
}

// Every run that is not another kind's (those name their experiment) is a fit, as genlab has always stored them.
const isFitConfig = (c: unknown): c is FitConfig =>
  c !== null && typeof c === 'object' && !('experiment' in c);

/** A fit's index row: status and results from its summary.json (none before its first epoch ends). */
function fitRow(run: RunDir, config: unknown, failed?: string): KindRow | null {
  if (!isFitConfig(config)) return null;
  const s = run.readSummary();
  const status: RunStatus = failed !== undefined ? 'failed' : (s?.status ?? 'running');
  return {
    info: runInfo(run, config, status),
    error: failed ?? s?.error ?? null,
    results: s && s.epochs > 0 ? resultsOf(s) : null, // a run that failed before its first epoch has none
  };
}

indexKind(fitRow);

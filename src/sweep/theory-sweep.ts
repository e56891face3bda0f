// Runs a theory preset's plan in this process, one run at a time: stored runs are skipped, the rest computed and stored.
import { InputError } from '../engine/index.js';
import type { RunOutcome } from './sweep.js';
import type { RunStore } from '../store/store.js';
import type { TheoryPlannedRun } from '../presets/theory-preset.js';
import { runTheory, storedTheoryResult, theoryExperiment } from '../experiments/theory/index.js';

/** As a fit's (interrupted: a queued run the coordinator stopped following). */
export type TheoryOutcome = RunOutcome;

export interface TheorySweepRun {
  run: TheoryPlannedRun;
  outcome: TheoryOutcome;
  result: unknown;
  error?: string;
  badInput?: boolean; // bad input (e.g. a data set not found) stops the sweep: every run would fail the same way
}

export type TheorySweepEvent =
  | { type: 'skip'; index: number; run: TheoryPlannedRun; result: unknown }
  | { type: 'start'; index: number; run: TheoryPlannedRun }
  | {
      type: 'progress';
      index: number;
      run: TheoryPlannedRun;
      stage: string;
      done: number;
      total: number;
      detail?: string;
    }
  | {
      type: 'end';
      index: number;
      run: TheoryPlannedRun;
      outcome: TheoryOutcome;
      result: unknown;
      seconds: number;
      error?: string;
    };

export interface TheorySweepOptions {
  store: RunStore;
  onEvent?(e: TheorySweepEvent): void;
  shouldStop?(): boolean; // checked before each run
}

/** Runs a plan; every run's options are already resolved, so a run stored by any preset or command is reused. */
export async function runTheorySweep(
  plan: TheoryPlannedRun[],
  o: TheorySweepOptions,
): Promise<TheorySweepRun[]> {
  const results: TheorySweepRun[] = plan.map((run) => ({ run, outcome: 'not run', result: null }));
  for (const [index, run] of plan.entries()) {
    const stored = storedTheoryResult(o.store, run.id);
    if (stored !== null) {
      results[index] = { run, outcome: 'skipped', result: stored };
      o.onEvent?.({ type: 'skip', index, run, result: stored });
    }
  }
  for (const [index, run] of plan.entries()) {
    if (results[index].outcome === 'skipped') continue;
    if (o.shouldStop?.()) break;
    o.onEvent?.({ type: 'start', index, run });
    const t0 = performance.now();
    try {
      const out = await runTheory(theoryExperiment(run.experiment, run.label), run.options, {
        store: o.store,
        where: run.label || run.id,
        onProgress: (stage, done, total, detail) =>
          o.onEvent?.({ type: 'progress', index, run, stage, done, total, detail }),
      });
      results[index] = { run, outcome: 'complete', result: out.result };
    } catch (e) {
      const badInput = e instanceof InputError;
      results[index] = { run, outcome: 'failed', result: null, error: (e as Error).message, badInput };
    }
    const r = results[index];
    const seconds = (performance.now() - t0) / 1000;
    o.onEvent?.({ type: 'end', index, run, outcome: r.outcome, result: r.result, seconds, error: r.error });
    if (r.badInput) break;
  }
  return results;
}

// Running a theory experiment inside the run store: content-addressed by its options, computed once.
import type { z } from 'zod';
import type { RunStore } from '../../store/store.js';
import { runIdOf } from '../../store/ids.js';
import { parseOptions } from '../../config/schema.js';
import type { OnProgress, TheoryExperiment } from './experiment.js';
import { readTheoryRun, writeTheoryResult } from './stored.js';

export type { OnProgress, TheoryExperiment } from './experiment.js';
export { THEORY_EXPERIMENTS, THEORY_NAMES, theoryExperiment, type TheoryName } from './registry.js';

/** A readable id plus a short hash of the experiment's name and all its resolved options: same options, same run. */
export function theoryRunId(e: TheoryExperiment, options: unknown): string {
  return runIdOf([e.name, ...e.idParts(options)], { experiment: e.name, options });
}

/** A stored run's result, or null when it is not complete (or not a theory run). */
export function storedTheoryResult(store: RunStore, id: string): unknown {
  return readTheoryRun(store.run(id))?.result ?? null;
}

export interface TheoryRunOutcome<R = unknown> {
  id: string;
  dir: string;
  options: unknown; // resolved
  result: R;
  stored: boolean; // found complete in the store, not computed now
  seconds: number; // this call's
}

/**
 * Resolves the options (defaults filled, checked; errors name `where`), then returns the stored result
 * or computes it under the run's lock: a second process with the same options waits, then reads it.
 */
export async function runTheory<R = unknown>(
  e: TheoryExperiment<z.ZodType, R>,
  input: unknown,
  o: { store: RunStore; where: string; onProgress?: OnProgress; onWait?(): void },
): Promise<TheoryRunOutcome<R>> {
  const t0 = performance.now();
  const exp = e as TheoryExperiment;
  const options = parseOptions(exp.options, input, o.where);
  const id = theoryRunId(exp, options);
  const run = o.store.run(id);
  const outcome = (result: unknown, stored: boolean): TheoryRunOutcome<R> => {
    const seconds = stored ? 0 : (performance.now() - t0) / 1000;
    return { id, dir: run.dir, options, result: result as R, stored, seconds };
  };
  const stored = storedTheoryResult(o.store, id);
  if (stored !== null) return outcome(stored, true);
  run.create({ experiment: exp.name, options });
  const lock = await run.lock({ wait: true, command: `genlab ${exp.name}`, onWait: o.onWait });
  try {
    const done = storedTheoryResult(o.store, id); // computed by the process we waited for
    if (done !== null) return outcome(done, true);
    o.store.refresh(id);
    let result: unknown;
    try {
      result = await exp.run(options, o.onProgress);
    } catch (err) {
      o.store.refresh(id, (err as Error).message);
      throw err;
    }
    writeTheoryResult(run, result);
    o.store.refresh(id);
    return outcome(result, false);
  } finally {
    lock.release();
  }
}

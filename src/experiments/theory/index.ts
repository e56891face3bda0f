// The theory experiments by name, and running one inside the run store: content-addressed, computed once.
import type { z } from 'zod';
import { unknownName } from '../../engine/index.js';
import { configHash, type RunStore } from '../store.js';
import { parseOptions } from '../options.js';
import type { OnProgress, TheoryExperiment } from './experiment.js';
import { kernelExperiment } from './kernel.js';
import { minnormExperiment } from './minnorm.js';
import { expressivityExperiment } from './expressivity.js';
import { rademacherExperiment } from './rademacher.js';
import { readTheoryRun, recordTheoryStart, recordTheoryResult, recordTheoryFailure } from './stored.js';

export type { OnProgress, TheoryExperiment } from './experiment.js';

export const THEORY_EXPERIMENTS = {
  kernel: kernelExperiment,
  minnorm: minnormExperiment,
  expressivity: expressivityExperiment,
  rademacher: rademacherExperiment,
} as const;
export type TheoryName = keyof typeof THEORY_EXPERIMENTS;
export const THEORY_NAMES = Object.keys(THEORY_EXPERIMENTS) as TheoryName[];

/** The experiment called `name`, or an error naming `where` with a did-you-mean. */
export function theoryExperiment(name: string, where: string): TheoryExperiment {
  if (!(name in THEORY_EXPERIMENTS)) throw unknownName(where, 'experiment', name, THEORY_NAMES);
  return THEORY_EXPERIMENTS[name as TheoryName] as unknown as TheoryExperiment;
}

function slug(s: string): string {
  return s.replace(/[^a-zA-Z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** A readable id plus a short hash of the experiment's name and all its resolved options: same options, same run. */
export function theoryRunId(e: TheoryExperiment, options: unknown): string {
  return `${[e.name, ...e.idParts(options)].map(slug).join('_')}_${configHash({ experiment: e.name, options })}`;
}

/** A stored run's result, or null when it is not complete (or not a theory run). */
export function storedTheoryResult(store: RunStore, id: string): unknown {
  return readTheoryRun(store, id)?.result ?? null;
}

export interface TheoryRunOutcome<R = unknown> {
  id: string;
  dir: string;
  options: unknown; // resolved
  result: R;
  stored: boolean; // found complete in the store, not computed now
  seconds: number; // this call's
}

/** Resolves the options (defaults filled, checked; errors name `where`), then returns the stored result or computes it. */
export async function runTheory<R = unknown>(
  e: TheoryExperiment<z.ZodType, R>,
  input: unknown,
  o: { store: RunStore; where: string; onProgress?: OnProgress },
): Promise<TheoryRunOutcome<R>> {
  const t0 = performance.now();
  const exp = e as TheoryExperiment;
  const options = parseOptions(exp.options, input, o.where);
  const id = theoryRunId(exp, options);
  const dir = o.store.dirOf(id);
  const stored = storedTheoryResult(o.store, id);
  if (stored !== null) return { id, dir, options, result: stored as R, stored: true, seconds: 0 };
  const config = { experiment: exp.name, options };
  const columns = exp.index(options);
  recordTheoryStart(o.store, id, config, columns);
  let result: unknown;
  try {
    result = await exp.run(options, o.onProgress);
  } catch (err) {
    recordTheoryFailure(o.store, id, config, columns, err as Error);
    throw err;
  }
  recordTheoryResult(o.store, id, config, columns, result, exp.scores(result));
  return { id, dir, options, result: result as R, stored: false, seconds: (performance.now() - t0) / 1000 };
}

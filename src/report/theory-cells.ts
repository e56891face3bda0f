// A theory preset's runs by cell (one grid point and variant, every seed of it), as seeds.ts groups fits.
import type { TheoryPlannedRun } from '../presets/theory-preset.js';
import { cellKey, stat, type Stat } from './seeds.js';

/** A planned theory run and its result (null: not complete yet). */
export interface TheoryReportRun {
  run: TheoryPlannedRun;
  result: unknown;
}

/** A complete theory run, its result of the report's kind. */
export interface TheoryDone<R> {
  run: TheoryPlannedRun;
  result: R;
}

/** One cell: the first seed's run (its label, coords and options), every seed, and the complete ones. */
export interface TheoryCell<R> {
  run: TheoryPlannedRun;
  runs: TheoryReportRun[];
  done: TheoryDone<R>[];
}

/** Runs grouped by cell, in the plan's order; results read as R (the report kind's result). */
export function theoryCellsOf<R>(runs: readonly TheoryReportRun[]): TheoryCell<R>[] {
  const cells = new Map<string, TheoryCell<R>>();
  for (const r of runs) {
    const key = cellKey(r.run);
    const c = cells.get(key);
    if (c) c.runs.push(r);
    else cells.set(key, { run: r.run, runs: [r], done: [] });
  }
  for (const c of cells.values()) {
    c.runs.sort((a, b) => a.run.replicate - b.run.replicate);
    c.run = c.runs[0].run;
    c.done = c.runs.filter((r) => r.result !== null) as TheoryDone<R>[];
  }
  return [...cells.values()];
}

/** A number of a cell's complete results over its seeds; null without complete runs. */
export const resultStat = <R>(c: TheoryCell<R>, of: (r: R) => number): Stat | null =>
  stat(c.done.map((d) => of(d.result)));

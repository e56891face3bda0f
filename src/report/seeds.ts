// Runs repeated with several seeds: cells (one grid point and variant, every seed of it), and each metric's mean
// and spread over the seeds — min–max, and a 95% t-interval of the mean once there are three or more.
import type { PlannedRun } from '../presets/preset.js';
import type { FitSummary } from '../store/run-dir.js';
import { MISSING } from './table.js';

/** A planned run and its summary (null: not complete yet). */
export interface ReportRun {
  run: PlannedRun;
  summary: FitSummary | null;
}

/** A complete run. */
export type Done = ReportRun & { summary: FitSummary };

/** One cell of a plan: a grid point and variant, with each of its seeds' runs. */
export interface ReportCell {
  run: PlannedRun; // the first seed's (replicate 0 where planned): its label, coords, variant and config
  runs: ReportRun[]; // every seed, complete or not
  done: Done[]; // the complete ones
}

const isDone = (r: ReportRun): r is Done => r.summary !== null;

/** The cell a planned run belongs to: its grid point and variant, whatever its seed. */
export const cellKey = (r: { variant: string; coords: Record<string, unknown> }): string =>
  JSON.stringify([r.variant, r.coords]);

/** Runs grouped by cell, in the plan's order. */
export function cellsOf(runs: readonly ReportRun[]): ReportCell[] {
  const cells = new Map<string, ReportCell>();
  for (const r of runs) {
    const key = cellKey(r.run);
    const c = cells.get(key);
    if (c) c.runs.push(r);
    else cells.set(key, { run: r.run, runs: [r], done: [] });
  }
  for (const c of cells.values()) {
    c.runs.sort((a, b) => a.run.replicate - b.run.replicate);
    c.run = c.runs[0].run;
    c.done = c.runs.filter(isDone);
  }
  return [...cells.values()];
}

/** A metric over the seeds of a cell. */
export interface Stat {
  n: number;
  mean: number;
  min: number;
  max: number;
  half: number | null; // half-width of the mean's 95% t-interval (n ≥ 3), else null
  values: number[];
}

// Two-sided 95% quantiles of Student's t for 1 … 30 degrees of freedom; beyond, the normal's.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export const t95 = (df: number): number => (df >= 1 && df <= T95.length ? T95[df - 1] : 1.96);

/** Mean, min–max and (n ≥ 3) the 95% interval of finite values; null when there are none. */
export function stat(values: readonly number[]): Stat | null {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return null;
  const mean = v.reduce((a, x) => a + x, 0) / n;
  let half: number | null = null;
  if (n >= 3) {
    const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    half = (t95(n - 1) * sd) / Math.sqrt(n);
  }
  return { n, mean, min: Math.min(...v), max: Math.max(...v), half, values: v };
}

/** A metric of a cell's complete runs (`of` may give null or a non-finite value for a run: left out). */
export function cellStat(cell: ReportCell, of: (r: Done) => number | null): Stat | null {
  return stat(cell.done.map(of).filter((x): x is number => x !== null));
}

/**
 * A stat for people: "85.12" for one seed, "85.12 (84.90–85.34)" for two, "85.12 ± 0.52 (84.90–85.34)" for
 * three or more (± the 95% interval's half-width, then min–max), each number with `unit`.
 */
export function fmtStat(s: Stat | null, digits = 2, unit = ''): string {
  if (s === null) return MISSING;
  const f = (x: number) => `${x.toFixed(digits)}${unit}`;
  if (s.n === 1) return f(s.mean);
  const ci = s.half === null ? '' : ` ± ${s.half.toFixed(digits)}`;
  return `${f(s.mean)}${ci} (${f(s.min)}–${f(s.max)})`;
}

/** The note a table with seeds carries: how many seeds its cells have and how to read them. */
export function seedsNote(cells: readonly { runs: readonly unknown[] }[]): string | null {
  const ns = [...new Set(cells.map((c) => c.runs.length))];
  if (ns.length === 1 && ns[0] === 1) return null;
  const seeds = ns.length === 1 ? `${ns[0]} seeds` : `${Math.min(...ns)}–${Math.max(...ns)} seeds`;
  return `Each cell: the mean over its ${seeds} (complete runs only); two seeds show (min–max), three or more ± the 95% t-interval of the mean, then (min–max).`;
}

// A cell's seeds in tables and figures: its mean and spread as table cells, steps to fit over its fitted seeds,
// a "seeds" column, and figure series drawn as a mean with a min–max band or with each seed's curve thin.
import type { FitSummary } from '../store/run-dir.js';
import type { Series } from './plot.js';
import { cellStat, fmtStat, seedsNote, stat, type Done, type ReportCell, type Stat } from './seeds.js';
import { comparisonCell, type Cell, type Table } from './table.js';

/** The summaries of a cell's complete runs. */
export const summaries = (c: ReportCell): FitSummary[] => c.done.map((r) => r.summary);

/** A fraction (an accuracy) over a cell's complete runs, in percent. */
export function pctStat(c: ReportCell, of: (s: FitSummary) => number | null | undefined): Stat | null {
  return cellStat(c, (r: Done) => {
    const v = of(r.summary);
    return v === null || v === undefined ? null : 100 * v;
  });
}

/** [genlab, paper, Δ] as comparisonCell gives them; genlab as its mean and spread (fmtStat), Δ from the mean. */
export function statComparison(
  s: Stat | null,
  paper: number | null,
  opts: { digits?: number; unit?: string } = {},
): [string, string, string] {
  const [, p, delta] = comparisonCell(s?.mean ?? null, paper, opts);
  return [fmtStat(s, opts.digits ?? 2, opts.unit ?? ''), p, delta];
}

/** fmtStat's layout with a number format of its own (e.g. toPrecision for norms). */
export function fmtStatWith(s: Stat, f: (x: number) => string): string {
  if (s.n === 1) return f(s.mean);
  const ci = s.half === null ? '' : ` ± ${f(s.half)}`;
  return `${f(s.mean)}${ci} (${f(s.min)}–${f(s.max)})`;
}

const count = (x: number) =>
  Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toFixed(1)));

/**
 * A count (steps, epochs) over seeds: one seed as the number itself (the table prints it as it always has),
 * several as "1,234 ± 56 (1,180–1,290)" with one decimal below 100.
 */
export function fmtCount(s: Stat | null): Cell {
  if (s === null) return null;
  return s.n === 1 ? s.mean : fmtStatWith(s, count);
}

/**
 * Steps (or epochs) to fit over the seeds that fitted: "(k of n fitted)" when only some did, "not fitted (E epochs)"
 * when none did (`epochs` false: just "not fitted"); null without complete runs.
 */
export function toFitCell(done: FitSummary[], of: (s: FitSummary) => number | null, epochs = true): Cell {
  if (done.length === 0) return null;
  const fit = done.map(of).filter((x): x is number => x !== null);
  if (fit.length === 0)
    return epochs ? `not fitted (${fmtCount(stat(done.map((s) => s.epochs)))} epochs)` : 'not fitted';
  const steps = fmtCount(stat(fit));
  return fit.length === done.length ? steps : `${steps} (${fit.length} of ${done.length} fitted)`;
}

/** Whether a cell's seeds fitted the training set: "yes", `no`, or "k of n" when only some did. */
export function fittedCell(done: FitSummary[], no: string): Cell {
  if (done.length === 0) return null;
  const k = done.filter((s) => s.stepsToFit !== null).length;
  return k === done.length ? 'yes' : k === 0 ? no : `${k} of ${done.length}`;
}

/** How many complete runs of how many planned a cell has. */
export interface SeedCount {
  done: number;
  planned: number;
}

/** A cell's seeds, fit or theory: its planned runs and the complete ones. */
interface Seeded {
  runs: readonly unknown[];
  done: readonly unknown[];
}

export const seedCount = (c: Seeded): SeedCount => ({ done: c.done.length, planned: c.runs.length });

/**
 * A per-cell table with its seeds: when any row stands for several, a "seeds" column ("3", or "1 of 2" while
 * some are not complete) and `note` (seedsNote: how to read a mean and its spread). One seed each: unchanged.
 */
export function withSeeds(t: Table, counts: SeedCount[], note: string | null): Table {
  if (!counts.some((c) => c.planned > 1)) return t;
  const text = (c: SeedCount) => (c.done === c.planned ? `${c.planned}` : `${c.done} of ${c.planned}`);
  return {
    ...t,
    columns: [...t.columns, 'seeds'],
    rows: t.rows.map((r, i) => [...r, text(counts[i])]),
    notes: [...(t.notes ?? []), ...(note ? [note] : [])],
  };
}

/** withSeeds for a table with one row per cell, in the cells' order. */
export const withCellSeeds = (t: Table, cells: readonly Seeded[]): Table =>
  withSeeds(t, cells.map(seedCount), seedsNote(cells));

/** A line through each point's mean; its min–max as a shaded band where any point has several seeds. */
export function meanSeries(name: string, points: { x: number; s: Stat }[]): Series {
  const series: Series = { name, x: points.map((p) => p.x), y: points.map((p) => p.s.mean) };
  if (points.some((p) => p.s.n > 1))
    series.band = { lo: points.map((p) => p.s.min), hi: points.map((p) => p.s.max) };
  return series;
}

/**
 * One cell's curves over training (loss per step, accuracy per epoch), one per seed, sharing x from its start:
 * several draw each seed thin and their mean as far as every seed reached; one draws as itself.
 */
export function seedCurves(name: string, curves: { x: number[]; y: number[] }[]): Series {
  if (curves.length === 1) return { name, x: curves[0].x, y: curves[0].y };
  const n = Math.min(...curves.map((c) => c.y.length));
  const y = Array.from({ length: n }, (_, i) => curves.reduce((a, c) => a + c.y[i], 0) / curves.length);
  return { name, x: curves[0].x.slice(0, n), y, seeds: curves };
}

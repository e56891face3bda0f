// Front end: the compare page's charts from its runs and its controls — the loss smoothed, the x axis in steps, epochs
// or examples seen (each run's own batch and training-set size), and seeds of one configuration folded into a band.
import type { RunPace } from '../run-data.js';
import type { EpochRecord, StepWindow } from './api.js';
import { lineChart, type Line } from './charts.js';
import { fold, smooth, type Curve } from './curves.js';

export type XAxis = 'step' | 'epoch' | 'examples';
export const X_LABELS: Record<XAxis, string> = { step: 'step', epoch: 'epoch', examples: 'examples seen' };

export interface ComparedRun {
  label: string;
  group: number;
  steps: StepWindow;
  epochs: EpochRecord[];
  pace: RunPace | null; // null: not known yet, so no x but steps and epochs
}

export interface View {
  smoothing: number; // the loss's EMA weight, 0: none
  x: XAxis;
  fold: boolean; // a group's seeds drawn as one line (their mean) with a min–max band
}

/** Step s on the x axis: the epochs it makes, or the examples seen by then (whole epochs', then its batches'). */
function stepX(s: number, x: XAxis, p: RunPace | null): number | null {
  if (x === 'step') return s;
  if (!p) return null;
  const epochs = Math.floor(s / p.stepsPerEpoch);
  if (x === 'epoch') return s / p.stepsPerEpoch;
  return epochs * p.epochExamples + (s - epochs * p.stepsPerEpoch) * p.batchSize;
}

/** An epoch's end on the x axis. */
function epochX(e: EpochRecord, x: XAxis, p: RunPace | null): number | null {
  if (x === 'epoch') return e.epoch;
  if (x === 'step') return e.step;
  return p ? e.epoch * p.epochExamples : null;
}

/** The points whose x is known. */
function curve(xs: (number | null)[], ys: (number | null)[]): Curve {
  const keep = xs.map((v) => v !== null);
  return { x: xs.filter((_, i) => keep[i]) as number[], y: ys.filter((_, i) => keep[i]) };
}

interface Drawn {
  label: string;
  colour: number;
  curve: Curve;
  band?: { min: number[]; max: number[] };
}

/** What one chart draws: a line per run, or with seeds folded, per group (its mean and band where it has seeds). */
function drawn(
  runs: ComparedRun[],
  groupLabels: string[],
  folded: boolean,
  of: (r: ComparedRun) => Curve,
): Drawn[] {
  if (!folded) return runs.map((r, i) => ({ label: r.label, colour: i, curve: of(r) }));
  return groupLabels.map((label, g) => {
    const seeds = runs.filter((r) => r.group === g);
    if (seeds.length === 1) return { label, colour: g, curve: of(seeds[0]) };
    const f = fold(seeds.map(of));
    return { label, colour: g, curve: { x: f.x, y: f.mean }, band: { min: f.min, max: f.max } };
  });
}

/** Chart lines: bands' edges and raw lines first (drawn behind), then one line per drawn curve, smoothed by w. */
function linesOf(ds: Drawn[], w: number): { lines: Line[]; bands: [number, number][] } {
  const s = (y: (number | null)[]) => (w > 0 ? smooth(y, w) : y);
  const behind: (Line & { of: number })[] = []; // `of`: the index of its drawn curve, for now
  const bands: [number, number][] = [];
  ds.forEach((d, i) => {
    const base = { x: d.curve.x, colour: d.colour, of: i };
    if (d.band) {
      bands.push([behind.length, behind.length + 1]);
      behind.push({ ...base, label: `${d.label} max`, y: s(d.band.max), aside: 'edge' });
      behind.push({ ...base, label: `${d.label} min`, y: s(d.band.min), aside: 'edge' });
    }
    if (w > 0) behind.push({ ...base, label: `${d.label} raw`, y: d.curve.y, aside: 'raw' });
  });
  const front = ds.map((d) => ({ label: d.label, x: d.curve.x, y: s(d.curve.y), colour: d.colour }));
  return { lines: [...behind.map((l) => ({ ...l, of: behind.length + l.of })), ...front], bands };
}

const CHARTS = [
  { title: 'Training loss per step', yLabel: 'loss', width: 900, height: 340 },
  { title: 'Train accuracy per epoch', yLabel: 'accuracy', width: 560, height: 300 },
  { title: 'Test accuracy per epoch', yLabel: 'accuracy', width: 560, height: 300 },
];

/** The loss per step (smoothed) and the train and test accuracy per epoch, drawn as the view says. */
export function compareCharts(runs: ComparedRun[], groupLabels: string[], v: View) {
  const loss = (r: ComparedRun) =>
    curve(
      r.steps.x.map((s) => stepX(s, v.x, r.pace)),
      r.steps.y,
    );
  const acc = (of: (e: EpochRecord) => number) => (r: ComparedRun) =>
    curve(
      r.epochs.map((e) => epochX(e, v.x, r.pace)),
      r.epochs.map(of),
    );
  const curves = [loss, acc((e) => e.trainAcc), acc((e) => e.testAcc)];
  return CHARTS.map((c, i) => {
    const { lines, bands } = linesOf(drawn(runs, groupLabels, v.fold, curves[i]), i === 0 ? v.smoothing : 0);
    const spec = { ...c, xLabel: X_LABELS[v.x], lines, bands, percent: i > 0 };
    return lineChart(spec, c.width, c.height);
  });
}

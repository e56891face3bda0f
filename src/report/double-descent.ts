// Double descent (Belkin et al. 2019; Nakkiran et al. 2019): test-error curves against model size, their peak and interpolation threshold.
import { fmtNum } from './table.js';

/** One model size on a curve: its size (parameters or features) and its errors, in % (NaN: not measured). */
export interface CurvePoint {
  size: number;
  testErr: number;
  trainErr: number;
}

/** One curve: a label-noise level and its points, in increasing size. */
export interface Curve {
  noise: number; // fraction of labels corrupted
  points: CurvePoint[];
}

/** A test-error peak: its point and how far it stands above the best smaller and the best larger model (points). */
export interface Peak {
  index: number;
  size: number;
  testErr: number;
  rise: number; // above the best smaller model
  fall: number; // above the best larger model
}

/** Least prominence (percentage points on both sides) for a local maximum of test error to count as a peak. */
export const PEAK_POINTS = 1;

/**
 * The most prominent interior maximum of test error: for each point, the lesser of its rise over the
 * best smaller model and its height over the best larger one; a peak needs PEAK_POINTS on both sides.
 */
export function findPeak(points: CurvePoint[], least = PEAK_POINTS): Peak | null {
  const e = points.map((p) => p.testErr);
  let best: Peak | null = null;
  for (let i = 1; i < e.length - 1; i++) {
    if (!Number.isFinite(e[i])) continue;
    const before = Math.min(...e.slice(0, i).filter(Number.isFinite));
    const after = Math.min(...e.slice(i + 1).filter(Number.isFinite));
    const rise = e[i] - before;
    const fall = e[i] - after;
    if (!Number.isFinite(rise) || !Number.isFinite(fall)) continue;
    if (Math.min(rise, fall) >= least && (!best || Math.min(rise, fall) > Math.min(best.rise, best.fall)))
      best = { index: i, size: points[i].size, testErr: e[i], rise, fall };
  }
  return best;
}

/** The smallest model that interpolates: training error at most `tolerance` % (the empirical interpolation threshold). */
export function smallestFit(points: CurvePoint[], tolerance = 0): CurvePoint | null {
  return points.find((p) => Number.isFinite(p.trainErr) && p.trainErr <= tolerance) ?? null;
}

export const noiseLabel = (p: number) => `label noise ${Math.round(100 * p)}%`;

/** How a size compares with a reference, for people: "1.3× n·K". */
export function ratioText(size: number, ref: number, refName: string): string {
  const r = size / ref;
  return `${r >= 10 || r < 0.1 ? fmtNum(r, 1) : r.toFixed(2)}× ${refName}`;
}

/** One claim's per-curve verdicts, as the claims table joins them. */
export interface CurveCheck {
  text: string;
  holds: boolean;
}

/** Whether peaks and thresholds move as the published claim says: never smaller with more noise. */
export function nonDecreasing(xs: number[]): boolean {
  return xs.every((x, i) => i === 0 || x >= xs[i - 1]);
}

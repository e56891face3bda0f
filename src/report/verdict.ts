// Claims as tests: four verdicts, decided on intervals (the seed spread, or one seed's measurement noise) so an
// effect smaller than its noise is "inconclusive" and a missing or unfitted run never makes a claim hold.
import type { Stat } from './seeds.js';

export const VERDICTS = ['holds', 'fails', 'inconclusive', 'not measured'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A measured quantity with the range its noise allows. */
export interface Interval {
  value: number;
  lo: number;
  hi: number;
  n: number; // seeds behind it
}

/**
 * A cell's metric as an interval: three or more seeds, the 95% t-interval of the mean; two, min–max; one, the
 * value ± `oneSeed` (that measurement's own noise, e.g. the test set's sampling error; 0 where none is known).
 */
export function intervalOf(s: Stat, oneSeed = 0): Interval {
  if (s.half !== null) return { value: s.mean, lo: s.mean - s.half, hi: s.mean + s.half, n: s.n };
  if (s.n >= 2) return { value: s.mean, lo: s.min, hi: s.max, n: s.n };
  return { value: s.mean, lo: s.mean - oneSeed, hi: s.mean + oneSeed, n: 1 };
}

const half = (x: Interval) => (x.hi - x.lo) / 2;

/** a − b, its half-width the two half-widths added in quadrature. */
export function difference(a: Interval, b: Interval): Interval {
  const h = Math.hypot(half(a), half(b));
  const value = a.value - b.value;
  return { value, lo: value - h, hi: value + h, n: Math.min(a.n, b.n) };
}

/** a / b for positive quantities (steps), its relative half-width the two relative ones in quadrature. */
export function ratio(a: Interval, b: Interval): Interval {
  const value = a.value / b.value;
  const r = Math.hypot(half(a) / a.value, half(b) / b.value);
  return { value, lo: value * (1 - r), hi: value * (1 + r), n: Math.min(a.n, b.n) };
}

/** Claimed: x > bound. Holds when all of x's interval is above, fails when all of it is at or below. */
export function above(x: Interval, bound: number): Verdict {
  if (x.lo > bound) return 'holds';
  if (x.hi <= bound) return 'fails';
  return 'inconclusive';
}

/** Claimed: x < bound. */
export function below(x: Interval, bound: number): Verdict {
  if (x.hi < bound) return 'holds';
  if (x.lo >= bound) return 'fails';
  return 'inconclusive';
}

/** Claimed: x ≥ bound (a threshold a value may meet exactly, e.g. 100% training accuracy ≥ 99%). */
export function atLeast(x: Interval, bound: number): Verdict {
  if (x.lo >= bound) return 'holds';
  if (x.hi < bound) return 'fails';
  return 'inconclusive';
}

/** Claimed: x ≤ bound. */
export function atMost(x: Interval, bound: number): Verdict {
  if (x.hi <= bound) return 'holds';
  if (x.lo > bound) return 'fails';
  return 'inconclusive';
}

/** Claimed: lo ≤ x ≤ hi. */
export function between(x: Interval, lo: number, hi: number): Verdict {
  if (x.lo >= lo && x.hi <= hi) return 'holds';
  if (x.hi < lo || x.lo > hi) return 'fails';
  return 'inconclusive';
}

/**
 * Every part of a claim together: one part failing fails it; else any part not measured (or no parts at all)
 * leaves it not measured; else any inconclusive part makes it inconclusive; it holds only when every part holds.
 */
export function every(parts: readonly Verdict[]): Verdict {
  if (parts.includes('fails')) return 'fails';
  if (parts.length === 0 || parts.includes('not measured')) return 'not measured';
  if (parts.includes('inconclusive')) return 'inconclusive';
  return 'holds';
}

/** The 95% sampling error of an accuracy p measured on m examples (one seed's noise of a test accuracy). */
export function samplingError(p: number, m: number): number {
  if (!(m > 0)) return 0;
  const q = Math.min(Math.max(p, 0.5 / m), 1 - 0.5 / m); // an accuracy of 0 or 1 is still uncertain by ~1 example
  return 1.96 * Math.sqrt((q * (1 - q)) / m);
}

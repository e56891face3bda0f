// Front end: what the compare page does to curves — TensorBoard's smoothing, and a group's seeds folded into a mean
// with a min–max band.

export interface Curve {
  x: number[]; // ascending
  y: (number | null)[];
}

export interface Folded {
  x: number[];
  mean: number[];
  min: number[];
  max: number[];
}

/**
 * An exponential moving average with TensorBoard's debiasing: EMA_t = w·EMA_{t−1} + (1 − w)·y_t from EMA_0 = 0,
 * shown as EMA_t / (1 − w^t), so the first value is itself and a constant stays constant (no pull towards 0);
 * t counts finite values only, and a missing or non-finite value is kept as it is. w = 0: the values unchanged.
 */
export function smooth(y: (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1))
    throw new Error(`smooth: weight out of range; expected a number in [0, 1), got ${weight}`);
  let ema = 0;
  let t = 0;
  return y.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    ema = weight * ema + (1 - weight) * v;
    t++;
    return ema / (1 - weight ** t);
  });
}

/** A curve's finite points. */
function finite(c: Curve): { x: number[]; y: number[] } {
  const keep = c.x.map((_, i) => c.y[i] !== null && Number.isFinite(c.y[i]) && Number.isFinite(c.x[i]));
  return { x: c.x.filter((_, i) => keep[i]), y: c.y.filter((_, i) => keep[i]) as number[] };
}

/** y at x, linear between a curve's neighbouring points (x ascending); null outside its range. */
function at(c: { x: number[]; y: number[] }, x: number): number | null {
  const n = c.x.length;
  if (n === 0 || x < c.x[0] || x > c.x[n - 1]) return null;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (c.x[mid] <= x) lo = mid;
    else hi = mid;
  }
  if (c.x[lo] === x || hi === lo) return c.y[lo];
  if (c.x[hi] === x) return c.y[hi];
  return c.y[lo] + ((c.y[hi] - c.y[lo]) * (x - c.x[lo])) / (c.x[hi] - c.x[lo]);
}

/**
 * Curves (a group's seeds) folded into one: their mean, min and max at the x values of the curve that ends first,
 * the others' y read there linearly between their own points (none needed where x values are shared, as epochs
 * are); an x outside any curve's range is left out.
 */
export function fold(curves: Curve[]): Folded {
  const points = curves.map(finite);
  const out: Folded = { x: [], mean: [], min: [], max: [] };
  if (points.some((p) => p.x.length === 0)) return out;
  const first = points.reduce((a, b) => (b.x[b.x.length - 1] < a.x[a.x.length - 1] ? b : a));
  for (const x of first.x) {
    const ys = points.map((p) => at(p, x));
    if (ys.some((y) => y === null)) continue;
    const v = ys as number[];
    out.x.push(x);
    out.mean.push(v.reduce((a, b) => a + b, 0) / v.length);
    out.min.push(Math.min(...v));
    out.max.push(Math.max(...v));
  }
  return out;
}

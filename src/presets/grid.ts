// The one planner's skeleton, for presets of every kind: grid axes (lists, or ranges of integers; narrowed by
// overrides), their product, each variant where its `only` admits the point, runs deduplicated by id; and
// `--set key=value` pairs.
import { InputError, unknownName } from '../engine/index.js';
import { getPath, setPath, type PartialConfig } from '../config/config.js';

export type Grid = Record<string, unknown[]>;

/** The most values a grid's {"range": [from, to]} may stand for (genlab memorization --k's bound). */
export const MAX_RANGE = 100_000;

/** The integers from ≤ i < to of a grid axis written {"range": [from, to]}. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** A grid axis's values: a non-empty list, or {"range": [from, to]} for the integers from ≤ i < to. */
export function axisValues(vs: unknown, where: string): unknown[] {
  if (Array.isArray(vs) && vs.length > 0) return vs;
  const expected = `expected a non-empty list of values or {"range": [from, to]}`;
  if (vs === null || typeof vs !== 'object' || Array.isArray(vs))
    throw new InputError(`${where}: ${expected}, got ${JSON.stringify(vs)}`);
  const o = vs as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'range') throw unknownName(where, 'key', k, ['range']);
  const r = o.range;
  const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
  if (!Array.isArray(r) || r.length !== 2 || !isInt(r[0]) || !isInt(r[1]) || r[0] >= r[1])
    throw new InputError(
      `${where}.range: expected [from, to], integers with from < to (the values from, from + 1, …, to − 1), got ${JSON.stringify(r)}`,
    );
  if (r[1] - r[0] > MAX_RANGE)
    throw new InputError(
      `${where}.range: expected at most ${MAX_RANGE.toLocaleString('en-US')} values, got ${JSON.stringify(r)} (${(r[1] - r[0]).toLocaleString('en-US')})`,
    );
  return range(r[0], r[1]);
}

/** Every combination of the axes' values, in the axes' order. */
export function gridPoints(grid: Grid): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [k, vs] of Object.entries(grid))
    points = points.flatMap((p) => vs.map((v) => ({ ...p, [k]: v })));
  return points;
}

export interface GridVariant {
  label: string;
  only?: Grid; // the axis values this variant runs at
}

/**
 * The runs of a grid × variants: an override of an axis (--set model.name=mlp-3x512) narrows it to that
 * value, so labels and each variant's `only` see the value actually run. `make` resolves one run from
 * its grid point (as a partial config) and variant; runs with the same id are kept once.
 */
export function planGrid<V extends GridVariant, R extends { id: string }>(
  axes: Grid,
  variants: readonly V[],
  overrides: PartialConfig,
  make: (coords: Record<string, unknown>, point: PartialConfig, variant: V) => R,
): R[] {
  const grid = { ...axes };
  for (const k of Object.keys(grid)) {
    const v = getPath(overrides, k);
    if (v !== undefined) grid[k] = [v];
  }
  const runs: R[] = [];
  for (const coords of gridPoints(grid)) {
    const point: PartialConfig = {};
    for (const [k, v] of Object.entries(coords)) setPath(point, k, v);
    for (const v of variants) {
      if (v.only && Object.entries(v.only).some(([k, vs]) => k in coords && !vs.includes(coords[k])))
        continue;
      runs.push(make(coords, point, v));
    }
  }
  const seen = new Set<string>();
  return runs.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

/** `--set key=value` pairs as a partial config, each value parsed by its kind's schema (`parse`). */
export function parseSetPairs(
  pairs: readonly string[],
  where: string,
  example: string,
  parse: (key: string, raw: string) => unknown,
): PartialConfig {
  const out: PartialConfig = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`${where}: --set "${pair}": expected key=value, e.g. ${example}`);
    const key = pair.slice(0, eq);
    setPath(out, key, parse(key, pair.slice(eq + 1)));
  }
  return out;
}

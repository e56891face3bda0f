// The one planner's skeleton, for presets of every kind: grid axes (narrowed by overrides), their product,
// each variant where its `only` admits the point, runs deduplicated by id; and `--set key=value` pairs.
import { InputError } from '../engine/index.js';
import { getPath, setPath, type PartialConfig } from '../config/config.js';

export type Grid = Record<string, unknown[]>;

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

// Presets whose runs are theory experiments ("experiment": "kernel" …): validated by that experiment's options schema, planned like fits.
import { z } from 'zod';
import { InputError } from '../engine/index.js';
import { leafAt, parseLeafValue, parseOptions, partialOf } from '../config/schema.js';
import { mergeConfig } from '../config/config.js';
import { parseSetPairs, planGrid, type Grid } from './grid.js';
import {
  loadPreset,
  MAX_SEEDS,
  presetExperiment,
  readPresetDoc,
  SCALES,
  type Preset,
  type ScaleName,
} from './preset.js';
import { theoryExperiment, theoryRunId, type TheoryName } from '../experiments/theory/index.js';

/** The reports a theory preset can ask for (their builders are in src/report/theory-report.ts). */
export const THEORY_REPORTS = ['table3', 'double-descent-rff'] as const;
export type TheoryReportKind = (typeof THEORY_REPORTS)[number];

type Layer = Record<string, unknown>; // a partial options object

export interface TheoryScale {
  description: string;
  differences: string[]; // shown in reports: how this scale departs from the paper
  grid?: Grid; // axes that replace the preset's
  seeds: number; // each run repeated with this many seeds (genlab run --seeds overrides it)
  options: Layer;
}

export interface TheoryPreset {
  kind: 'theory';
  name: string;
  title: string;
  description: string;
  experiment: TheoryName;
  report: TheoryReportKind;
  base: Layer;
  grid: Grid;
  variants: { label: string; only?: Grid; options: Layer }[];
  scales: Record<ScaleName, TheoryScale>;
}

export interface TheoryPlannedRun {
  label: string; // grid point and variant, for people
  coords: Record<string, unknown>;
  variant: string;
  replicate: number; // which seed of its cell: 0 is the run with the options' own seed
  experiment: TheoryName;
  options: unknown; // resolved: every default filled in
  id: string;
}

const text = z.string().min(1);
const layer = z.record(z.string(), z.unknown());
const grid = z.record(z.string(), z.array(z.unknown()).min(1));
const scale = z.strictObject({
  description: text,
  differences: z.array(z.string()).default([]),
  grid: grid.optional(),
  seeds: z.int().min(1).max(MAX_SEEDS).default(1),
  options: layer.default({}),
});
const DOC = z.strictObject({
  name: text,
  title: text,
  description: text,
  experiment: text,
  report: z.enum(THEORY_REPORTS),
  base: layer.default({}),
  grid: grid.default({}),
  variants: z
    .array(z.strictObject({ label: text, only: grid.optional(), options: layer.default({}) }))
    .default([]),
  scales: z.record(z.enum(SCALES), scale), // every scale
});

/** Checks grid axes: each key an option path, each value that option's type. */
function checkGrid(options: z.ZodType, g: Grid, where: string, root: string): void {
  for (const [k, vs] of Object.entries(g)) {
    const leaf = leafAt(options, k, `${where}: ${root}`);
    vs.forEach((v, i) => parseOptions(leaf, v, where, `${root}.${k}[${i}]`));
  }
}

/** Validates a theory preset document; `where` (the file's name) starts every error. */
export function parseTheoryPreset(doc: unknown, where: string): TheoryPreset {
  const d = parseOptions(DOC, doc, where);
  const e = theoryExperiment(d.experiment, `${where}: experiment`);
  const partial = partialOf(e.options);
  parseOptions(partial, d.base, where, 'base');
  checkGrid(e.options, d.grid, where, 'grid');
  d.variants.forEach((v, i) => {
    parseOptions(partial, v.options, where, `variants[${i}].options`);
    if (v.only) checkGrid(e.options, v.only, where, `variants[${i}].only`);
  });
  for (const s of SCALES) {
    parseOptions(partial, d.scales[s].options, where, `scales.${s}.options`);
    if (d.scales[s].grid) checkGrid(e.options, d.scales[s].grid, where, `scales.${s}.grid`);
  }
  return { kind: 'theory', ...d, experiment: d.experiment as TheoryName };
}

/** A fit preset or a theory preset, by its document's "experiment" key. */
export function loadAnyPreset(name: string): Preset | TheoryPreset {
  const { doc, where } = readPresetDoc(name);
  if (presetExperiment(doc) === 'fit') return loadPreset(name);
  const p = parseTheoryPreset(doc, where);
  if (p.name !== name)
    throw new InputError(`${where}: name: expected "${name}" (the file's name), got "${p.name}"`);
  return p;
}

export function isTheoryPreset(p: Preset | TheoryPreset): p is TheoryPreset {
  return (p as TheoryPreset).kind === 'theory';
}

/** `--set key=value` pairs as a partial options object, each value checked against the experiment's schema. */
export function parseTheoryOverrides(p: TheoryPreset, pairs: readonly string[], where: string): Layer {
  const options = theoryExperiment(p.experiment, where).options;
  return parseSetPairs(pairs, where, 'dataset.trainSize=500', (key, raw) =>
    parseLeafValue(leafAt(options, key, `${where}: --set`), raw, `${where}: --set ${key}`),
  );
}

/** An axis as people read it: its last key, or the section's name for `….name` (features.name → features). */
function axisName(keyPath: string): string {
  const keys = keyPath.split('.');
  return keys.length > 1 && keys[keys.length - 1] === 'name' ? keys[keys.length - 2] : keys[keys.length - 1];
}

/** A theory run's options with its seed (subsets, label noise, features: every draw it makes) moved by k. */
function reseededOptions(options: unknown, k: number, where: string): unknown {
  if (k === 0) return options;
  const seed = (options as { seed?: unknown }).seed;
  if (typeof seed !== 'number')
    throw new InputError(`${where}: seeds: expected an experiment with a seed option, got none`);
  return { ...(options as Layer), seed: seed + k };
}

/**
 * Every run of a theory preset at a scale: base ← scale ← grid point ← variant ← overrides, resolved and checked;
 * each repeated with `seeds` seeds (default: the scale's), replicate k with the options' seed + k (0: today's run).
 */
export function planTheoryPreset(
  p: TheoryPreset,
  s: ScaleName,
  overrides: Layer = {},
  seeds?: number,
): TheoryPlannedRun[] {
  const e = theoryExperiment(p.experiment, p.name);
  const sc = p.scales[s];
  const n = seeds ?? sc.seeds;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEEDS)
    throw new InputError(`${p.name} (${s}): seeds: expected an integer from 1 to ${MAX_SEEDS}, got ${n}`);
  const variants = p.variants.length ? p.variants : [{ label: '', options: {} }];
  const cells = planGrid({ ...p.grid, ...(sc.grid ?? {}) }, variants, overrides, (coords, point, v) => {
    const label = [...Object.entries(coords).map(([k, x]) => `${axisName(k)}=${String(x)}`), v.label]
      .filter(Boolean)
      .join(' ');
    const merged = mergeConfig<Layer>({}, p.base, sc.options, point, v.options, overrides);
    const options = parseOptions(e.options, merged, `${p.name} (${s}) ${label}`.trim());
    return {
      label,
      coords,
      variant: v.label,
      replicate: 0,
      experiment: p.experiment,
      options,
      id: theoryRunId(e, options),
    };
  });
  if (n === 1) return cells;
  const runs = cells.flatMap((r) =>
    Array.from({ length: n }, (_, k) => {
      const options = reseededOptions(r.options, k, `${p.name} (${s})`);
      const label = [r.label, `seed ${k + 1}/${n}`].filter(Boolean).join(' ');
      return { ...r, label, replicate: k, options, id: theoryRunId(e, options) };
    }),
  );
  const seen = new Set<string>();
  return runs.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

// Presets: JSON documents (src/presets/*.json) that name a figure or table's runs, validated and planned.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, unknownName } from '../engine/index.js';
import {
  checkPartial,
  configField,
  resolveConfig,
  type FitConfig,
  type PartialConfig,
} from '../config/config.js';
import { runId, type PlannedRun } from '../experiments/fit-kind.js';
import { parseLeafValue, parseWith } from '../config/schema.js';
import { axisValues, parseSetPairs, planGrid } from './grid.js';

export { MAX_RANGE, range } from './grid.js';

export { resolveConfig } from '../config/config.js';

export const SCALES = ['smoke', 'cpu', 'mid', 'full', 'paper'] as const;
export type ScaleName = (typeof SCALES)[number];
export const REPORTS = [
  'fig1a',
  'fig1b',
  'fig1c',
  'table1',
  'table-random-regularized',
  'fig2b',
  'early-stopping',
  'double-descent-width',
  'memorization',
  'random-labels-protocol',
  'random-labels-capacity',
] as const;
export type ReportKind = (typeof REPORTS)[number];
const CONFIG_SECTIONS = ['dataset', 'randomization', 'model', 'train'];

/** One scale: config sections that override the base, grid axes that replace the preset's, and what differs from the paper. */
export interface Scale {
  description: string;
  differences: string[]; // shown in reports: how this scale departs from the paper's protocol
  grid?: Record<string, unknown[]>;
  standsFor?: Record<string, string>; // a smaller model standing in for the paper's (compared to its row)
  seeds: number; // each run repeated with this many seeds (genlab run --seeds overrides it)
  config: PartialConfig;
}

export interface Variant {
  label: string;
  only?: Record<string, unknown[]>; // run this variant only at grid points with these values (e.g. crop only for conv nets)
  config: PartialConfig;
}

export interface Preset {
  name: string;
  title: string;
  description: string;
  report: ReportKind;
  runsOf: string | null; // another preset whose runs this one reports (fig1c ← fig1b)
  base: PartialConfig;
  grid: Record<string, unknown[]>;
  variants: Variant[];
  scales: Partial<Record<ScaleName, Scale>>; // the scales it offers (smoke always)
  absent: Partial<Record<ScaleName, string>>; // the scales it does not, each with why
}

export type { PlannedRun } from '../experiments/fit-kind.js';

const TOP_KEYS = ['name', 'title', 'description', 'report', 'runsOf', 'base', 'grid', 'variants', 'scales'];
const SCALE_META = ['description', 'differences', 'grid', 'standsFor', 'seeds'];

/** The most seeds a plan may repeat each run with. */
export const MAX_SEEDS = 100;

/** The repository's preset directory, found from this file (src/… or dist/src/…) like the native addon. */
export function presetDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../..']) {
    const p = path.resolve(here, up, 'src/presets');
    if (existsSync(p)) return p;
  }
  throw new Error('presets: directory not found; expected src/presets in the repository');
}

export function presetNames(): string[] {
  return readdirSync(presetDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

function str(x: unknown, where: string): string {
  if (typeof x !== 'string' || x === '')
    throw new InputError(`${where}: expected a non-empty string, got ${JSON.stringify(x)}`);
  return x;
}

/** Grid axes, each key a config field and each value checked against it; ranges expanded. */
function checkGrid(x: unknown, where: string): Record<string, unknown[]> {
  if (x === null || typeof x !== 'object' || Array.isArray(x))
    throw new InputError(
      `${where}: expected an object of key path → list of values, got ${JSON.stringify(x)}`,
    );
  const grid: Record<string, unknown[]> = {};
  for (const [k, raw] of Object.entries(x)) {
    const f = configField(k, where);
    const vs = axisValues(raw, `${where}.${k}`);
    vs.forEach((v, i) => parseWith(f, v, `${where}.${k}[${i}]`));
    grid[k] = vs;
  }
  return grid;
}

function splitConfig(x: Record<string, unknown>, meta: string[], where: string): PartialConfig {
  const config: PartialConfig = {};
  for (const [k, v] of Object.entries(x)) {
    if (meta.includes(k)) continue;
    if (!CONFIG_SECTIONS.includes(k)) throw unknownName(where, 'key', k, [...meta, ...CONFIG_SECTIONS]);
    config[k] = v;
  }
  checkPartial(config, where);
  return config;
}

function parseScale(x: unknown, where: string): Scale {
  if (x === null || typeof x !== 'object' || Array.isArray(x))
    throw new InputError(`${where}: expected an object, got ${JSON.stringify(x)}`);
  const o = x as Record<string, unknown>;
  const diffs = o.differences ?? [];
  if (!Array.isArray(diffs) || diffs.some((d) => typeof d !== 'string'))
    throw new InputError(`${where}.differences: expected a list of strings, got ${JSON.stringify(diffs)}`);
  const standsFor = (o.standsFor ?? {}) as Record<string, unknown>;
  const model = configField('model.name', where);
  for (const [k, v] of Object.entries(standsFor)) {
    parseWith(model, k, `${where}.standsFor`);
    parseWith(model, v, `${where}.standsFor.${k}`);
  }
  const seeds = o.seeds ?? 1;
  if (typeof seeds !== 'number' || !Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SEEDS)
    throw new InputError(
      `${where}.seeds: expected an integer from 1 to ${MAX_SEEDS} (each run repeated with that many seeds), got ${JSON.stringify(o.seeds)}`,
    );
  return {
    description: str(o.description, `${where}.description`),
    differences: diffs as string[],
    seeds,
    grid: o.grid === undefined ? undefined : checkGrid(o.grid, `${where}.grid`),
    standsFor: standsFor as Record<string, string>,
    config: splitConfig(o, SCALE_META, where),
  };
}

function parseVariants(x: unknown, where: string): Variant[] {
  if (x === undefined) return [];
  if (!Array.isArray(x))
    throw new InputError(`${where}: expected a list of variants, got ${JSON.stringify(x)}`);
  return x.map((v: unknown, i) => {
    const at = `${where}[${i}]`;
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new InputError(`${at}: expected an object, got ${JSON.stringify(v)}`);
    const o = v as Record<string, unknown>;
    const only = o.only === undefined ? undefined : checkGrid(o.only, `${at}.only`);
    return { label: str(o.label, `${at}.label`), only, config: splitConfig(o, ['label', 'only'], at) };
  });
}

const RUNS_OF_KEYS = ['name', 'title', 'description', 'report', 'runsOf'];

/** A preset that reports another's runs (same configs, same run ids: computed once) holds only its own metadata. */
function parseRunsOf(o: Record<string, unknown>, report: ReportKind, where: string): Preset {
  for (const k of Object.keys(o))
    if (!RUNS_OF_KEYS.includes(k))
      throw new InputError(
        `${where}: ${k}: not allowed with runsOf (the runs come from "${String(o.runsOf)}"); expected only ${RUNS_OF_KEYS.join(', ')}`,
      );
  const empty: Scale = { description: '', differences: [], seeds: 1, config: {} };
  return {
    name: str(o.name, `${where}: name`),
    title: str(o.title, `${where}: title`),
    description: str(o.description, `${where}: description`),
    report,
    runsOf: str(o.runsOf, `${where}: runsOf`),
    base: {},
    grid: {},
    variants: [],
    scales: { smoke: empty, cpu: empty, mid: empty, full: empty, paper: empty },
    absent: {},
  };
}

const isAbsent = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x) && 'absent' in x;

/**
 * Every scale, each a scale the preset offers or {"absent": "why"} for one it cannot sensibly offer (smoke is
 * never absent: CI runs it). A scale whose runs are a grid over train.seed takes one seed: further seeds
 * would move randomization.seed too (see reseeded), so its runs would no longer share one randomization.
 */
function parseScales(
  x: unknown,
  grid: Record<string, unknown[]>,
  where: string,
): Pick<Preset, 'scales' | 'absent'> {
  if (x === null || typeof x !== 'object' || Array.isArray(x))
    throw new InputError(
      `${where}: scales: expected an object with ${SCALES.join(', ')}, got ${JSON.stringify(x)}`,
    );
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!(SCALES as readonly string[]).includes(k)) throw unknownName(`${where}: scales`, 'scale', k, SCALES);
  const out: Pick<Preset, 'scales' | 'absent'> = { scales: {}, absent: {} };
  for (const s of SCALES) {
    const at = `${where}: scales.${s}`;
    const v = o[s];
    if (v === undefined)
      throw new InputError(
        `${at}: missing; expected every scale (${SCALES.join(', ')}), one the preset does not offer as {"absent": "why"}`,
      );
    if (!isAbsent(v)) {
      const sc = parseScale(v, at);
      if (sc.seeds > 1 && 'train.seed' in { ...grid, ...sc.grid })
        throw new InputError(
          `${at}.seeds: expected 1 (its runs are a grid over train.seed sharing one randomization; more seeds would redraw randomization.seed), got ${sc.seeds}`,
        );
      out.scales[s] = sc;
      continue;
    }
    for (const k of Object.keys(v))
      if (k !== 'absent') throw new InputError(`${at}: ${k}: not allowed with absent; expected only absent`);
    if (s === 'smoke')
      throw new InputError(
        `${at}: expected a scale (every preset has a smoke scale, for CI), got {"absent": …}`,
      );
    out.absent[s] = str(v.absent, `${at}.absent`);
  }
  return out;
}

/** Validates a preset document; `where` prefixes every error (the file's name). */
export function parsePreset(doc: unknown, where: string): Preset {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new InputError(`${where}: expected a JSON object, got ${JSON.stringify(doc)}`);
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TOP_KEYS.includes(k)) throw unknownName(where, 'key', k, TOP_KEYS);
  const report = str(o.report, `${where}: report`);
  if (!(REPORTS as readonly string[]).includes(report))
    throw unknownName(`${where}: report`, 'report', report, REPORTS);
  if (o.runsOf !== undefined) return parseRunsOf(o, report as ReportKind, where);
  const base = o.base ?? {};
  checkPartial(base, `${where}: base`);
  const grid = o.grid === undefined ? {} : checkGrid(o.grid, `${where}: grid`);
  return {
    ...parseScales(o.scales, grid, where),
    name: str(o.name, `${where}: name`),
    title: str(o.title, `${where}: title`),
    description: str(o.description, `${where}: description`),
    report: report as ReportKind,
    runsOf: o.runsOf === undefined ? null : str(o.runsOf, `${where}: runsOf`),
    base: base as PartialConfig,
    grid,
    variants: parseVariants(o.variants, `${where}: variants`),
  };
}

/** The JSON document of presets/NAME.json, and the name errors about it start with. */
export function readPresetDoc(name: string): { doc: unknown; where: string } {
  const names = presetNames();
  if (!names.includes(name)) throw unknownName('presets', 'preset', name, names);
  const where = `presets/${name}.json`;
  try {
    return { doc: JSON.parse(readFileSync(path.join(presetDir(), `${name}.json`), 'utf8')), where };
  } catch (e) {
    throw new InputError(`${where}: not valid JSON: ${(e as Error).message}`);
  }
}

/** What a preset's runs are: 'fit' (SGD fits, the default), or the theory experiment its "experiment" key names. */
export function presetExperiment(doc: unknown): string {
  const e = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>).experiment : undefined;
  return typeof e === 'string' ? e : 'fit';
}

/** The presets whose runs are of one kind ('fit', or a theory experiment's name). */
export function presetNamesOf(kind: string): string[] {
  return presetNames().filter((n) => presetExperiment(readPresetDoc(n).doc) === kind);
}

/** Loads and validates presets/NAME.json, a fit preset. */
export function loadPreset(name: string): Preset {
  const { doc, where } = readPresetDoc(name);
  const kind = presetExperiment(doc);
  if (kind !== 'fit')
    throw new InputError(`${where}: a preset of ${kind} runs; expected a preset of fits (see loadAnyPreset)`);
  const p = parsePreset(doc, where);
  if (p.name !== name)
    throw new InputError(`${where}: name: expected "${name}" (the file's name), got "${p.name}"`);
  if (p.runsOf === null) return p;
  if (p.runsOf === name) throw new InputError(`${where}: runsOf: expected another preset, got itself`);
  const runs = loadPreset(p.runsOf);
  return {
    ...runs,
    name: p.name,
    title: p.title,
    description: p.description,
    report: p.report,
    runsOf: p.runsOf,
  };
}

/** The scales a preset offers, in SCALES' order. */
export function presetScales(p: { scales: Partial<Record<ScaleName, unknown>> }): ScaleName[] {
  return SCALES.filter((s) => p.scales[s] !== undefined);
}

/** "a", "a or b", "a, b or c". */
const orList = (xs: readonly string[]) =>
  xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;

/** One scale of a preset; a one-line error, with why and the scales it does offer, where it has none. */
export function presetScale(p: Preset, scale: ScaleName): Scale {
  const sc = p.scales[scale];
  if (sc) return sc;
  const why = p.absent[scale];
  throw new InputError(
    `${p.name} has no ${scale} scale${why ? ` (${why})` : ''}; expected ${orList(presetScales(p))}`,
  );
}

/** `--set key=value` pairs as a partial config, each value checked against the schema. */
export function parseOverrides(pairs: readonly string[], where: string): PartialConfig {
  return parseSetPairs(pairs, where, 'train.epochs=20', (key, raw) =>
    parseLeafValue(configField(key, `${where}: --set`), raw, `${where}: --set ${key}`),
  );
}

/** A run's config with each of its own seeds moved by k: initialization and order (train.seed) and the randomization's draw. */
export function reseeded(c: FitConfig, k: number): FitConfig {
  if (k === 0) return c;
  return {
    ...c,
    randomization: { ...c.randomization, seed: c.randomization.seed + k },
    train: { ...c.train, seed: c.train.seed + k },
  };
}

/**
 * A run's config without what --seeds moves, as JSON text: a run and its replicates (reseeded, or a theory run's
 * options.seed + k) share it. A fit's two seeds move together, so their difference stays (memorization's K models,
 * a grid over train.seed alone, are not replicates of one another).
 */
export function seedless(config: unknown): string {
  if (config === null || typeof config !== 'object') return JSON.stringify(config);
  const c = config as { train?: { seed?: unknown }; randomization?: { seed?: unknown }; options?: unknown };
  const options = c.options as { seed?: unknown } | undefined;
  if (options !== null && typeof options === 'object' && typeof options.seed === 'number')
    return JSON.stringify({ ...c, options: { ...options, seed: null } });
  const train = c.train?.seed;
  const draw = c.randomization?.seed;
  if (typeof train !== 'number' || typeof draw !== 'number') return JSON.stringify(config);
  return JSON.stringify({
    ...c,
    train: { ...c.train, seed: null },
    randomization: { ...c.randomization, seed: draw - train },
  });
}

/**
 * Whether a preset's runs at a scale may be repeated with further seeds: not when they are a grid over train.seed
 * (memorization's K models), for a further seed would move randomization.seed too (see reseeded).
 */
export function takesSeeds(p: Preset, scale: ScaleName): boolean {
  return !('train.seed' in { ...p.grid, ...(p.scales[scale]?.grid ?? {}) });
}

/**
 * Every run of a preset at a scale: base ← scale ← grid point ← variant ← overrides, resolved and checked;
 * each repeated with `seeds` seeds (default: the scale's), replicate 0 being the run with the config's own seeds.
 */
export function planPreset(
  p: Preset,
  scale: ScaleName,
  overrides: PartialConfig = {},
  seeds?: number,
): PlannedRun[] {
  const sc = presetScale(p, scale);
  const n = seeds ?? sc.seeds;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEEDS)
    throw new InputError(`${p.name} (${scale}): seeds: expected an integer from 1 to ${MAX_SEEDS}, got ${n}`);
  const grid = { ...p.grid, ...(sc.grid ?? {}) };
  if (n > 1 && !takesSeeds(p, scale))
    throw new InputError(
      `${p.name} (${scale}): seeds: expected 1, got ${n}: its runs are a grid over train.seed sharing one randomization, and further seeds would redraw randomization.seed`,
    );
  const variants = p.variants.length ? p.variants : [{ label: '', config: {} }];
  const cells = planGrid(grid, variants, overrides, (coords, point, v) => {
    const label = [...Object.entries(coords).map(([k, x]) => `${k.split('.').pop()}=${String(x)}`), v.label]
      .filter(Boolean)
      .join(' ');
    const config = resolveConfig(
      [p.base, sc.config, point, v.config, overrides],
      `${p.name} (${scale}) ${label}`,
    );
    return { label, coords, variant: v.label, replicate: 0, config, id: runId(config) };
  });
  if (n === 1) return cells;
  const runs = cells.flatMap((r) =>
    Array.from({ length: n }, (_, k) => {
      const config = reseeded(r.config, k);
      const label = [r.label, `seed ${k + 1}/${n}`].filter(Boolean).join(' ');
      return { ...r, label, replicate: k, config, id: runId(config) };
    }),
  );
  const seen = new Set<string>();
  return runs.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

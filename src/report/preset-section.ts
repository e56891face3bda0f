// One preset at one scale as a run store holds it: the seeds found there, its planned runs, its report built by
// genlab report's own code (presetReport, buildTheoryReport) and the commands that make and report it. The results
// book and the dashboard's preset page both read it, so neither can disagree with genlab report.
import {
  MAX_SEEDS,
  planPreset,
  presetScale,
  takesSeeds,
  type Preset,
  type ScaleName,
} from '../presets/preset.js';
import { isTheoryPreset, planTheoryPreset, type TheoryPreset } from '../presets/theory-preset.js';
import type { RunStore } from '../store/store.js';
import { storedSummary } from '../sweep/sweep.js';
import { storedTheoryResult } from '../experiments/theory/index.js';
import type { Claim } from './claims.js';
import type { Built } from './figures.js';
import { presetReport, runCommandFor } from './preset-report.js';
import { buildTheoryReport } from './theory-report.js';

/** One preset at one scale, as found in the store. */
export interface PresetSection {
  preset: string;
  title: string;
  description: string;
  scale: ScaleName;
  scaleDescription: string;
  differences: string[];
  seeds: number; // seeds per run
  planned: number;
  complete: number;
  runs: { id: string; label: string; done: boolean }[]; // the plan, in order
  commands: [string, string]; // what makes the runs, what writes the report
  built: Built;
  claims: Claim[];
}

/**
 * The seeds a preset was run with at a scale: the scale's own (`start`), or more where `--seeds N` made every run
 * of each further seed (some may be there from another preset: the same config is the same run). `plan(n)` is the
 * preset's plan with n seeds.
 */
function seedsInStore(
  start: number,
  plan: (n: number) => { replicate: number; id: string }[],
  has: (id: string) => boolean,
): number {
  let n = start;
  while (n < MAX_SEEDS) {
    const next = plan(n + 1).filter((r) => r.replicate === n);
    if (next.length === 0 || !next.every((r) => has(r.id))) return n;
    n++;
  }
  return n;
}

/** A preset's planned runs at a scale with n seeds, whatever their kind (a server may memoize it). */
export type Planner = (
  p: Preset | TheoryPreset,
  scale: ScaleName,
  seeds: number,
) => { id: string; label: string; replicate: number }[];

export const planAny: Planner = (p, scale, seeds) =>
  isTheoryPreset(p) ? planTheoryPreset(p, scale, {}, seeds) : planPreset(p, scale, {}, seeds);

/** The seeds a preset was run with at a scale, as found in the store (`has`: a run is done), and the scale's own. */
export function seedsFound(
  p: Preset | TheoryPreset,
  scale: ScaleName,
  has: (id: string) => boolean,
  plan: Planner = planAny,
): { seeds: number; own: number } {
  const own = isTheoryPreset(p) ? p.scales[scale].seeds : presetScale(p, scale).seeds;
  if (!isTheoryPreset(p) && !takesSeeds(p, scale)) return { seeds: own, own };
  return { seeds: seedsInStore(own, (k) => plan(p, scale, k), has), own };
}

/** How many of a preset's runs at a scale are done (`has`), with the seeds found in the store. */
export function presetCompletion(
  p: Preset | TheoryPreset,
  scale: ScaleName,
  has: (id: string) => boolean,
  plan: Planner = planAny,
): { seeds: number; planned: number; complete: number } {
  const { seeds } = seedsFound(p, scale, has, plan);
  const runs = plan(p, scale, seeds);
  return { seeds, planned: runs.length, complete: runs.filter((r) => has(r.id)).length };
}

/** Whether a preset's run is done in the store: a fit's finished summary, a theory run's result. */
export function doneIn(store: RunStore, p: Preset | TheoryPreset): (id: string) => boolean {
  return isTheoryPreset(p)
    ? (id) => storedTheoryResult(store, id) !== null
    : (id) => storedSummary(store, id) !== null;
}

/**
 * A preset at a scale from the store: with `seeds` seeds, or the seeds found there. `storeArg` is how the commands
 * name the store (e.g. " --out DIR"). Throws the planner's error for a scale the preset does not offer.
 */
export async function presetSection(
  p: Preset | TheoryPreset,
  scale: ScaleName,
  store: RunStore,
  storeArg: string,
  seeds?: number,
): Promise<PresetSection> {
  const found = seedsFound(p, scale, doneIn(store, p));
  const n = seeds ?? found.seeds;
  const seedsArg = n !== found.own ? ` --seeds ${n}` : '';
  const run = `${runCommandFor(p, scale, storeArg)}${seedsArg}`;
  const commands: [string, string] = [run, `genlab report ${p.name} --scale ${scale}${seedsArg}${storeArg}`];
  let built: Built;
  let runs: { id: string; label: string; done: boolean }[];
  if (isTheoryPreset(p)) {
    const plan = planTheoryPreset(p, scale, {}, n).map((r) => ({
      run: r,
      result: storedTheoryResult(store, r.id),
    }));
    built = await buildTheoryReport(p, plan);
    runs = plan.map((r) => ({ id: r.run.id, label: r.run.label, done: r.result !== null }));
  } else {
    const plan = planPreset(p, scale, {}, n).map((r) => ({ run: r, summary: storedSummary(store, r.id) }));
    built = (await presetReport(p, scale, plan, run, store)).built;
    runs = plan.map((r) => ({ id: r.run.id, label: r.run.label, done: r.summary !== null }));
  }
  return {
    preset: p.name,
    title: p.title,
    description: p.description,
    scale,
    scaleDescription: p.scales[scale]?.description ?? '',
    differences: p.scales[scale]?.differences ?? [],
    seeds: n,
    planned: runs.length,
    complete: runs.filter((r) => r.done).length,
    runs,
    commands,
    built,
    claims: built.claims ?? [],
  };
}

// The paper's figures, tables and claims as `genlab report` makes them, from the runs in the store, with the runs
// still missing and the command that makes them: every preset, of fits or of theory runs, at every scale it offers.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { MAX_SEEDS, SCALES, presetNames, presetScales, type ScaleName } from '../presets/preset.js';
import { isTheoryPreset, loadAnyPreset } from '../presets/theory-preset.js';
import { isDone } from '../store/run-dir.js';
import type { RunStore } from '../store/store.js';
import { inlineSvg } from '../report/html.js';
import {
  doneIn,
  planAny,
  presetCompletion,
  presetSection,
  seedsFound,
  type Planner,
} from '../report/preset-section.js';
import { htmlTable } from '../report/table.js';
import { HttpError } from './security.js';

function scaleOf(raw: string | undefined): ScaleName {
  const s = raw ?? 'smoke';
  if (!(SCALES as readonly string[]).includes(s))
    throw new HttpError(400, `presets: unknown scale "${s}"; expected one of ${SCALES.join(', ')}`);
  return s as ScaleName;
}

function seedsOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEEDS)
    throw new HttpError(400, `presets: ?seeds must be an integer from 1 to ${MAX_SEEDS}; got "${raw}"`);
  return n;
}

type AnyPreset = ReturnType<typeof loadAnyPreset>;

function presetNamed(name: string, load: (name: string) => AnyPreset): AnyPreset {
  if (!presetNames().includes(name))
    throw new HttpError(404, `presets: no preset "${name}"; expected one of ${presetNames().join(', ')}`);
  return load(name);
}

const digest = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 16);

/** The store's done runs (from the index: cheap) and a version that changes with any run. */
function storeState(store: RunStore): { done: Set<string>; version: string } {
  const versions = store.versions();
  const done = new Set(versions.filter((v) => isDone(v.status)).map((v) => v.id));
  return { done, version: digest(versions.map((v) => `${v.id}:${v.updated}`).join('|')) };
}

/** Every preset with its kind, the scales it offers and its completion at each. */
function presetList(store: RunStore, load: (name: string) => AnyPreset, plan: Planner) {
  const { done } = storeState(store);
  const has = (id: string) => done.has(id);
  return {
    scales: SCALES,
    presets: presetNames().map((name) => {
      const p = load(name);
      const scales = presetScales(p);
      return {
        name,
        title: p.title,
        kind: isTheoryPreset(p) ? p.experiment : 'fit',
        report: p.report,
        runsOf: isTheoryPreset(p) ? null : p.runsOf,
        scales,
        absent: isTheoryPreset(p) ? {} : p.absent, // why a scale is not offered
        completion: Object.fromEntries(scales.map((s) => [s, presetCompletion(p, s, has, plan)])),
      };
    }),
  };
}

/**
 * The runs page's groups: each preset and scale with runs in the store (any status), its runs there in plan order
 * with their labels, and how many it plans and has done (at the seeds found, as its page reads them).
 */
function runGroups(store: RunStore, load: (name: string) => AnyPreset, plan: Planner) {
  const status = new Map(store.versions().map((v) => [v.id, v.status]));
  const inStore = (id: string) => status.has(id);
  const groups = presetNames().flatMap((name) => {
    const p = load(name);
    return presetScales(p).flatMap((scale) => {
      const runs = plan(p, scale, seedsFound(p, scale, inStore, plan).seeds);
      const present = runs.filter((r) => inStore(r.id));
      if (present.length === 0) return [];
      const done = runs.filter((r) => {
        const s = status.get(r.id);
        return s !== undefined && isDone(s);
      });
      return [
        {
          preset: name,
          title: p.title,
          scale,
          planned: runs.length,
          complete: done.length,
          runs: present.map((r) => ({ id: r.id, label: r.label })),
        },
      ];
    });
  });
  return { groups };
}

type PresetQuery = { Params: { name: string }; Querystring: Record<string, string | undefined> };

/**
 * GET /api/presets: every preset and its completion per scale. GET /api/presets/NAME?scale=S[&seeds=N]: its report
 * (presetSection, as genlab report and the book build it) with the seeds found in the store unless given; with
 * &version=V, only {version, unchanged: true} while nothing it reads has changed. Reports are cached per version.
 */
export function registerPresets(app: FastifyInstance, store: RunStore, storeArg: string): void {
  // Presets and their plans depend on the preset files only: read once, planned once per scale and seeds.
  const presets = new Map<string, AnyPreset>();
  const load = (name: string) => {
    let p = presets.get(name);
    if (!p) presets.set(name, (p = loadAnyPreset(name)));
    return p;
  };
  const plans = new Map<string, ReturnType<Planner>>();
  const plan: Planner = (p, scale, seeds) => {
    const key = `${p.name}|${scale}|${seeds}`;
    let runs = plans.get(key);
    if (!runs) plans.set(key, (runs = planAny(p, scale, seeds)));
    return runs;
  };
  let listCache: { version: string; value: ReturnType<typeof presetList> } | null = null;
  const cache = new Map<string, { version: string; value: Promise<object> }>();
  app.get('/api/presets', async () => {
    const { version } = storeState(store);
    if (listCache?.version !== version) listCache = { version, value: presetList(store, load, plan) };
    return listCache.value;
  });
  let groupsCache: { version: string; value: ReturnType<typeof runGroups> } | null = null;
  app.get('/api/runs-groups', async () => {
    const { version } = storeState(store);
    if (groupsCache?.version !== version) groupsCache = { version, value: runGroups(store, load, plan) };
    return groupsCache.value;
  });
  app.get<PresetQuery>('/api/presets/:name', async (req) => {
    const p = presetNamed(req.params.name, load);
    const scale = scaleOf(req.query.scale);
    const seeds = seedsOf(req.query.seeds) ?? seedsFound(p, scale, doneIn(store, p), plan).seeds;
    const rows = new Map(store.versions().map((v) => [v.id, v]));
    const planned = plan(p, scale, seeds);
    // A running run's epochs do not change the report: its status does, and a done run's update.
    const stateOf = (id: string) => {
      const v = rows.get(id);
      return v ? `${v.status}:${isDone(v.status) ? v.updated : ''}` : '';
    };
    const version = digest(`${seeds}|${planned.map((r) => `${r.id}:${stateOf(r.id)}`).join('|')}`);
    if (req.query.version === version) return { version, unchanged: true };
    const key = `${p.name}|${scale}|${seeds}`;
    const hit = cache.get(key);
    if (hit?.version === version) return hit.value;
    const value = presetPage(p, scale, seeds, version);
    cache.set(key, { version, value });
    value.catch(() => cache.delete(key));
    return value;
  });

  async function presetPage(p: AnyPreset, scale: ScaleName, seeds: number, version: string): Promise<object> {
    const s = await presetSection(p, scale, store, storeArg, seeds);
    const rows = new Map(store.versions().map((v) => [v.id, v.status]));
    return {
      version,
      name: s.preset,
      title: s.title,
      description: s.description,
      kind: isTheoryPreset(p) ? p.experiment : 'fit',
      scale,
      scales: presetScales(p),
      scaleDescription: s.scaleDescription,
      differences: s.differences,
      seeds: s.seeds,
      planned: s.planned,
      complete: s.complete,
      command: s.commands[0],
      reportCommand: s.commands[1],
      runs: s.runs.map((r) => ({
        id: r.id,
        label: r.label,
        status: rows.get(r.id) ?? (r.done ? 'complete' : 'missing'),
      })),
      missing: s.runs.filter((r) => !r.done).map((r) => r.id),
      figures: s.built.figures.map((f, i) => ({
        name: f.name,
        caption: f.caption,
        svg: inlineSvg(f.figure.svg, `f${i + 1}`),
      })),
      tables: s.built.tables,
      tablesHtml: s.built.tables.map((t) => htmlTable(t)),
      claims: s.claims,
    };
  }
}

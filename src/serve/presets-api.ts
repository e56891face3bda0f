// The paper's figures and tables as `genlab report` makes them, from the runs in the store, with the runs still missing:
// every preset, of fits or of theory runs.
import type { FastifyInstance } from 'fastify';
import {
  SCALES,
  planPreset,
  presetNames,
  presetScales,
  type Preset,
  type ScaleName,
} from '../presets/preset.js';
import type { RunStore } from '../store/store.js';
import { storedSummary } from '../sweep/sweep.js';
import {
  isTheoryPreset,
  loadAnyPreset,
  planTheoryPreset,
  type TheoryPreset,
} from '../presets/theory-preset.js';
import { storedTheoryResult } from '../experiments/theory/index.js';
import { presetReport, runCommandFor } from '../report/preset-report.js';
import { theoryReport } from '../report/theory-report.js';
import { HttpError } from './security.js';

function scaleOf(raw: string | undefined): ScaleName {
  const s = raw ?? 'smoke';
  if (!(SCALES as readonly string[]).includes(s))
    throw new HttpError(400, `presets: unknown scale "${s}"; expected one of ${SCALES.join(', ')}`);
  return s as ScaleName;
}

/** A preset's planned runs at a scale, whatever their kind, and its report built from what the store holds. */
interface PresetPlan {
  runs: { id: string; label: string }[];
  report(command: string): Promise<{ html: string; missing: string[] }>;
  done(index: number): boolean;
}

function planOf(preset: Preset | TheoryPreset, scale: ScaleName, store: RunStore): PresetPlan {
  if (isTheoryPreset(preset)) {
    const plan = planTheoryPreset(preset, scale);
    const runs = plan.map((run) => ({ run, result: storedTheoryResult(store, run.id) }));
    return {
      runs: plan,
      done: (i) => runs[i].result !== null,
      report: (command) => theoryReport(preset, scale, runs, command),
    };
  }
  const plan = planPreset(preset, scale);
  const runs = plan.map((run) => ({ run, summary: storedSummary(store, run.id) }));
  return {
    runs: plan,
    done: (i) => runs[i].summary !== null,
    report: (command) => presetReport(preset, scale, runs, command, store),
  };
}

/** Builds a preset's report page, cached until one of its runs changes in the index. */
export function registerPresets(app: FastifyInstance, store: RunStore, storeArg: string): void {
  const cache = new Map<string, { key: string; value: unknown }>();
  app.get('/api/presets', async () => ({
    scales: SCALES,
    presets: presetNames().map((name) => {
      const p = loadAnyPreset(name);
      const kind = isTheoryPreset(p) ? p.experiment : 'fit';
      const runsOf = isTheoryPreset(p) ? null : p.runsOf;
      return { name, title: p.title, kind, report: p.report, runsOf, scales: presetScales(p) };
    }),
  }));
  app.get<{ Params: { name: string }; Querystring: { scale?: string } }>(
    '/api/presets/:name',
    async (req) => {
      if (!presetNames().includes(req.params.name))
        throw new HttpError(
          404,
          `presets: no preset "${req.params.name}"; expected one of ${presetNames().join(', ')}`,
        );
      const preset = loadAnyPreset(req.params.name);
      const scale = scaleOf(req.query.scale);
      const plan = planOf(preset, scale, store);
      const rows = plan.runs.map((run) => store.get(run.id));
      const key = rows.map((r) => `${r?.run}:${r?.updated}`).join('|');
      const hit = cache.get(`${preset.name}-${scale}`);
      if (hit?.key === key) return hit.value;
      const command = runCommandFor(preset, scale, storeArg);
      const report = await plan.report(command);
      const value = {
        name: preset.name,
        title: preset.title,
        scale,
        command,
        runs: plan.runs.map((run, i) => ({
          id: run.id,
          label: run.label,
          status: plan.done(i) ? 'complete' : (rows[i]?.status ?? 'missing'),
        })),
        missing: report.missing,
        html: report.html,
      };
      cache.set(`${preset.name}-${scale}`, { key, value });
      return value;
    },
  );
}

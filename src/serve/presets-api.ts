// The paper's figures and tables as `genlab report` makes them, from the runs in the store, with the runs still missing.
import type { FastifyInstance } from 'fastify';
import { SCALES, loadPreset, planPreset, presetNames, type ScaleName } from '../experiments/preset.js';
import type { RunStore } from '../experiments/store.js';
import { storedSummary } from '../experiments/sweep.js';
import { presetReport, runCommandFor } from '../report/preset-report.js';
import { HttpError } from './security.js';

function scaleOf(raw: string | undefined): ScaleName {
  const s = raw ?? 'smoke';
  if (!(SCALES as readonly string[]).includes(s))
    throw new HttpError(400, `presets: unknown scale "${s}"; expected one of ${SCALES.join(', ')}`);
  return s as ScaleName;
}

/** Builds a preset's report page, cached until one of its runs changes in the index. */
export function registerPresets(app: FastifyInstance, store: RunStore, storeArg: string): void {
  const cache = new Map<string, { key: string; value: unknown }>();
  app.get('/api/presets', async () => ({
    scales: SCALES,
    presets: presetNames().map((name) => {
      const p = loadPreset(name);
      return { name, title: p.title, report: p.report, runsOf: p.runsOf };
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
      const preset = loadPreset(req.params.name);
      const scale = scaleOf(req.query.scale);
      const plan = planPreset(preset, scale);
      const rows = plan.map((run) => store.get(run.id));
      const key = rows.map((r) => `${r?.run}:${r?.updated}`).join('|');
      const hit = cache.get(`${preset.name}-${scale}`);
      if (hit?.key === key) return hit.value;
      const runs = plan.map((run) => ({ run, summary: storedSummary(store, run.id) }));
      const command = runCommandFor(preset, scale, storeArg);
      const report = await presetReport(preset, scale, runs, command);
      const value = {
        name: preset.name,
        title: preset.title,
        scale,
        command,
        runs: plan.map((run, i) => ({
          id: run.id,
          label: run.label,
          status: runs[i].summary ? 'complete' : (rows[i]?.status ?? 'missing'),
        })),
        missing: report.missing,
        html: report.html,
      };
      cache.set(`${preset.name}-${scale}`, { key, value });
      return value;
    },
  );
}

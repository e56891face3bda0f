// The dashboard's read-only JSON and CSV routes over the run store.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { TABLE_COLUMNS, runsJson, type RunStore } from '../store/store.js';
import { downsample } from '../report/plot.js';
import { epochsCsv, runsCsv, stepsCsv } from './csv.js';
import { runFieldsReader } from './runs-fields.js';
import { runConfigOf, runDetail, runEpochs, runPace, runRow, runSteps } from './run-data.js';
import { compareConfigs } from './compare.js';
import { HttpError } from './security.js';
import { imageGrid } from './images.js';
import { runExamples } from './examples.js';
import { localSweeps } from './sweeps.js';
import { queueView } from './queue-view.js';
import type { QueueTarget } from '../sweep/queue/redis.js';

/** Most runs one comparison takes. */
export const MAX_COMPARE = 64;

/** Most points a loss curve gets per request; zooming in asks again for the visible range. */
export const MAX_STEP_POINTS = 2000;

function intParam(
  q: Record<string, string | undefined>,
  key: string,
  dflt: number,
  min: number,
  max: number,
): number {
  const raw = q[key];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new HttpError(400, `steps: ?${key} must be an integer in ${min}..${max}; got "${raw}"`);
  return v;
}

/** Steps from..to (1-based, inclusive) of a run's losses, at most `points` of them (bucket means beyond that). */
export function stepWindow(losses: Float32Array, q: Record<string, string | undefined>) {
  const total = losses.length;
  const from = intParam(q, 'from', 1, 1, Math.max(1, total));
  const to = intParam(q, 'to', total, 0, total);
  const points = intParam(q, 'points', MAX_STEP_POINTS, 2, MAX_STEP_POINTS);
  const x: number[] = [];
  const y: number[] = [];
  for (let s = from; s <= to; s++) {
    x.push(s);
    y.push(losses[s - 1]);
  }
  const d = downsample(x, y, points);
  return { total, from, to, downsampled: d.x.length < x.length, x: d.x, y: d.y };
}

function csv(reply: FastifyReply, name: string, body: string): string {
  void reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`);
  return body;
}

type IdParams = { Params: { id: string } };

export function registerApi(app: FastifyInstance, store: RunStore, queue: QueueTarget | null): void {
  app.get('/api/runs', async () => runsJson(store.root, store.list()));
  // The runs table's rows as arrays under `columns`: a fifth of /api/runs' bytes, no results parsed.
  app.get('/api/runs-table', async () => ({
    columns: TABLE_COLUMNS,
    rows: store.table().map((r) => TABLE_COLUMNS.map((k) => r[k])),
  }));
  // The runs page's filter and seed folding: each run's config as key=value words and its seeds' cell.
  const fields = runFieldsReader(store);
  app.get('/api/runs-fields', async () => ({ runs: fields() }));
  app.get('/api/runs.csv', async (_req, reply) => csv(reply, 'runs.csv', runsCsv(store.list())));
  app.get<IdParams>('/api/runs/:id', async (req) => runDetail(store, req.params.id));
  app.get<IdParams>('/api/runs/:id/epochs', async (req) => ({ epochs: runEpochs(store, req.params.id) }));
  app.get<IdParams>('/api/runs/:id/epochs.csv', async (req, reply) =>
    csv(reply, `${req.params.id}-epochs.csv`, epochsCsv(runEpochs(store, req.params.id))),
  );
  app.get<IdParams & { Querystring: Record<string, string | undefined> }>(
    '/api/runs/:id/steps',
    async (req) => stepWindow(runSteps(store, req.params.id), req.query),
  );
  app.get<IdParams>('/api/runs/:id/steps.csv', async (req, reply) =>
    csv(reply, `${req.params.id}-steps.csv`, stepsCsv(runSteps(store, req.params.id))),
  );
  app.get<IdParams>('/api/runs/:id/images', async (req) => imageGrid(store, req.params.id));
  app.get<IdParams>('/api/runs/:id/examples', async (req) => runExamples(store, req.params.id));
  // Runs compared: what differs between their configs, a label for each from it, which are seeds of one
  // configuration, and each one's pace (steps and epochs as examples seen).
  app.get<{ Querystring: { ids?: string } }>('/api/compare', async (req) => {
    const ids = (req.query.ids ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > MAX_COMPARE)
      throw new HttpError(
        400,
        `compare: ?ids must name 1 to ${MAX_COMPARE} runs, comma-separated; got ${ids.length}`,
      );
    for (const id of ids) runRow(store, id);
    return {
      ...compareConfigs(
        ids,
        ids.map((id) => runConfigOf(store, id)),
      ),
      paces: ids.map((id) => runPace(store, id)),
    };
  });
  app.get('/api/sweeps', async () => ({ ...localSweeps(store), queue: await queueView(queue) }));
}

// Front end: one run — config, randomization, loss per step (zoom fetches full detail), accuracy per epoch, files; live.
import type uPlotType from 'uplot';
import { getJson, onLive, type EpochRecord, type RunRow, type StepWindow } from './api.js';
import { lineChart } from './charts.js';
import { bytes, el, num, pct } from './dom.js';

interface RunDetail {
  row: RunRow;
  config: unknown;
  summary: Record<string, unknown> | null;
  randomization: {
    labels: string;
    inputs: string;
    seed: number;
    labelChangedFraction: number;
    trainCount: number;
    testRandomized: boolean;
  } | null;
  files: { path: string; bytes: number }[];
}

const enc = encodeURIComponent;

function kv(pairs: [string, string][]): HTMLElement {
  return el(
    'dl',
    { class: 'kv' },
    pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
  );
}

/** Per-step losses: the whole run downsampled, with the zoomed range in full detail spliced in. */
class StepChart {
  node: HTMLElement;
  private chart: uPlotType;
  private overview: StepWindow | null = null;
  private zoom: [number, number] | null = null;
  private pending = 0;

  constructor(private id: string) {
    const { node, chart } = lineChart({
      title: 'Training loss per step',
      xLabel: 'step',
      yLabel: 'loss',
      lines: [{ label: 'loss', x: [], y: [] }],
      onZoom: (min, max) => this.onZoom(min, max),
    });
    this.node = node;
    this.chart = chart;
  }

  private onZoom(min: number, max: number): void {
    if (!this.overview) return;
    const from = Math.max(1, Math.floor(min));
    const to = Math.min(this.overview.total, Math.ceil(max));
    const whole = from <= 1 && to >= this.overview.total;
    const next: [number, number] | null = whole ? null : [from, to];
    if (JSON.stringify(next) === JSON.stringify(this.zoom)) return;
    this.zoom = next;
    window.clearTimeout(this.pending);
    this.pending = window.setTimeout(() => void this.load(false), 150);
  }

  /** Fetches the overview (when refresh) and the zoomed window, and redraws keeping the zoom. */
  async load(refresh: boolean): Promise<void> {
    if (refresh || !this.overview)
      this.overview = await getJson<StepWindow>(`/api/runs/${enc(this.id)}/steps`);
    const o = this.overview;
    let x = o.x;
    let y = o.y;
    if (this.zoom) {
      const [from, to] = this.zoom;
      const w = await getJson<StepWindow>(`/api/runs/${enc(this.id)}/steps?from=${from}&to=${to}`);
      const before = o.x.findIndex((v) => v >= from);
      const after = o.x.findIndex((v) => v > to);
      const lo = before < 0 ? o.x.length : before;
      const hi = after < 0 ? o.x.length : after;
      x = [...o.x.slice(0, lo), ...w.x, ...o.x.slice(hi)];
      y = [...o.y.slice(0, lo), ...w.y, ...o.y.slice(hi)];
    }
    this.chart.setData([x, y], this.zoom === null);
    this.node.dataset.points = String(x.length);
    this.node.dataset.total = String(o.total);
  }
}

function epochCharts(epochs: EpochRecord[]) {
  const x = epochs.map((e) => e.epoch);
  const acc = lineChart({
    title: 'Accuracy per epoch',
    xLabel: 'epoch',
    yLabel: 'accuracy',
    percent: true,
    lines: [
      { label: 'train', x, y: epochs.map((e) => e.trainAcc) },
      { label: 'test', x, y: epochs.map((e) => e.testAcc) },
    ],
  });
  const loss = lineChart({
    title: 'Loss per epoch',
    xLabel: 'epoch',
    yLabel: 'loss',
    lines: [
      { label: 'train (eval)', x, y: epochs.map((e) => e.trainLoss) },
      { label: 'test', x, y: epochs.map((e) => e.testLoss) },
    ],
  });
  return { acc, loss };
}

function summaryPairs(d: RunDetail, epochs: EpochRecord[]): [string, string][] {
  const last = epochs.at(-1);
  const s = (d.summary ?? d.row.results ?? {}) as Record<string, unknown>;
  return [
    ['status', d.row.status],
    ['model', d.row.model],
    ['data set', d.row.dataset],
    ['epochs', num(epochs.length)],
    ['steps', num(last?.step ?? s.steps)],
    ['steps to fit', num(s.stepsToFit)],
    ['train accuracy', pct(last?.trainAcc ?? s.trainAcc, 2)],
    ['test accuracy', pct(last?.testAcc ?? s.testAcc, 2)],
    ['updated', d.row.updated],
  ];
}

interface ImageGrid {
  count: number;
  classes: string[];
  before: number[];
  after: number[];
  png: string;
}

/** The first training images and labels as published (top) and as the run trained on them (bottom). */
async function showImages(box: HTMLElement, base: string): Promise<void> {
  try {
    const g = await getJson<ImageGrid>(`${base}/images`);
    const names = (ls: number[]) => ls.map((l) => g.classes[l] ?? String(l)).join(', ');
    box.replaceChildren(
      el('img', { src: g.png, alt: 'training images before (top) and after (bottom) randomization' }),
      el(
        'p',
        { class: 'muted' },
        `top: as published (labels ${names(g.before)}); bottom: as trained (labels ${names(g.after)})`,
      ),
    );
  } catch (e) {
    box.replaceChildren(
      el('p', { class: 'muted' }, `images not available: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
}

/** Draws a run's page; returns the cleanup that stops its live updates. */
export function runPage(root: HTMLElement, id: string): () => void {
  let stopped = false;
  const steps = new StepChart(id);
  const summaryBox = el('div', { id: 'summary' });
  const epochBox = el('div', { class: 'contents' }); // its charts wrap beside the loss per step
  const base = `/api/runs/${enc(id)}`;
  let charts: ReturnType<typeof epochCharts> | null = null;
  const refreshEpochs = async (d: RunDetail) => {
    const { epochs } = await getJson<{ epochs: EpochRecord[] }>(`${base}/epochs`);
    if (stopped) return;
    if (!charts) {
      charts = epochCharts(epochs);
      epochBox.replaceChildren(charts.acc.node, charts.loss.node);
    } else {
      const x = epochs.map((e) => e.epoch);
      charts.acc.chart.setData([x, epochs.map((e) => e.trainAcc), epochs.map((e) => e.testAcc)]);
      charts.loss.chart.setData([x, epochs.map((e) => e.trainLoss), epochs.map((e) => e.testLoss)]);
    }
    summaryBox.replaceChildren(kv(summaryPairs(d, epochs)));
    summaryBox.dataset.epochs = String(epochs.length);
    await steps.load(true);
  };
  const imagesBox = el('div', { class: 'images' });
  let detail: RunDetail | null = null;
  const stop = onLive((e) => {
    if (!detail) return;
    if (e.type === 'run' && e.row.run === id) {
      detail = { ...detail, row: e.row, summary: null }; // the row's results are the newest
      void refreshEpochs(detail);
    } else if (e.type === 'epochs' && e.id === id) void refreshEpochs(detail);
  });
  getJson<RunDetail>(base)
    .then(async (d) => {
      detail = d;
      const r = d.randomization;
      root.replaceChildren(
        el('h1', {}, id),
        el(
          'div',
          { class: 'cols' },
          el('section', {}, el('h2', {}, 'Summary'), summaryBox),
          el(
            'section',
            {},
            el('h2', {}, 'Randomization'),
            r
              ? kv([
                  ['labels', r.labels],
                  ['inputs', r.inputs],
                  ['seed', String(r.seed)],
                  [
                    'labels changed',
                    `${pct(r.labelChangedFraction, 2)} of ${num(r.trainCount)} training labels`,
                  ],
                  ['test set', r.testRandomized ? 'randomized too' : 'as published'],
                ])
              : el('p', { class: 'muted' }, 'not drawn yet'),
            imagesBox,
          ),
        ),
        el('h2', {}, 'Curves'),
        el('div', { class: 'charts' }, steps.node, epochBox),
        el('h2', {}, 'Files'),
        el(
          'div',
          { class: 'toolbar' },
          el('a', { class: 'button', href: `${base}/epochs.csv` }, 'per-epoch metrics (CSV)'),
          el('a', { class: 'button', href: `${base}/steps.csv` }, 'per-step losses (CSV)'),
        ),
        el(
          'table',
          { class: 'grid', id: 'files' },
          el(
            'tbody',
            {},
            d.files.map((f) =>
              el(
                'tr',
                {},
                el(
                  'td',
                  {},
                  el('a', { href: `/files/${f.path.split('/').map(enc).join('/')}`, download: true }, f.path),
                ),
                el('td', { class: 'num' }, bytes(f.bytes)),
              ),
            ),
          ),
        ),
        el('h2', {}, 'Config'),
        el('pre', {}, JSON.stringify(d.config, null, 2)),
      );
      if (r) void showImages(imagesBox, base);
      await refreshEpochs(d);
    })
    .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
  return () => {
    stopped = true;
    stop();
  };
}

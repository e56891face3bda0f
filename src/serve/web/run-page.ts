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

/** A run's files, those of each folder folded into one row with their count and size (per-epoch records: dozens). */
function filesTable(files: { path: string; bytes: number }[]): HTMLElement {
  const link = (f: { path: string }, text: string) =>
    el('a', { href: `/files/${f.path.split('/').map(enc).join('/')}`, download: true }, text);
  const folders = new Map<string, { path: string; bytes: number }[]>();
  const rows: HTMLElement[] = [];
  for (const f of files) {
    const inRun = f.path.split('/').slice(1); // the path starts with the run's id
    if (inRun.length === 1) {
      rows.push(el('tr', {}, el('td', {}, link(f, inRun[0])), el('td', { class: 'num' }, bytes(f.bytes))));
      continue;
    }
    const folder = inRun.slice(0, -1).join('/');
    const list = folders.get(folder);
    if (list) list.push(f);
    else folders.set(folder, [f]);
  }
  for (const [folder, list] of folders) {
    const size = list.reduce((a, f) => a + f.bytes, 0);
    rows.push(
      el(
        'tr',
        { 'data-folder': folder },
        el(
          'td',
          {},
          el(
            'details',
            {},
            el('summary', {}, `${folder}/ `, el('span', { class: 'muted' }, `${list.length} files`)),
            el(
              'ul',
              { class: 'files' },
              list.map((f) => el('li', {}, link(f, f.path.split('/').pop() ?? f.path), ` ${bytes(f.bytes)}`)),
            ),
          ),
        ),
        el('td', { class: 'num' }, bytes(size)),
      ),
    );
  }
  return el('table', { class: 'grid', id: 'files' }, el('tbody', {}, rows));
}

interface ExampleCard {
  index: number;
  label: string;
  original: string;
  corrupted: boolean;
  learnedEpoch: number | null;
  forgetEvents: number;
  png: string;
}

interface GroupStats {
  count: number;
  learnedFraction: number;
  medianLearnedEpoch: number | null;
  meanForgetEvents: number;
  neverForgotten: number;
}

type RunExamples =
  | { available: false; reason: string }
  | {
      available: true;
      examples: number;
      epochs: number;
      clean: GroupStats;
      noisy: GroupStats | null;
      lastLearned: ExampleCard[];
      mostForgotten: ExampleCard[];
    };

function exampleCards(cards: ExampleCard[]): HTMLElement {
  return el(
    'div',
    { class: 'example-cards' },
    cards.map((c) =>
      el(
        'figure',
        { class: c.corrupted ? 'example corrupted' : 'example', 'data-index': String(c.index) },
        el('img', { src: c.png, alt: `training example ${c.index}` }),
        el(
          'figcaption',
          {},
          `#${c.index} ${c.label}`,
          c.corrupted ? el('span', { class: 'muted' }, ` (was ${c.original})`) : '',
          el('br'),
          c.learnedEpoch === null ? 'never learned' : `learned at epoch ${c.learnedEpoch}`,
          c.forgetEvents > 0 ? `, forgotten ${c.forgetEvents}×` : '',
        ),
      ),
    ),
  );
}

/** Which training examples the run learned last and forgot most often (from its per-epoch correctness record). */
async function showExamples(box: HTMLElement, base: string): Promise<void> {
  try {
    const x = await getJson<RunExamples>(`${base}/examples`);
    if (!x.available) {
      box.replaceChildren(el('p', { class: 'muted' }, `no per-example view: ${x.reason}`));
      return;
    }
    const group = (name: string, g: GroupStats): [string, string] => [
      name,
      `${num(g.count)} examples, ${pct(g.learnedFraction, 1)} learned (median epoch ${num(g.medianLearnedEpoch)}), ${num(+g.meanForgetEvents.toFixed(2))} forget events each`,
    ];
    box.replaceChildren(
      kv([group('clean labels', x.clean), ...(x.noisy ? [group('corrupted labels', x.noisy)] : [])]),
      el('h3', {}, 'Learned last (memorized), or never'),
      x.lastLearned.length ? exampleCards(x.lastLearned) : el('p', { class: 'muted' }, 'none'),
      el('h3', {}, 'Forgotten most often'),
      x.mostForgotten.length
        ? exampleCards(x.mostForgotten)
        : el(
            'p',
            { class: 'muted' },
            'no example was forgotten (correct at one epoch end, wrong at the next)',
          ),
      el(
        'p',
        { class: 'muted' },
        `From ${x.epochs} epoch ends, evaluated on the whole training set (${num(x.examples)} examples trained on); a label that differs from the data set's reads "(was …)". The same as genlab examples RUN.`,
      ),
    );
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, String(e)));
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
  const examplesBox = el('div', { id: 'examples' }, el('p', { class: 'muted' }, 'loading…'));
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
          'details',
          { id: 'config', open: true },
          el('summary', {}, 'Config'),
          el('pre', {}, JSON.stringify(d.config, null, 2)),
        ),
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
        filesTable(d.files),
        el('h2', {}, 'Examples'),
        examplesBox,
      );
      if (r) void showImages(imagesBox, base);
      void showExamples(examplesBox, base);
      await refreshEpochs(d);
    })
    .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
  return () => {
    stopped = true;
    stop();
  };
}

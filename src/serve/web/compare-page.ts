// Front end: runs overlaid — loss against steps, accuracy against epochs (the way Figure 1a is read), the loss
// smoothed, the x axis in steps, epochs or examples seen, and seeds of one configuration folded into a band.
import type { RunPace } from '../run-data.js';
import { getJson, type EpochRecord, type RunRow, type StepWindow } from './api.js';
import { compareCharts, X_LABELS, type ComparedRun, type View, type XAxis } from './compare-charts.js';
import { el } from './dom.js';

const enc = encodeURIComponent;

function picker(root: HTMLElement, runs: RunRow[]): void {
  const boxes = runs.map((r) =>
    el(
      'label',
      {},
      el('input', { type: 'checkbox', value: r.run }),
      ` ${r.run} `,
      el('span', { class: 'muted' }, r.status),
    ),
  );
  const go = el('button', {}, 'Compare');
  go.addEventListener('click', () => {
    const ids = boxes
      .map((b) => b.querySelector('input') as HTMLInputElement)
      .filter((i) => i.checked)
      .map((i) => enc(i.value));
    location.hash = `#/compare?ids=${ids.join(',')}`;
  });
  root.replaceChildren(
    el('h1', {}, 'Compare runs'),
    el('p', { class: 'muted' }, 'Pick two or more runs.'),
    el('div', { class: 'toolbar' }, go),
    el(
      'div',
      {},
      boxes.map((b) => el('div', {}, b)),
    ),
  );
}

interface Comparison {
  labels: string[];
  differing: { key: string; values: (string | null)[] }[];
  same: number;
  groups: number[];
  groupLabels: string[];
  paces: (RunPace | null)[];
}

const SMOOTHING = [0, 0.6, 0.8, 0.9, 0.95, 0.99];

/** A select of the given values; `set` gets the one chosen. */
function select(id: string, values: string[], names: string[], value: string, set: (v: string) => void) {
  const s = el(
    'select',
    { id },
    values.map((v, i) => el('option', { value: v, selected: v === value }, names[i])),
  );
  s.addEventListener('change', () => set(s.value));
  return s;
}

/** The controls: smoothing of the loss, the x axis, and (where some configuration has seeds) fold seeds. */
function controls(view: View, foldable: boolean, redraw: () => void): HTMLElement {
  const smoothing = select(
    'smoothing',
    SMOOTHING.map(String),
    SMOOTHING.map(String),
    String(view.smoothing),
    (v) => {
      view.smoothing = Number(v);
      redraw();
    },
  );
  const axes = Object.keys(X_LABELS) as XAxis[];
  const x = select(
    'x-axis',
    axes,
    axes.map((a) => X_LABELS[a]),
    view.x,
    (v) => {
      view.x = v as XAxis;
      redraw();
    },
  );
  const fold = el('input', { type: 'checkbox', id: 'fold-seeds', checked: view.fold });
  fold.addEventListener('change', () => {
    view.fold = fold.checked;
    redraw();
  });
  return el(
    'div',
    { class: 'toolbar', id: 'compare-controls' },
    el(
      'label',
      { title: "the loss's exponential moving average, debiased as TensorBoard's" },
      'smoothing ',
      smoothing,
    ),
    el('label', {}, 'x axis ', x),
    foldable &&
      el(
        'label',
        { title: 'each configuration one line: the mean over its seeds, a band from min to max' },
        fold,
        ' fold seeds',
      ),
  );
}

/** The config fields that differ between the runs, a row per run; the identical ones counted, not listed. */
function differences(c: Comparison, ids: string[]): HTMLElement {
  return el(
    'div',
    {},
    el('h2', {}, 'What differs'),
    el(
      'table',
      { class: 'grid', id: 'differs' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'run'),
          c.differing.map((f) => el('th', {}, f.key)),
        ),
      ),
      el(
        'tbody',
        {},
        ids.map((id, i) =>
          el(
            'tr',
            { 'data-id': id },
            el('td', {}, el('a', { href: `#/run/${enc(id)}`, title: id }, c.labels[i])),
            c.differing.map((f) => el('td', {}, f.values[i] ?? '–')),
          ),
        ),
      ),
    ),
    el('p', { class: 'muted' }, `${c.same} other config fields are the same in every run.`),
  );
}

/** Draws the compare page for the runs in ?ids=a,b,…, or a picker without them. */
export function comparePage(root: HTMLElement, ids: string[]): () => void {
  if (ids.length === 0) {
    getJson<{ runs: RunRow[] }>('/api/runs')
      .then(({ runs }) => picker(root, runs))
      .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
    return () => undefined;
  }
  const compared = getJson<Comparison>(`/api/compare?ids=${ids.map(enc).join(',')}`);
  Promise.all(
    ids.map(async (id) => ({
      steps: await getJson<StepWindow>(`/api/runs/${enc(id)}/steps?points=1000`),
      epochs: (await getJson<{ epochs: EpochRecord[] }>(`/api/runs/${enc(id)}/epochs`)).epochs,
    })),
  )
    .then(async (fetched) => {
      const c = await compared;
      const runs: ComparedRun[] = fetched.map((r, i) => ({
        ...r,
        label: c.labels[i],
        group: c.groups[i],
        pace: c.paces[i],
      }));
      const foldable = c.groups.some((g, i) => c.groups.indexOf(g) !== i);
      const view: View = { smoothing: 0.6, x: 'step', fold: foldable };
      const charts = el('div', { class: 'charts', id: 'compare' });
      let drawn: ReturnType<typeof compareCharts> = [];
      const redraw = () => {
        for (const d of drawn) d.chart.destroy();
        drawn = compareCharts(runs, c.groupLabels, view);
        charts.replaceChildren(...drawn.map((d) => d.node));
      };
      root.replaceChildren(
        el('h1', {}, `Compare ${runs.length} runs`),
        controls(view, foldable, redraw),
        charts,
        differences(c, ids),
      );
      redraw();
    })
    .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
  return () => undefined;
}

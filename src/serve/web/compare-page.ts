// Front end: runs overlaid — loss against steps, accuracy against epochs (the way Figure 1a is read).
import { getJson, type EpochRecord, type RunRow, type StepWindow } from './api.js';
import { lineChart, type Line } from './charts.js';
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
      id,
      steps: await getJson<StepWindow>(`/api/runs/${enc(id)}/steps?points=1000`),
      epochs: (await getJson<{ epochs: EpochRecord[] }>(`/api/runs/${enc(id)}/epochs`)).epochs,
    })),
  )
    .then(async (runs) => {
      const c = await compared;
      const lines = (f: (e: EpochRecord) => number): Line[] =>
        runs.map((r, i) => ({ label: c.labels[i], x: r.epochs.map((e) => e.epoch), y: r.epochs.map(f) }));
      const loss = lineChart(
        {
          title: 'Training loss per step',
          xLabel: 'step',
          yLabel: 'loss',
          lines: runs.map((r, i) => ({ label: c.labels[i], x: r.steps.x, y: r.steps.y })),
        },
        900,
        340,
      );
      const train = lineChart(
        {
          title: 'Train accuracy per epoch',
          xLabel: 'epoch',
          yLabel: 'accuracy',
          percent: true,
          lines: lines((e) => e.trainAcc),
        },
        560,
        300,
      );
      const test = lineChart(
        {
          title: 'Test accuracy per epoch',
          xLabel: 'epoch',
          yLabel: 'accuracy',
          percent: true,
          lines: lines((e) => e.testAcc),
        },
        560,
        300,
      );
      root.replaceChildren(
        el('h1', {}, `Compare ${runs.length} runs`),
        el('div', { class: 'charts', id: 'compare' }, loss.node, train.node, test.node),
        differences(c, ids),
      );
    })
    .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
  return () => undefined;
}

// Front end: what is training now, with progress and time left; refreshed on live events.
import { getJson, onLive } from './api.js';
import { duration, el } from './dom.js';

interface Active {
  id: string;
  model: string;
  dataset: string;
  labels: string;
  inputs: string;
  epochs: number;
  totalEpochs: number | null;
  remainingSeconds: number | null;
}

interface Sweeps {
  local: Active[];
  queue: {
    note: string;
    jobs: { id: string; state: string; worker?: string | null; progress?: unknown }[];
  } | null;
}

export function sweepsPage(root: HTMLElement): () => void {
  const draw = (s: Sweeps) => {
    root.replaceChildren(
      el('h1', {}, 'Sweeps'),
      el('h2', {}, 'Training on this machine'),
      s.local.length === 0
        ? el('p', { class: 'muted' }, 'Nothing is training now.')
        : el(
            'table',
            { class: 'grid', id: 'active' },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ['run', 'model', 'labels', 'inputs', 'epoch', 'time left (at most)'].map((h) =>
                  el('th', {}, h),
                ),
              ),
            ),
            el(
              'tbody',
              {},
              s.local.map((r) =>
                el(
                  'tr',
                  {},
                  el('td', {}, el('a', { href: `#/run/${encodeURIComponent(r.id)}` }, r.id)),
                  el('td', {}, r.model),
                  el('td', {}, r.labels),
                  el('td', {}, r.inputs),
                  el('td', { class: 'num' }, `${r.epochs} / ${r.totalEpochs ?? '?'}`),
                  el('td', { class: 'num' }, duration(r.remainingSeconds)),
                ),
              ),
            ),
          ),
      el('h2', {}, 'Queue'),
      s.queue
        ? el(
            'table',
            { class: 'grid', id: 'queue' },
            el(
              'tbody',
              {},
              s.queue.jobs.map((j) =>
                el('tr', {}, el('td', {}, j.id), el('td', {}, j.state), el('td', {}, j.worker ?? '')),
              ),
            ),
          )
        : el(
            'p',
            { class: 'muted' },
            'No Redis queue configured (genlab serve --queue URL or GENLAB_QUEUE).',
          ),
    );
  };
  let timer = 0;
  const load = () =>
    getJson<Sweeps>('/api/sweeps')
      .then(draw)
      .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
  void load();
  const stop = onLive(() => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void load(), 300);
  });
  return () => {
    window.clearTimeout(timer);
    stop();
  };
}

// Front end: what is training now — runs of this store and jobs of the Redis queue — with progress and time left; live.
import type { QueueView } from '../queue-view.js';
import type { ActiveRun } from '../sweeps.js';
import { getJson, onLive } from './api.js';
import { duration, el, pct } from './dom.js';

interface Sweeps {
  local: ActiveRun[];
  queue: QueueView | null;
}

const enc = encodeURIComponent;
const QUEUE_POLL_MS = 3000;
const th = (names: string[]) =>
  el(
    'thead',
    {},
    el(
      'tr',
      {},
      names.map((h) => el('th', {}, h)),
    ),
  );

function localTable(runs: ActiveRun[]): HTMLElement {
  if (runs.length === 0) return el('p', { class: 'muted' }, 'Nothing is training in this store now.');
  return el(
    'table',
    { class: 'grid', id: 'active' },
    th(['run', 'model', 'labels', 'inputs', 'epoch', 'time left (at most)', 'process']),
    el(
      'tbody',
      {},
      runs.map((r) =>
        el(
          'tr',
          { 'data-id': r.id },
          el('td', {}, el('a', { href: `#/run/${enc(r.id)}` }, r.id)),
          el('td', {}, r.model),
          el('td', {}, r.labels),
          el('td', {}, r.inputs),
          el('td', { class: 'num' }, `${r.epochs} / ${r.totalEpochs ?? '?'}`),
          el('td', { class: 'num' }, r.alive ? duration(r.remainingSeconds) : '–'),
          el('td', { class: r.alive ? 'status-running' : 'status-failed' }, r.alive ? 'training' : 'stopped'),
        ),
      ),
    ),
  );
}

function queueSection(q: QueueView | null): HTMLElement[] {
  if (!q)
    return [
      el('p', { class: 'muted' }, 'No Redis queue configured (genlab serve --queue URL, or GENLAB_QUEUE).'),
    ];
  if (!q.state) return [el('p', { class: 'error' }, `${q.queue}: ${q.error ?? 'unreadable'}`)];
  const s = q.state;
  return [
    el(
      'p',
      { class: 'muted' },
      `${s.queue}: ${s.jobs.length} jobs; workers connected: ${s.workers.join(', ') || 'none'}`,
    ),
    el(
      'table',
      { class: 'grid', id: 'queue' },
      th(['job (run)', 'label', 'state', 'worker', 'epoch', 'train acc', 'time left (at most)', 'attempts']),
      el(
        'tbody',
        {},
        s.jobs.map((j) =>
          el(
            'tr',
            {},
            el('td', {}, el('a', { href: `#/run/${enc(j.id)}` }, j.id)),
            el('td', {}, j.label),
            el('td', { class: `status-${j.state === 'active' ? 'running' : j.state}` }, j.state),
            el('td', {}, j.worker ?? ''),
            el('td', { class: 'num' }, j.progress ? `${j.progress.epoch} / ${j.progress.totalEpochs}` : ''),
            el('td', { class: 'num' }, j.progress ? pct(j.progress.trainAcc) : ''),
            el('td', { class: 'num' }, j.state === 'active' ? duration(j.remainingSeconds) : ''),
            el('td', { class: 'num' }, String(j.attempts)),
          ),
        ),
      ),
    ),
  ];
}

export function sweepsPage(root: HTMLElement): () => void {
  const draw = (s: Sweeps) =>
    root.replaceChildren(
      el('h1', {}, 'Sweeps'),
      el('h2', {}, 'Training in this store'),
      localTable(s.local),
      el('h2', {}, 'Queue'),
      ...queueSection(s.queue),
    );
  let timer = 0;
  let poll = 0;
  const load = () =>
    getJson<Sweeps>('/api/sweeps')
      .then((s) => {
        draw(s);
        // The store's live events say nothing of jobs on other machines: a configured queue is read again.
        window.clearTimeout(poll);
        if (s.queue) poll = window.setTimeout(() => void load(), QUEUE_POLL_MS);
      })
      .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
  void load();
  const stop = onLive(() => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void load(), 300);
  });
  return () => {
    window.clearTimeout(timer);
    window.clearTimeout(poll);
    stop();
  };
}

// Front end: typed fetches of the server's JSON, and the one live event stream every page listens to.
import type { RunRow, RunTableRow } from '../../store/store.js';
import type { EpochRecord } from '../../train/index.js';

export type { RunRow, RunTableRow, EpochRecord };

declare global {
  interface Window {
    genlabRunsTable?: Promise<Response>; // asked for by index.html before the modules load (the runs page)
  }
}

async function bodyOf<T>(url: string, response: Promise<Response>): Promise<T> {
  const r = await response;
  const body = (await r.json()) as T & { error?: string };
  if (!r.ok) throw new Error(body.error ?? `${url}: HTTP ${r.status}`);
  return body;
}

export function getJson<T>(url: string): Promise<T> {
  return bodyOf<T>(url, fetch(url, { credentials: 'same-origin' }));
}

const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A run's table row from its full row (a live event), as /api/runs-table gives it. */
export function tableRow(r: RunRow): RunTableRow {
  const { run, status, model, dataset, labels, inputs, updated } = r;
  const x = r.results;
  return {
    ...{ run, status, model, dataset, labels, inputs, updated },
    epochs: finite(x?.epochs),
    stepsToFit: finite(x?.stepsToFit),
    trainAcc: finite(x?.trainAcc),
    testAcc: finite(x?.testAcc),
  };
}

/** Every run's table row (/api/runs-table: arrays under its column names). */
export async function getRunsTable(): Promise<RunTableRow[]> {
  const url = '/api/runs-table';
  const early = window.genlabRunsTable; // used once: later visits ask afresh
  window.genlabRunsTable = undefined;
  const t = await bodyOf<{ columns: (keyof RunTableRow)[]; rows: unknown[][] }>(
    url,
    early ?? fetch(url, { credentials: 'same-origin' }),
  );
  return t.rows.map(
    (row) => Object.fromEntries(t.columns.map((k, i) => [k, row[i]])) as unknown as RunTableRow,
  );
}

export interface StepWindow {
  total: number;
  from: number;
  to: number;
  downsampled: boolean;
  x: number[];
  y: number[];
}

export type LiveEvent =
  { type: 'run'; row: RunRow } | { type: 'epochs'; id: string; epochs: number; last: EpochRecord | null };

type Listener = (e: LiveEvent) => void;
const listeners = new Set<Listener>();

/** Opens the server-sent event stream once; the badge in the header shows whether it is connected. */
export function startLive(badge: HTMLElement): void {
  const source = new EventSource('/api/events');
  source.onopen = () => {
    badge.textContent = '● live';
    badge.className = 'on';
  };
  source.onerror = () => {
    badge.textContent = '○ reconnecting';
    badge.className = '';
  };
  for (const type of ['run', 'epochs'] as const)
    source.addEventListener(type, (m) => {
      const e = JSON.parse((m as MessageEvent<string>).data) as LiveEvent;
      for (const fn of listeners) fn(e);
    });
}

/** Listens to live events until the returned function is called (when the page changes). */
export function onLive(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Front end: typed fetches of the server's JSON, and the one live event stream every page listens to.
import type { RunRow } from '../../experiments/store.js';
import type { EpochRecord } from '../../train/index.js';

export type { RunRow, EpochRecord };

export async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { credentials: 'same-origin' });
  const body = (await r.json()) as T & { error?: string };
  if (!r.ok) throw new Error(body.error ?? `${url}: HTTP ${r.status}`);
  return body;
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

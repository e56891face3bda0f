// Live changes of the run store for server-sent events: index rows that changed and running runs' new epochs.
import type { RunRow, RunStore } from '../store/store.js';
import type { EpochRecord } from '../train/index.js';
import { epochsVersion, runEpochs } from './run-data.js';

export type LiveEvent =
  { type: 'run'; row: RunRow } | { type: 'epochs'; id: string; epochs: number; last: EpochRecord | null };

/**
 * Polls the index for changed rows (ids and timestamps only) and running runs' metrics for new
 * epochs, while anyone listens, and hands each change to every listener.
 */
export class LiveFeed {
  private listeners = new Set<(e: LiveEvent) => void>();
  private timer: NodeJS.Timeout | null = null;
  private seen = new Map<string, string>(); // run id → updated
  private epochSeen = new Map<string, string>(); // running run id → epochsVersion

  constructor(
    private store: RunStore,
    private intervalMs = 500,
  ) {}

  subscribe(fn: (e: LiveEvent) => void): () => void {
    if (this.listeners.size === 0) {
      this.prime();
      this.timer = setInterval(() => this.tick(), this.intervalMs);
    }
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  close(): void {
    this.listeners.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private prime(): void {
    this.seen.clear();
    this.epochSeen.clear();
    for (const v of this.store.versions()) {
      this.seen.set(v.id, v.updated);
      if (v.status === 'running') this.epochSeen.set(v.id, epochsVersion(this.store, v.id));
    }
  }

  private emit(e: LiveEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  private tick(): void {
    try {
      for (const v of this.store.versions()) {
        if (this.seen.get(v.id) !== v.updated) {
          this.seen.set(v.id, v.updated);
          const row = this.store.get(v.id);
          if (row) this.emit({ type: 'run', row });
        }
        if (v.status !== 'running' && !this.epochSeen.has(v.id)) continue;
        const version = epochsVersion(this.store, v.id);
        if (this.epochSeen.get(v.id) !== version) {
          const epochs = runEpochs(this.store, v.id);
          this.emit({ type: 'epochs', id: v.id, epochs: epochs.length, last: epochs.at(-1) ?? null });
        }
        if (v.status === 'running') this.epochSeen.set(v.id, version);
        else this.epochSeen.delete(v.id);
      }
    } catch {
      // the index is busy or a run directory is mid-write: the next tick sees it
    }
  }
}

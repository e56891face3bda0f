// The Redis queue as the dashboard shows it: its jobs and workers (from the queue's own status), or why it cannot be read.
import { queueState, type QueueState } from '../sweep/queue/status.js';
import type { QueueTarget } from '../sweep/queue/redis.js';

export interface QueueView {
  queue: string; // the URL with any password hidden
  state: QueueState | null;
  error: string | null; // Redis unreachable, …
}

/** Reads the queue once (a request's worth); errors become the view's error line, never a failed page. */
export async function queueView(target: QueueTarget | null): Promise<QueueView | null> {
  if (!target) return null;
  try {
    return { queue: target.display, state: await queueState(target, 'genlab serve'), error: null };
  } catch (e) {
    return { queue: target.display, state: null, error: (e as Error).message };
  }
}

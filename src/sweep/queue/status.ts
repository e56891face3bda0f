// What the queue holds: every job with its state, worker and progress, and the workers connected now
// (for genlab queue status and the dashboard).
import { Queue } from 'bullmq';
import { QUEUE_NAME, type JobProgress } from './job.js';
import { bullConnection, connectQueue, type QueueTarget } from './redis.js';

export type QueueJobState = 'waiting' | 'active' | 'completed' | 'failed' | 'delayed';

export interface QueueJob {
  id: string;
  label: string;
  state: QueueJobState;
  worker: string | null; // the worker that took it last
  progress: JobProgress | null;
  remainingSeconds: number | null; // an active job's epochs left at its pace (at most: a run that fits stops sooner)
  attempts: number; // times a worker started it and failed
  failedReason: string | null;
  enqueued: string; // ISO time
  finished: string | null;
}

export interface QueueState {
  queue: string; // the redacted URL
  workers: string[]; // names of the workers connected now
  jobs: QueueJob[];
}

const STATES: QueueJobState[] = ['active', 'waiting', 'delayed', 'failed', 'completed'];

/** The queue's jobs, active first, then waiting, delayed, failed and completed (newest first within each). */
export async function queueState(target: QueueTarget, where = 'genlab queue status'): Promise<QueueState> {
  (await connectQueue(target, where)).disconnect();
  const queue = new Queue(QUEUE_NAME, { connection: bullConnection(target) });
  try {
    const jobs: QueueJob[] = [];
    for (const state of STATES) {
      const types = state === 'waiting' ? (['waiting', 'prioritized'] as const) : ([state] as const);
      for (const j of await queue.getJobs([...types])) {
        if (!j?.id) continue;
        const p = j.progress as Partial<JobProgress> | number;
        const progress =
          typeof p === 'object' && p && typeof p.epoch === 'number' ? (p as JobProgress) : null;
        const pace = progress?.secondsPerEpoch;
        jobs.push({
          id: j.id,
          label: typeof j.data?.label === 'string' ? j.data.label : '',
          state,
          worker: j.processedBy ?? null,
          progress,
          remainingSeconds:
            state === 'active' && progress && typeof pace === 'number'
              ? Math.max(0, progress.totalEpochs - progress.epoch) * pace
              : null,
          attempts: j.attemptsMade,
          failedReason: j.failedReason || null,
          enqueued: new Date(j.timestamp).toISOString(),
          finished: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
        });
      }
    }
    // BullMQ names a worker's connection "<prefix>:<queue>:w:<worker name>".
    const workers = (await queue.getWorkers()).map(
      (w) => String(w.rawname ?? '').replace(/^.*?:w:/, '') || '?',
    );
    return { queue: target.display, workers: [...new Set(workers)].sort(), jobs };
  } finally {
    await queue.close();
  }
}

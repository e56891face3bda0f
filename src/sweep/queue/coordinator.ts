// genlab run --queue: enqueues a plan's incomplete runs (job id = run id, so enqueueing twice adds nothing), follows
// them with the same events as a local sweep, and installs each finished run's files into this machine's store.
// Runs of every kind travel the same way: fits, and theory runs (kernel, random features …) as one finished pack.
import { Queue, type Job } from 'bullmq';
import type { PlannedRun } from '../../presets/preset.js';
import type { FitSummary } from '../../experiments/fit.js';
import type { RunStore } from '../../store/store.js';
import { storedSummary, type SweepEvent, type SweepPlanned, type SweepRun } from '../sweep.js';
import { downloadRun, dropRun } from './artifacts.js';
import { installRun } from '../../store/run-pack.js';
import { checkJob, jobData, QUEUE_NAME, type JobProgress, type RunConfig } from './job.js';
import { canonicalJson } from '../../store/ids.js';
import { bullConnection, connectQueue, type QueueTarget } from './redis.js';
import type { Redis } from 'ioredis';

/** A run the queue can carry: its id, label and whole config. */
export interface QueuedRun extends SweepPlanned {
  config: RunConfig;
}

export interface QueuedSweepOptions<R extends QueuedRun = PlannedRun, S = FitSummary> {
  store: RunStore;
  target: QueueTarget;
  onEvent?(e: SweepEvent<R, S>): void;
  shouldStop?(): boolean; // the coordinator stops following; the jobs stay queued for the workers
  pollMs?: number;
  /** A finished run's summary or result in the store, else null (a fit's summary when not given). */
  finished?(store: RunStore, id: string): S | null;
}

const finishedOf = <R extends QueuedRun, S>(o: QueuedSweepOptions<R, S>) =>
  o.finished ?? ((store: RunStore, id: string) => storedSummary(store, id) as S | null);

/** Tries a failed run again once a coordinator asks for it; a job that failed on bad input fails again at once. */
const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'fixed', delay: 2000 },
  removeOnComplete: false,
  removeOnFail: false,
};

interface Followed<R> {
  index: number;
  run: R;
  t0: number;
  started: boolean;
  epoch: number;
  replaced: boolean; // a refused job was enqueued afresh from the plan
}

/** True when the workers would take the job and fit exactly the planned config. */
function asPlanned(job: Job, r: QueuedRun): boolean {
  try {
    return canonicalJson(checkJob(job.id, job.data).config) === canonicalJson(r.config);
  } catch {
    return false;
  }
}

/** Drops a job the workers would refuse (its data altered in Redis, or written by another genlab): the plan is
 * authoritative, so the run is enqueued afresh from it. An active job is left to its worker, which refuses it
 * at once; the job is replaced once it has failed. Returns whether the job was dropped. */
async function dropUnplanned(job: Job, r: QueuedRun): Promise<boolean> {
  if (asPlanned(job, r) || (await job.getState()) === 'active') return false;
  await job.remove();
  return true;
}

/** Enqueues a planned run (its id is the job's: enqueueing twice adds nothing); a failed job is tried again. */
async function enqueue(queue: Queue, r: QueuedRun): Promise<void> {
  const data = jobData(r.config, r.label, `genlab run: ${r.label || r.id}`);
  const old = await queue.getJob(r.id);
  if (old) await dropUnplanned(old, r);
  const job = await queue.add(r.id, data, { jobId: r.id, ...JOB_OPTIONS });
  if ((await job.getState()) === 'failed') await job.retry('failed'); // a new sweep asks again
}

/** Installs a finished run into the store, as a local fit would have left it (files and index row). */
async function install<S>(
  redis: Redis,
  store: RunStore,
  r: QueuedRun,
  finished: (store: RunStore, id: string) => S | null,
): Promise<S | null> {
  const snap = await downloadRun(redis, r.id);
  if (!snap?.complete) return null;
  installRun(store, snap.pack, `queue: run ${r.id}`);
  return finished(store, r.id);
}

/** One look at a followed job: emits its start, epochs and end; returns the run's result once it has one. */
async function look<R extends QueuedRun, S>(
  f: Followed<R>,
  queue: Queue,
  redis: Redis,
  o: QueuedSweepOptions<R, S>,
): Promise<SweepRun<R, S> | null> {
  const { index, run } = f;
  const job: Job | undefined = await queue.getJob(run.id);
  if (!job) {
    await enqueue(queue, run); // lost with a Redis that kept nothing: queued again (its run id makes that harmless)
    return null;
  }
  const state = await job.getState();
  const p = (job.progress ?? {}) as Partial<JobProgress>;
  if ((state === 'active' || state === 'completed') && !f.started && typeof p.totalEpochs === 'number') {
    f.started = true;
    f.epoch = p.resumedFrom ?? 0;
    o.onEvent?.({ type: 'start', index, run, resumedFrom: p.resumedFrom ?? 0, totalEpochs: p.totalEpochs });
  }
  if (f.started && typeof p.epoch === 'number' && p.epoch > f.epoch) {
    f.epoch = p.epoch;
    o.onEvent?.({
      type: 'epoch',
      index,
      run,
      epoch: p.epoch,
      trainAcc: p.trainAcc ?? NaN,
      testAcc: p.testAcc ?? NaN,
    });
  }
  const seconds = (Date.now() - f.t0) / 1000;
  if (state === 'completed') {
    const summary = await install(redis, o.store, run, finishedOf(o));
    if (!summary) {
      // The job finished but its files are gone (expired, or Redis lost them): fit it again.
      await job.remove();
      await dropRun(redis, run.id);
      await enqueue(queue, run);
      return null;
    }
    o.onEvent?.({ type: 'end', index, run, outcome: 'complete', summary, seconds });
    return { run, outcome: 'complete', summary };
  }
  if (state === 'failed') {
    if (!f.replaced && (await dropUnplanned(job, run))) {
      f.replaced = true; // once per sweep: data altered again and again is reported, not chased
      await enqueue(queue, run);
      return null;
    }
    const error = job.failedReason || 'failed';
    o.onEvent?.({ type: 'end', index, run, outcome: 'failed', summary: null, seconds, error });
    return { run, outcome: 'failed', summary: null, error };
  }
  return null;
}

/** Runs a plan on the queue's workers: complete runs are skipped, the rest enqueued and followed until they end. */
export async function runQueuedSweep<R extends QueuedRun = PlannedRun, S = FitSummary>(
  plan: R[],
  o: QueuedSweepOptions<R, S>,
): Promise<SweepRun<R, S>[]> {
  const results: SweepRun<R, S>[] = plan.map((run) => ({ run, outcome: 'not run', summary: null }));
  const todo: R[] = [];
  const finished = finishedOf(o);
  plan.forEach((r, i) => {
    const s = finished(o.store, r.id);
    if (s) {
      results[i] = { run: r, outcome: 'skipped', summary: s };
      o.onEvent?.({ type: 'skip', index: i, run: r, summary: s });
    } else todo.push(r);
  });
  if (todo.length === 0) return results;
  const redis = await connectQueue(o.target, 'genlab run');
  const queue = new Queue(QUEUE_NAME, { connection: bullConnection(o.target) });
  queue.on('error', () => undefined); // connection errors: BullMQ reconnects (Redis restarted)
  try {
    for (const r of todo) await enqueue(queue, r);
    let followed: Followed<R>[] = todo.map((run) => ({
      index: plan.indexOf(run),
      run,
      t0: Date.now(),
      started: false,
      epoch: 0,
      replaced: false,
    }));
    while (followed.length && !o.shouldStop?.()) {
      const still: Followed<R>[] = [];
      for (const f of followed) {
        let r: SweepRun<R, S> | null = null;
        try {
          r = await look(f, queue, redis, o);
        } catch {
          r = null; // Redis away for a moment (restarting; ioredis reconnects): look again next round
        }
        if (r) results[f.index] = r;
        else still.push(f);
      }
      followed = still;
      if (followed.length) await new Promise((res) => setTimeout(res, o.pollMs ?? 500));
    }
    for (const f of followed) results[f.index] = { run: f.run, outcome: 'interrupted', summary: null };
    return results;
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

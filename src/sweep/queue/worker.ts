// genlab worker: takes runs from the BullMQ queue, fits each in a child process in this machine's store, uploads the run's
// files after every epoch, and on a stop hands the job back after the current epoch's checkpoint.
import { fork, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { InputError } from '../../engine/index.js';
import type { RunStore } from '../../store/store.js';
import { installSnapshot, uploadRun, type RunSnapshot } from './artifacts.js';
import { checkJob, QUEUE_NAME, type JobProgress } from './job.js';
import type { Redis } from 'ioredis';
import { bullConnection, connectQueue, reachable, type QueueTarget } from './redis.js';
import type { ChildMessage } from './fit-child.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fit-child.js');

export type WorkerEvent =
  | { type: 'take'; id: string; label: string; resumedFrom: number }
  | {
      type: 'epoch';
      id: string;
      label: string;
      epoch: number;
      totalEpochs: number;
      trainAcc: number;
      testAcc: number;
    }
  | { type: 'done'; id: string; label: string; outcome: 'complete' | 'released' | 'failed'; detail: string };

export interface WorkerOptions {
  target: QueueTarget;
  store: RunStore; // this machine's store: runs are fitted here, then travel through Redis
  jobs: number; // runs at a time
  device: string;
  threads: number;
  stallSeconds: number; // a job whose worker stops renewing its lock for this long goes to another worker
  name?: string;
  onEvent?(e: WorkerEvent): void;
}

export interface QueueWorker {
  readonly name: string;
  /** Asks every fit to stop after its epoch's checkpoint, hands the jobs back, and resolves once closed. */
  stop(): Promise<void>;
  /** Resolves when the worker has closed (after stop). */
  closed: Promise<void>;
  /** True when the worker stopped without Redis: its jobs were not handed back and its connections were dropped. */
  abandoned(): boolean;
}

interface Children {
  running: Set<ChildProcess>;
  stopping: boolean;
  abandoned: boolean; // Redis stayed away while stopping: its waits are given up
  connections: Set<Redis>; // the jobs' own connections (run files)
}

/** How long a stopping worker waits on a Redis that does not answer before it gives up on handing jobs back. */
const AWAY_MS = 3000;

/** Fits one job in a child process; resolves with its summary, or rejects as BullMQ expects. */
async function fitJob(job: Job, token: string | undefined, o: WorkerOptions, children: Children) {
  let data;
  try {
    data = checkJob(job.id, job.data);
  } catch (e) {
    const reason = (e as Error).message;
    o.onEvent?.({ type: 'done', id: String(job.id), label: '', outcome: 'failed', detail: reason });
    throw new UnrecoverableError(reason); // bad input: failed at once, never retried, never run
  }
  const id = job.id as string;
  const redis = await connectQueue(o.target, 'genlab worker');
  children.connections.add(redis);
  try {
    await installSnapshot(redis, o.store, id); // resume where the last worker's upload left the run
    const child = fork(CHILD, [o.store.root, o.device, String(o.threads)], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.running.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    let uploads = Promise.resolve();
    let done: Extract<ChildMessage, { type: 'done' }> | null = null;
    let progress: JobProgress = {
      epoch: 0,
      totalEpochs: 0,
      resumedFrom: 0,
      trainAcc: null,
      testAcc: null,
      secondsPerEpoch: null,
    };
    let spent = 0; // seconds over this worker's epochs of the run
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'start') {
        progress = {
          ...progress,
          epoch: m.resumedFrom,
          totalEpochs: m.totalEpochs,
          resumedFrom: m.resumedFrom,
        };
        o.onEvent?.({ type: 'take', id, label: data.label, resumedFrom: m.resumedFrom });
        void job.updateProgress({ ...progress }).catch(() => undefined);
      } else if (m.type === 'snapshot') {
        const snapshot = { epoch: m.epoch, complete: m.complete, pack: Buffer.from(m.pack) };
        uploads = uploads.then(() => uploadPatiently(redis, id, snapshot, children)); // in order; a failure surfaces below
      } else if (m.type === 'epoch') {
        spent += m.seconds;
        const pace = spent / Math.max(1, m.epoch - progress.resumedFrom);
        progress = {
          ...progress,
          epoch: m.epoch,
          trainAcc: m.trainAcc,
          testAcc: m.testAcc,
          secondsPerEpoch: pace,
        };
        void job.updateProgress({ ...progress }).catch(() => undefined);
        o.onEvent?.({
          type: 'epoch',
          id,
          label: data.label,
          ...progress,
          trainAcc: m.trainAcc,
          testAcc: m.testAcc,
        });
      } else if (m.type === 'done') done = m;
    });
    child.send({ type: 'fit', config: data.config });
    if (children.stopping) child.send({ type: 'stop' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    children.running.delete(child);
    await uploads;
    const d = done as Extract<ChildMessage, { type: 'done' }> | null;
    if (d && !d.interrupted) {
      o.onEvent?.({
        type: 'done',
        id,
        label: data.label,
        outcome: 'complete',
        detail: `epoch ${progress.epoch}`,
      });
      return { run: id, summary: d.summary };
    }
    if (d?.interrupted) {
      await job.moveToWait(token); // another worker resumes it from the epoch just uploaded
      o.onEvent?.({
        type: 'done',
        id,
        label: data.label,
        outcome: 'released',
        detail: `after epoch ${progress.epoch}`,
      });
      throw new WaitingError();
    }
    const lines = stderr.split('\n').filter((l) => l.trim() && !/^Node\.js v|^\s+at /.test(l));
    const reason = lines.pop()?.trim() || `the fitting process exited with code ${code}`;
    o.onEvent?.({ type: 'done', id, label: data.label, outcome: 'failed', detail: reason });
    throw code === 2 ? new InputError(reason) : new Error(reason);
  } finally {
    children.connections.delete(redis);
    redis.disconnect();
  }
}

/** Uploads a snapshot, trying again while Redis is away (restarting; ioredis reconnects) for up to a minute,
 * or until a stopping worker gives Redis up. */
async function uploadPatiently(redis: Redis, id: string, snapshot: RunSnapshot, children: Children) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await uploadRun(redis, id, snapshot);
    } catch (e) {
      if (attempt >= 120 || children.abandoned) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Starts a worker on the queue; it runs until stop(). */
export async function startWorker(o: WorkerOptions): Promise<QueueWorker> {
  (await connectQueue(o.target, 'genlab worker')).disconnect(); // fail now, with the URL, if Redis is not there
  const name = o.name ?? `${hostname()}:${process.pid}`;
  const children: Children = {
    running: new Set(),
    stopping: false,
    abandoned: false,
    connections: new Set(),
  };
  const lockDuration = o.stallSeconds * 1000;
  const worker = new Worker(QUEUE_NAME, (job, token) => fitJob(job, token, o, children), {
    connection: bullConnection(o.target),
    concurrency: o.jobs,
    name,
    lockDuration,
    stalledInterval: Math.max(1000, lockDuration / 2),
    maxStalledCount: 100, // a run outlives many dead workers: it resumes from its last epoch each time
  });
  worker.on('error', () => undefined); // connection errors: BullMQ reconnects (Redis restarted)
  let stopping: Promise<void> | null = null;
  let abandoned = false;
  let closedResolve: () => void = () => undefined;
  const closed = new Promise<void>((r) => (closedResolve = r));
  await worker.waitUntilReady();
  return {
    name,
    closed,
    stop() {
      stopping ??= (async () => {
        children.stopping = true;
        for (const c of children.running) c.send({ type: 'stop' });
        const closing = worker.close();
        // The fits end their epoch with a checkpoint in this machine's store, whatever Redis does.
        while (children.running.size > 0) await sleep(100);
        if (!(await closedUnlessAway(closing, o.target))) {
          // Redis is gone: the jobs cannot be handed back (their locks lapse and another worker resumes
          // each run from its last uploaded epoch); give up its waits so that the worker exits.
          children.abandoned = true;
          for (const c of children.connections) c.disconnect();
          void worker.disconnect().catch(() => undefined);
          abandoned = true;
        }
        closedResolve();
      })();
      return stopping;
    },
    abandoned: () => abandoned,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `closing`; true once it is done, false once Redis has not answered for AWAY_MS meanwhile. */
async function closedUnlessAway(closing: Promise<void>, target: QueueTarget): Promise<boolean> {
  let done = false;
  void closing.then(
    () => (done = true),
    () => (done = true),
  );
  let awaySince: number | null = null;
  for (;;) {
    await sleep(200);
    if (done) return true;
    if (await reachable(target)) awaySince = null;
    else if (Date.now() - (awaySince ??= Date.now()) >= AWAY_MS) return done;
  }
}

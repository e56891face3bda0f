// The sweep runner: plans a preset's runs into the store, skips complete ones, and fits the rest in up to N worker processes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fit, tidy, type FitSummary } from '../experiments/fit.js';
import { eachJsonLine } from './process-main.js';
import type { LoadedDataset } from '../data/index.js';
import { disposeDataset } from '../data/index.js';
import type { PlannedRun } from '../presets/preset.js';
import { InputError, cpuCount } from '../engine/index.js';
import type { RunStore } from '../store/store.js';

export type RunOutcome = 'complete' | 'skipped' | 'interrupted' | 'failed' | 'not run';

/** A planned run as the runners see it, of any kind: its id, its label for people and its config. */
export interface SweepPlanned {
  id: string;
  label: string;
}

/** How a run of a sweep ended; S is what a finished run yields (a fit's summary, a theory run's result). */
export interface SweepRun<R extends SweepPlanned = PlannedRun, S = FitSummary> {
  run: R;
  outcome: RunOutcome;
  summary: S | null;
  error?: string;
  cpuSeconds?: number; // CPU time the run took on this machine (every thread), where it was measured
  badInput?: boolean; // the run failed on bad input (e.g. a data set not found): the sweep stops starting runs
}

export type SweepEvent<R extends SweepPlanned = PlannedRun, S = FitSummary> =
  | { type: 'skip'; index: number; run: R; summary: S }
  | { type: 'start'; index: number; run: R; resumedFrom: number; totalEpochs: number }
  | { type: 'epoch'; index: number; run: R; epoch: number; trainAcc: number; testAcc: number }
  | { type: 'threads'; index: number; run: R; threads: number } // given the cores of runs that ended
  | {
      type: 'end';
      index: number;
      run: R;
      outcome: RunOutcome;
      summary: S | null;
      seconds: number;
      error?: string;
    };

export interface SweepOptions {
  store: RunStore;
  jobs: number;
  device: string;
  threads: number; // libtorch threads per worker
  onEvent?(e: SweepEvent): void;
  shouldStop?(): boolean; // checked before each run and, in-process, after each epoch (workers stop themselves on SIGINT)
  workers?: boolean; // fit in worker processes even with jobs = 1 (default: in this process when jobs = 1)
}

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sweep-worker.js');

/** How well a sweep used this machine: its runs' CPU-seconds over wall time × cores (null: no run measured here). */
export interface CpuUse {
  wallSeconds: number;
  cpuSeconds: number;
  cores: number;
  utilization: number | null;
}

export function cpuUse(results: readonly SweepRun[], wallSeconds: number, cores: number): CpuUse {
  const measured = results.filter((r) => r.cpuSeconds !== undefined);
  const cpuSeconds = measured.reduce((a, r) => a + (r.cpuSeconds ?? 0), 0);
  const utilization = measured.length && wallSeconds > 0 ? cpuSeconds / (wallSeconds * cores) : null;
  return { wallSeconds, cpuSeconds, cores, utilization };
}

/** A run's summary, if it is finished (complete or diverged). */
export function storedSummary(store: RunStore, id: string): FitSummary | null {
  return store.run(id).finishedSummary();
}

/** Fits one run in this process (--jobs 1: no worker start-up, the data set loaded once). */
async function runInProcess(
  index: number,
  r: PlannedRun,
  o: SweepOptions,
  cache: Map<string, LoadedDataset>,
): Promise<SweepRun> {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  let result: SweepRun;
  try {
    const out = await fit(r.config, {
      store: o.store,
      device: o.device,
      wait: true, // a worker left behind by a killed sweep finishes its epoch and stops
      threads: o.threads,
      datasetCache: cache,
      shouldStop: () => o.shouldStop?.() ?? false,
      onStart: (s) =>
        o.onEvent?.({ type: 'start', index, run: r, resumedFrom: s.resumedFrom, totalEpochs: s.totalEpochs }),
      onEpoch: (e) =>
        o.onEvent?.({
          type: 'epoch',
          index,
          run: r,
          epoch: e.epoch,
          trainAcc: e.trainAcc,
          testAcc: e.testAcc,
        }),
    });
    result = { run: r, outcome: out.interrupted ? 'interrupted' : 'complete', summary: out.summary };
  } catch (e) {
    result = {
      run: r,
      outcome: 'failed',
      summary: null,
      error: (e as Error).message,
      badInput: e instanceof InputError,
    };
  }
  const cpu = process.cpuUsage(cpu0);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  o.onEvent?.({
    type: 'end',
    index,
    run: r,
    outcome: result.outcome,
    summary: result.summary,
    seconds: (Date.now() - t0) / 1000,
    error: result.error,
  });
  return result;
}

interface WorkerMessage {
  type: string;
  [k: string]: unknown;
}

/** Fits one run in a child process; resolves when it exits. `setThreads` receives the function that changes its threads. */
function runWorker(
  index: number,
  r: PlannedRun,
  o: SweepOptions,
  setThreads: (set: (threads: number) => void) => void,
): Promise<SweepRun> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [WORKER, o.store.root, r.id, o.device, String(o.threads)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let threads = o.threads;
  // A worker that has just exited cannot take a threads line (EPIPE): it needs none, and the sweep goes on.
  child.stdin.on('error', () => undefined);
  setThreads((n) => {
    if (n === threads || !child.stdin.writable) return;
    threads = n;
    child.stdin.write(`${JSON.stringify({ type: 'threads', threads: n })}\n`); // answered with the threads it took
  });
  let stderr = '';
  let done: WorkerMessage | null = null;
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  eachJsonLine(child.stdout, (msg) => {
    const m = msg as WorkerMessage;
    if (m.type === 'start')
      o.onEvent?.({
        type: 'start',
        index,
        run: r,
        resumedFrom: m.resumedFrom as number,
        totalEpochs: m.totalEpochs as number,
      });
    else if (m.type === 'epoch')
      o.onEvent?.({
        type: 'epoch',
        index,
        run: r,
        epoch: m.epoch as number,
        trainAcc: m.trainAcc as number,
        testAcc: m.testAcc as number,
      });
    else if (m.type === 'threads')
      o.onEvent?.({ type: 'threads', index, run: r, threads: m.threads as number });
    else if (m.type === 'done') done = m;
  });
  // A stopping sweep (SIGINT to it alone) closes the worker's stdin: it stops after its epoch's checkpoint.
  const watch = setInterval(() => o.shouldStop?.() && child.stdin.end(), 200);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(watch);
      const summary = storedSummary(o.store, r.id) ?? (done?.summary as FitSummary | undefined) ?? null;
      const interrupted = Boolean(done?.interrupted) || code === 130 || signal !== null;
      const outcome: RunOutcome = storedSummary(o.store, r.id)
        ? 'complete'
        : interrupted
          ? 'interrupted'
          : 'failed';
      const error =
        outcome === 'failed'
          ? stderr.trim().split('\n').pop() || `worker exited with code ${code}`
          : undefined;
      o.onEvent?.({ type: 'end', index, run: r, outcome, summary, seconds: (Date.now() - t0) / 1000, error });
      const cpuSeconds = typeof done?.cpuSeconds === 'number' ? done.cpuSeconds : undefined;
      resolve({ run: r, outcome, summary, error, badInput: outcome === 'failed' && code === 2, cpuSeconds });
    });
  });
}

/**
 * The sweep's cores, kept busy: jobs × threads in all. While runs wait, each worker has its --threads; once none
 * waits, the cores of workers that ended go to those still running (a run's last digits depend on its thread
 * count, as on any change of --threads).
 */
class CoreShare {
  private running = new Map<number, (threads: number) => void>();
  constructor(
    private total: number,
    private least: number,
  ) {}
  add(index: number, set: (threads: number) => void): void {
    this.running.set(index, set);
  }
  /** A worker ended; with nothing left to start, its cores go to the others. */
  remove(index: number, nothingWaits: boolean): void {
    this.running.delete(index);
    if (!nothingWaits || this.running.size === 0) return;
    const each = Math.max(this.least, Math.floor(this.total / this.running.size));
    for (const set of this.running.values()) set(each);
  }
}

/** Runs a plan: complete runs are skipped, partial ones resumed, the rest fitted, up to o.jobs at a time. */
export async function runSweep(plan: PlannedRun[], o: SweepOptions): Promise<SweepRun[]> {
  const results: SweepRun[] = plan.map((run) => ({ run, outcome: 'not run', summary: null }));
  const queue: number[] = [];
  for (const [i, r] of plan.entries()) {
    const s = storedSummary(o.store, r.id);
    if (s) {
      await tidy(o.store.run(r.id), o.store); // what a writer killed after the run's last epoch left
      results[i] = { run: r, outcome: 'skipped', summary: s };
      o.onEvent?.({ type: 'skip', index: i, run: r, summary: s });
    } else {
      queue.push(i);
    }
  }
  const cache = new Map<string, LoadedDataset>();
  const inProcess = o.jobs === 1 && !o.workers;
  const cores = new CoreShare(Math.min(o.jobs * o.threads, cpuCount()), o.threads); // never above the cores
  const lane = async (): Promise<void> => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      if (o.shouldStop?.()) return;
      o.store.run(plan[i].id).create(plan[i].config); // the worker reads its config from there
      const index = i;
      results[i] = inProcess
        ? await runInProcess(i, plan[i], o, cache)
        : await runWorker(i, plan[i], o, (set) => cores.add(index, set));
      cores.remove(i, queue.length === 0 && !o.shouldStop?.());
      if (results[i].badInput) queue.length = 0; // the same bad input would fail every run
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, queue.length)) }, lane));
  } finally {
    for (const ds of cache.values()) disposeDataset(ds);
  }
  return results;
}

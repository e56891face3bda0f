// What the sweep commands (genlab run, genlab memorization) share: where a plan is fitted (this
// machine's worker processes or a Redis queue), how many at a time on how many threads, Ctrl-C, and
// the fitting itself.
import { InputError, cpuCount } from '../engine/index.js';
import type { PlannedRun } from '../presets/preset.js';
import { runSweep, type SweepEvent, type SweepRun } from '../sweep/sweep.js';
import { runQueuedSweep, type QueuedRun } from '../sweep/queue/coordinator.js';
import { jobData } from '../sweep/queue/job.js';
import { queueFromFlags, type QueueTarget } from '../sweep/queue/redis.js';
import type { RunStore } from '../store/store.js';
import { threadsOf } from './threads.js';
import type { Parsed } from './args.js';
import type { Io } from './command.js';
import { onInterrupt, type Interrupt } from './interrupt.js';

/** Worker processes a sweep starts by default: one per core. */
export function defaultJobs(): number {
  return Math.max(1, cpuCount());
}

/**
 * The queue a sweep command sends its plan to, or null to fit it here: --queue or GENLAB_QUEUE.
 * With a queue, the flags a worker decides are refused and every run must be a job a worker accepts.
 */
export function sweepQueue(args: Parsed, plan: readonly QueuedRun[], where: string): QueueTarget | null {
  const target = queueFromFlags(args.flags.queue, where);
  if (!target) return null;
  const local = ['jobs', 'threads', 'device'].find((f) => args.given.has(f));
  if (local)
    throw new InputError(
      `${where}: --${local}: the queue's workers decide it (genlab worker --${local}); expected no --${local} with --queue`,
    );
  for (const r of plan) jsonJob(r, where);
  return target;
}
const jsonJob = (r: QueuedRun, where: string) => jobData(r.config, r.label, `${where}: ${r.label || r.id}`);

export interface SweepSession {
  target: QueueTarget | null; // null: fitted on this machine
  jobs: number; // runs at a time on this machine
  threads: number; // each worker's threads, capped at the cores
  where: string; // "on the queue redis://…" or "2 at a time", for the command's first line
  interrupt: Interrupt;
  /** Fits every run of the plan not yet complete in `store`, here or through the queue. */
  fit(plan: PlannedRun[], store: RunStore, onEvent: (e: SweepEvent) => void): Promise<SweepRun[]>;
}

/**
 * Decides where and how a sweep command fits its plan and installs its Ctrl-C handler (release it
 * in finally). `noun` names what is fitted in the interrupt message ("runs", "models"); a
 * --threads above the cores is capped with one line on stderr, as fit caps it.
 */
export function startSweep(
  args: Parsed,
  io: Io,
  plan: readonly PlannedRun[],
  o: { command: string; device: string; smoke: boolean; noun: string },
): SweepSession {
  const jobs =
    (args.flags.jobs as number | undefined) ?? (o.device === 'cpu' && !o.smoke ? defaultJobs() : 1);
  const target = sweepQueue(args, plan, o.command);
  const threads = threadsOf(args, io, o.command, 1);
  const interrupt = onInterrupt(
    io,
    target
      ? `the ${o.noun} stay queued for the workers; run the same command to follow them again`
      : "workers stop after their current epoch's checkpoint; run the same command to continue",
  );
  return {
    target,
    jobs,
    threads,
    where: target ? `on the queue ${target.display}` : `${jobs} at a time`,
    interrupt,
    fit: (p, store, onEvent) =>
      target
        ? runQueuedSweep(p, { store, target, onEvent, shouldStop: interrupt.stopped })
        : runSweep(p, { store, jobs, device: o.device, threads, onEvent, shouldStop: interrupt.stopped }),
  };
}

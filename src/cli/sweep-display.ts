// The sweep's progress on stderr: one line per run as it starts and ends, and a status line with the time left.
import { cpuCount } from '../engine/index.js';
import type { PlannedRun } from '../presets/preset.js';
import type { SweepEvent } from '../sweep/sweep.js';
import { makespan, type PlanEstimate } from '../sweep/estimate.js';
import type { Io } from './command.js';
import { formatSeconds } from './progress.js';

const pct = (x: number | undefined) =>
  x !== undefined && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';

interface Running {
  t0: number;
  resumedFrom: number;
  totalEpochs: number;
  epoch: number;
  at: number; // when the last epoch ended
}

/**
 * Time left: each running run's epochs left at its own measured pace; each queued run's calibrated
 * estimate, scaled by how the running runs compare with theirs; laid out on the sweep's workers. Without
 * calibration (smoke scale), the mean of the runs finished so far. Estimates are epoch budgets: runs that
 * fit stop sooner.
 */
export class SweepDisplay {
  private t0 = Date.now();
  private done = 0;
  private running = new Map<number, Running>();
  private finished = new Set<number>();
  private ran: number[] = []; // seconds per finished (not skipped) run
  private lastLine = 0;
  private readonly total: number;

  constructor(
    private io: Io,
    private plan: readonly PlannedRun[],
    private jobs: number,
    private threads: number,
    private est: PlanEstimate | null, // estimates of the runs not complete at the start, by id
  ) {
    this.total = plan.length;
  }

  event(e: SweepEvent): void {
    const tag = `[${e.index + 1}/${this.total}] ${e.run.label || e.run.id}`;
    if (e.type === 'skip') this.line(`${tag}: already complete (${e.run.id})`);
    if (e.type === 'start') {
      const now = Date.now();
      this.running.set(e.index, {
        t0: now,
        resumedFrom: e.resumedFrom,
        totalEpochs: e.totalEpochs,
        epoch: e.resumedFrom,
        at: now,
      });
      this.line(`${tag}: ${e.resumedFrom ? `resumed after epoch ${e.resumedFrom}` : 'started'}`);
    }
    if (e.type === 'threads') this.line(`${tag}: on ${e.threads} threads (no run waits for the cores)`);
    if (e.type === 'epoch') {
      const r = this.running.get(e.index);
      if (r) Object.assign(r, { epoch: e.epoch, at: Date.now() });
      this.status(`${tag}: epoch ${e.epoch} train ${pct(e.trainAcc)} test ${pct(e.testAcc)}`);
    }
    if (e.type === 'end') {
      this.running.delete(e.index);
      if (e.outcome === 'complete') this.ran.push(e.seconds);
      const s = e.summary;
      const fitted = s
        ? s.stepsToFit !== null
          ? `fitted at step ${s.stepsToFit}`
          : `not fitted after ${s.epochs} epochs`
        : '';
      const detail =
        e.outcome === 'complete' && s
          ? `${fitted}, train ${pct(s.trainAcc)} test ${pct(s.testAcc)}`
          : (e.error ?? '');
      this.line(`${tag}: ${e.outcome} in ${e.seconds.toFixed(1)} s${detail ? `: ${detail}` : ''}`);
    }
    if (e.type === 'skip' || e.type === 'end') {
      this.done++;
      this.finished.add(e.index);
    }
    if (e.type !== 'epoch' && e.type !== 'threads') this.status('');
  }

  private estimateOf(index: number): number | null {
    const id = this.plan[index].id;
    return this.est?.runs.find((r) => r.id === id)?.estimatedSeconds ?? null;
  }

  /** Seconds left for the whole sweep (NaN until something is known). */
  remaining(now = Date.now()): number {
    const left: number[] = [];
    const ratios: number[] = [];
    for (const [i, r] of this.running) {
      const epochs = r.epoch - r.resumedFrom;
      const est = this.estimateOf(i);
      if (epochs === 0) {
        left.push(est ?? NaN);
        continue;
      }
      const perEpoch = (r.at - r.t0) / 1000 / epochs;
      left.push(Math.max(0, perEpoch * (r.totalEpochs - r.epoch) - (now - r.at) / 1000));
      if (est !== null) ratios.push(perEpoch / (est / (r.totalEpochs - r.resumedFrom)));
    }
    const scale = ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : 1;
    const meanRan = this.ran.length ? this.ran.reduce((a, b) => a + b, 0) / this.ran.length : NaN;
    for (let i = 0; i < this.total; i++) {
      if (this.finished.has(i) || this.running.has(i)) continue;
      const est = this.estimateOf(i);
      left.push(est !== null ? est * scale : meanRan);
    }
    if (left.length === 0) return 0;
    // Measured paces already include the workers' sharing of the cores; calibrated ones do not.
    return makespan(left, this.jobs, this.threads, ratios.length ? Number.POSITIVE_INFINITY : cpuCount());
  }

  private line(text: string): void {
    this.io.err(`${this.io.isTTY ? '\r\x1b[K' : ''}${text}\n`);
  }

  private status(detail: string): void {
    const now = Date.now();
    const text = `sweep: ${this.done}/${this.total} done, ${this.running.size} running, ${formatSeconds((now - this.t0) / 1000)} elapsed, ${formatSeconds(this.remaining(now))} left${detail ? ` | ${detail}` : ''}`;
    if (this.io.isTTY) this.io.err(`\r\x1b[K${text.slice(0, 160)}`);
    else if (now - this.lastLine > 5000 || (this.done === this.total && !detail)) {
      this.io.err(`${text}\n`);
      this.lastLine = now;
    }
  }

  finish(): void {
    if (this.io.isTTY) this.io.err('\n');
  }
}

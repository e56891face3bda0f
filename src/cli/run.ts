// genlab run PRESET: plans a figure or table's runs, skips complete ones, resumes partial ones, fits the rest in parallel.
import { cpus } from 'node:os';
import { InputError } from '../engine/index.js';
import {
  loadPreset,
  parseOverrides,
  planPreset,
  presetNames,
  SCALES,
  type PlannedRun,
  type Preset,
  type ScaleName,
} from '../experiments/preset.js';
import { mergeConfig, type PartialConfig } from '../experiments/preset-schema.js';
import { runSweep, storedSummary, type SweepEvent, type SweepRun } from '../experiments/sweep.js';
import { applyRunFlags } from './fit-flags.js';
import { RunStore } from '../experiments/store.js';
import type { Command, Io } from './command.js';
import type { FlagSpec, Parsed } from './args.js';
import { formatSeconds } from './progress.js';
import { onInterrupt } from './interrupt.js';

const pct = (x: number | undefined) =>
  x !== undefined && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';

/** The plan for `run` and `report`: preset, scale, and the overrides from --dataset, --data-dir and --set. */
export function planFromFlags(
  args: Parsed,
  where: string,
): { preset: Preset; scale: ScaleName; plan: PlannedRun[]; overrides: PartialConfig } {
  const name = args.positionals[0];
  if (!name)
    throw new InputError(`${where}: expected a preset, one of ${presetNames().join(', ')}; got nothing`);
  const preset = loadPreset(name);
  const scale = args.flags.scale as ScaleName;
  const pairs = [...((args.flags.set as string[] | undefined) ?? [])];
  if (args.flags.dataset) pairs.push(`dataset.name=${String(args.flags.dataset)}`);
  if (args.flags['data-dir']) pairs.push(`dataset.dataDir=${String(args.flags['data-dir'])}`);
  const overrides = mergeConfig<PartialConfig>({}, parseOverrides(pairs, where));
  return { preset, scale, plan: planPreset(preset, scale, overrides), overrides };
}

/** One status line for the sweep (done, running, ETA) and one line per run as it starts and ends. */
class SweepDisplay {
  private t0 = Date.now();
  private done = 0;
  private running = new Set<number>();
  private ran: number[] = []; // seconds per finished (not skipped) run
  private lastLine = 0;

  constructor(
    private io: Io,
    private total: number,
    private jobs: number,
  ) {}

  event(e: SweepEvent): void {
    const tag = `[${e.index + 1}/${this.total}] ${e.run.label || e.run.id}`;
    if (e.type === 'skip') this.line(`${tag}: already complete (${e.run.id})`);
    if (e.type === 'start') this.running.add(e.index);
    if (e.type === 'start')
      this.line(`${tag}: ${e.resumedFrom ? `resumed after epoch ${e.resumedFrom}` : 'started'}`);
    if (e.type === 'epoch')
      this.status(`${tag}: epoch ${e.epoch} train ${pct(e.trainAcc)} test ${pct(e.testAcc)}`);
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
    if (e.type === 'skip' || e.type === 'end') this.done++;
    if (e.type !== 'epoch') this.status('');
  }

  private eta(): number {
    if (this.ran.length === 0) return NaN;
    const mean = this.ran.reduce((a, b) => a + b, 0) / this.ran.length;
    return (mean * (this.total - this.done)) / this.jobs;
  }

  private line(text: string): void {
    this.io.err(`${this.io.isTTY ? '\r\x1b[K' : ''}${text}\n`);
  }

  private status(detail: string): void {
    const now = Date.now();
    const text = `sweep: ${this.done}/${this.total} done, ${this.running.size} running, ${formatSeconds((now - this.t0) / 1000)} elapsed, eta ${formatSeconds(this.eta())}${detail ? ` | ${detail}` : ''}`;
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

/** Measured on 2 cores: two single-threaded workers fitting at once beat the same two fits one after the other with 2 threads each (4–6× on a loaded machine); so one single-threaded job per core. */
export function defaultJobs(): number {
  return Math.max(1, cpus().length);
}

export const SCALE_FLAG: FlagSpec = {
  name: 'scale',
  type: 'enum',
  choices: SCALES,
  default: 'cpu',
  help: "smoke: seconds (CI); cpu: hours at most on 2 cores; mid: the conv rows on 10,000 images; full: all of Fashion-MNIST with the paper's models; paper: the paper's settings on CIFAR-10 (GPU)",
};
export const OVERRIDE_FLAGS: FlagSpec[] = [
  {
    name: 'dataset',
    type: 'string',
    placeholder: 'D',
    help: "override every run's data set (same as --set dataset.name=D)",
  },
  {
    name: 'data-dir',
    type: 'string',
    placeholder: 'DIR',
    help: 'directory of the data set files (same as --set dataset.dataDir=DIR)',
  },
  {
    name: 'set',
    type: 'string',
    repeat: true,
    placeholder: 'KEY=VALUE',
    help: 'override a config field in every run, e.g. train.epochs=20 (repeatable; checked against the schema)',
  },
];

function summaryJson(preset: Preset, scale: ScaleName, results: SweepRun[]): string {
  const runs = results.map((r) => ({
    id: r.run.id,
    label: r.run.label,
    outcome: r.outcome,
    summary: r.summary,
    error: r.error,
  }));
  return JSON.stringify({ preset: preset.name, scale, runs });
}

export const runCommand: Command = {
  name: 'run',
  summary:
    "run a preset's sweep (a figure or table of the paper): parallel, resumable, each run computed once",
  usage: 'PRESET [--scale smoke|cpu|mid|full|paper] [--jobs N] [--set key=value …] [--out DIR] [--json]',
  description: `
Plans every run of a preset (src/experiments/presets/PRESET.json) at a scale, skips the runs already
complete in the run store (runs are content-addressed: the same config is the same run, shared between
presets), resumes partial ones from their last epoch checkpoint, and fits the rest in up to --jobs worker
processes. Killed and restarted, a sweep loses nothing and repeats nothing. Then: genlab report PRESET.

Presets: ${presetNames().join(', ')}.

Examples:
  genlab run fig1a --scale smoke                    # seconds: the CI check
  genlab run fig1b --scale cpu --jobs 2             # Figure 1b/1c on Fashion-MNIST (fig1c reuses these runs)
  genlab run table1 --set train.epochs=50 --set dataset.trainSize=500
  genlab run fig1a --scale paper --dataset cifar10 --data-dir ~/data/cifar-10-batches-bin --device cuda`,
  flags: [
    SCALE_FLAG,
    ...OVERRIDE_FLAGS,
    {
      name: 'jobs',
      type: 'int',
      min: 1,
      placeholder: 'N',
      help: `runs at a time, each in its own worker process; 1 fits in this process (default: one per core, ${defaultJobs()} here; 1 at smoke scale or on a GPU)`,
    },
    {
      name: 'threads',
      type: 'int',
      min: 1,
      default: 1,
      placeholder: 'T',
      help: 'CPU threads per worker, for libtorch and OpenBLAS alike',
    },
    {
      name: 'device',
      type: 'string',
      default: 'cpu',
      placeholder: 'cpu|cuda|cuda:N',
      help: 'where the workers compute',
    },
    { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
    { name: 'dry-run', type: 'bool', help: 'print the plan (run ids, which are complete) and exit' },
  ],
  async run(args, io) {
    const { preset, scale, plan } = planFromFlags(args, 'genlab run');
    const device = applyRunFlags(args, 'genlab run'); // --threads applies here too when --jobs 1 fits in this process
    const store = new RunStore(args.flags.out as string);
    // Smoke runs take less than a worker's start-up (engine and data set loading): fit them in this process.
    const jobs =
      (args.flags.jobs as number | undefined) ?? (device === 'cpu' && scale !== 'smoke' ? defaultJobs() : 1);
    const interrupt = onInterrupt(
      io,
      "workers stop after their current epoch's checkpoint; run the same command to continue",
    );
    try {
      if (!args.flags.json)
        io.err(
          `${preset.name} at scale ${scale}: ${plan.length} runs, ${jobs} at a time. ${preset.scales[scale].description}\n`,
        );
      const display = new SweepDisplay(io, plan.length, jobs);
      if (args.flags['dry-run']) {
        for (const r of plan)
          io.out(`${storedSummary(store, r.id) ? 'complete' : 'to run  '}  ${r.id}  ${r.label}\n`);
        return 0;
      }
      const results = await runSweep(plan, {
        store,
        jobs,
        device,
        threads: args.flags.threads as number,
        onEvent: (e) => display.event(e),
        shouldStop: interrupt.stopped,
      });
      display.finish();
      if (args.flags.json) io.out(summaryJson(preset, scale, results) + '\n');
      const bad = results.find((r) => r.badInput);
      if (bad)
        throw new InputError(`genlab run: ${bad.run.label || bad.run.id}: ${bad.error ?? 'bad input'}`);
      const failed = results.filter(
        (r) => r.outcome === 'failed' || r.outcome === 'interrupted' || r.outcome === 'not run',
      );
      if (!args.flags.json)
        io.err(
          failed.length
            ? `${failed.length} of ${plan.length} runs not complete; run the same command again to continue\n`
            : `all ${plan.length} runs complete; next: genlab report ${preset.name} --scale ${scale}${args.flags.out !== 'runs' ? ` --out ${String(args.flags.out)}` : ''}\n`,
        );
      return interrupt.stopped() ? 130 : failed.length ? 1 : 0;
    } finally {
      interrupt.release();
      store.close();
    }
  },
};

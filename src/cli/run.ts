// genlab run PRESET: plans a figure or table's runs, skips complete ones, resumes partial ones, fits the rest in parallel.
import { InputError, cpuCount } from '../engine/index.js';
import {
  loadPreset,
  MAX_SEEDS,
  parseOverrides,
  planPreset,
  presetNames,
  presetScale,
  SCALES,
  type PlannedRun,
  type Preset,
  type ScaleName,
} from '../presets/preset.js';
import { mergeConfig, type PartialConfig } from '../config/config.js';
import { cpuUse, storedSummary, type CpuUse, type SweepEvent, type SweepRun } from '../sweep/sweep.js';
import { SweepDisplay } from './sweep-display.js';
import { configFlag, configFromFlags, runDevice } from './fit-flags.js';
import { RunStore } from '../store/store.js';
import type { Command, Io } from './command.js';
import type { FlagSpec, Parsed } from './args.js';
import { formatSeconds } from './progress.js';
import { calibrate, estimatePlan, ThroughputCache, type PlanEstimate } from '../sweep/estimate.js';
import { QUEUE_FLAG } from './worker.js';
import { defaultJobs, startSweep } from './sweep-session.js';
import { runTheoryPreset } from './run-theory.js';
import { isTheoryPreset, loadAnyPreset, type TheoryPreset } from '../presets/theory-preset.js';
import { threadsFlag } from './threads.js';

/** The preset named by the first positional when it is a theory preset (its runs are kernel, min-norm … runs). */
export function theoryPresetOf(args: Parsed): TheoryPreset | null {
  const name = args.positionals[0];
  if (name === undefined || !presetNames().includes(name)) return null;
  const p = loadAnyPreset(name);
  return isTheoryPreset(p) ? p : null;
}

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
  const overrides = mergeConfig<PartialConfig>(
    parseOverrides((args.flags.set as string[] | undefined) ?? [], where),
    configFromFlags(args, OVERRIDE_FLAGS),
  );
  const seeds = args.flags.seeds as number | undefined;
  return { preset, scale, plan: planPreset(preset, scale, overrides, seeds), overrides };
}

/** `--seeds N`: every run of the plan repeated with N seeds (replicate 0 keeps the preset's seeds and run ids). */
export const SEEDS_FLAG: FlagSpec = {
  name: 'seeds',
  type: 'int',
  min: 1,
  max: MAX_SEEDS,
  placeholder: 'N',
  help: "repeat every run with N seeds (+ 0 … N−1; the first is the run without --seeds). A fit's initialization, example order and randomization's draw move together (train.seed and randomization.seed); a theory run's seed moves its subsets, label noise and features: a new sample each seed. Reports give each cell's mean and spread over its seeds. Default: the scale's (genlab run PRESET --dry-run shows the plan)",
};

/** One single-threaded worker per core: separate processes share no thread pool, so no thread waits on another's (docs/measurements.md). */
export const SCALE_FLAG: FlagSpec = {
  name: 'scale',
  type: 'enum',
  choices: SCALES,
  default: 'cpu',
  help: "smoke: seconds (CI); cpu: a laptop's CPU, hours at most; mid: the conv rows on 10,000 images; full: all of Fashion-MNIST with the paper's models; paper: the paper's settings on CIFAR-10 (GPU)",
};
export const OVERRIDE_FLAGS: FlagSpec[] = [
  configFlag('dataset.name', {
    help: "override every run's data set (same as --set dataset.name=D)",
    noDefault: true,
  }),
  configFlag('dataset.dataDir', {
    help: 'directory of the data set files (same as --set dataset.dataDir=DIR)',
  }),
  {
    name: 'set',
    type: 'string',
    repeat: true,
    placeholder: 'KEY=VALUE',
    help: 'override a config field in every run, e.g. train.epochs=20 (repeatable; checked against the schema)',
  },
];

/** The dry run's plan: one line per run with its estimate, then the total for --jobs. */
function printPlan(io: Io, plan: PlannedRun[], est: PlanEstimate, jobs: number): void {
  plan.forEach((r, i) => {
    const e = est.runs[i];
    const time = e.complete ? 'complete' : `≤ ${formatSeconds(e.estimatedSeconds)}`;
    io.out(`${time.padEnd(11)}  ${r.id}  ${r.label}\n`);
  });
  const left = est.runs.filter((r) => !r.complete).length;
  io.out(
    `${left} of ${plan.length} runs to make: at most ${formatSeconds(est.totalSeconds)} with --jobs ${jobs} (each run's epoch budget; runs that fit stop sooner)\n`,
  );
}

function summaryJson(preset: Preset, scale: ScaleName, results: SweepRun[], use: CpuUse): string {
  const runs = results.map((r) => ({
    id: r.run.id,
    label: r.run.label,
    outcome: r.outcome,
    summary: r.summary,
    error: r.error,
    cpuSeconds: r.cpuSeconds ?? null,
  }));
  const { wallSeconds, cpuSeconds, utilization } = use;
  return JSON.stringify({
    preset: preset.name,
    scale,
    runs,
    wallSeconds,
    cpuSeconds,
    cpuUtilization: utilization,
  });
}

/** "in 12 min 51 s, CPU utilization 0.93 (1,432 CPU-seconds on 2 cores)", or the time alone where nothing ran here. */
function useLine(u: CpuUse): string {
  const wall = `in ${formatSeconds(u.wallSeconds)}`;
  if (u.utilization === null) return wall;
  const cpu = Math.round(u.cpuSeconds).toLocaleString('en-US');
  return `${wall}, CPU utilization ${u.utilization.toFixed(2)} (${cpu} CPU-seconds on ${u.cores} cores)`;
}

export const runCommand: Command = {
  name: 'run',
  summary:
    "run a preset's sweep (a figure or table of the paper): parallel, resumable, each run computed once",
  usage:
    'PRESET [--scale smoke|cpu|mid|full|paper] [--jobs N | --queue URL] [--set key=value …] [--out DIR] [--json]',
  description: `
Plans every run of a preset (src/presets/PRESET.json) at a scale, skips the runs already
complete in the run store (runs are content-addressed: the same config is the same run, shared between
presets), resumes partial ones from their last epoch checkpoint, and fits the rest in up to --jobs worker
processes. Killed and restarted, a sweep loses nothing and repeats nothing. Then: genlab report PRESET.

With --queue (or GENLAB_QUEUE) the runs go to a BullMQ queue on Redis instead, for \`genlab worker\` on any
number of machines; this command follows them and collects each finished run into --out. Killed and started
again, it re-attaches to the runs already queued.

Presets: ${presetNames().join(', ')}.

Examples:
  genlab run fig1a --scale smoke                    # seconds: the CI check
  genlab run fig1b --scale cpu --jobs 2             # Figure 1b/1c on Fashion-MNIST (fig1c reuses these runs)
  genlab run table1 --set train.epochs=50 --set dataset.trainSize=500
  genlab run fig1a --scale paper --dataset cifar10 --data-dir ~/data/cifar-10-batches-bin --device cuda
  genlab run fig1b --scale cpu --queue redis://lab-box:6379   # then genlab worker --queue … on each machine`,
  flags: [
    SCALE_FLAG,
    ...OVERRIDE_FLAGS,
    SEEDS_FLAG,
    {
      name: 'jobs',
      type: 'int',
      min: 1,
      placeholder: 'N',
      help: `runs at a time, each in its own worker process; 1 fits in this process (default: one per core, ${defaultJobs()} here; 1 at smoke scale or on a GPU)`,
    },
    threadsFlag(
      "CPU threads per worker, for libtorch and OpenBLAS alike; once no run waits, the runs still going take the cores of those that ended (jobs × threads in all). The last line gives the sweep's CPU utilization: its runs' CPU-seconds over wall time × cores (--json: cpuSeconds, wallSeconds, cpuUtilization)",
      1,
    ),
    {
      name: 'device',
      type: 'string',
      default: 'cpu',
      placeholder: 'cpu|cuda|cuda:N',
      help: 'where the workers compute',
    },
    QUEUE_FLAG,
    { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
    {
      name: 'dry-run',
      type: 'bool',
      help: "print the plan and exit: each run's id, whether it is complete, its estimated time (a short calibration of each model, cached in OUT/calibration.json per machine and engine build: measured again after genlab's native addon is rebuilt) and the total for --jobs; with --json: {runs:[{id,model,trainSize,estimatedSeconds,complete}],totalSeconds}",
    },
  ],
  async run(args, io) {
    const theory = theoryPresetOf(args);
    if (theory) return runTheoryPreset(theory, args, io);
    const { preset, scale, plan } = planFromFlags(args, 'genlab run');
    const device = runDevice(args, 'genlab run');
    const store = new RunStore(args.flags.out as string);
    // Smoke runs take less than a worker's start-up (engine and data set loading): fit them in this process.
    const sweep = startSweep(args, io, plan, {
      command: 'genlab run',
      device,
      smoke: scale === 'smoke',
      noun: 'runs',
    });
    const { target, jobs, threads } = sweep;
    try {
      if (!args.flags.json)
        io.err(
          `${preset.name} at scale ${scale}: ${plan.length} runs, ${sweep.where}. ${presetScale(preset, scale).description}\n`,
        );
      const cache = new ThroughputCache(store.root, (c) => calibrate(c, device));
      const estimate = (only: (id: string) => boolean) =>
        estimatePlan(
          plan.filter((r) => only(r.id)),
          {
            cache,
            device,
            threads,
            jobs,
            isComplete: (id) => storedSummary(store, id) !== null,
            onCalibrate: (key) => io.err(`calibrating ${key}…\n`),
          },
        );
      if (args.flags['dry-run']) {
        const est = estimate(() => true);
        if (args.flags.json) io.out(JSON.stringify(est) + '\n');
        else printPlan(io, plan, est, jobs);
        return 0;
      }
      // Remaining time from calibrated throughputs (smoke runs take seconds: theirs come from the epochs seen).
      const pending = (id: string) => storedSummary(store, id) === null;
      const est = scale === 'smoke' || target ? null : estimate(pending); // the queue's workers run on machines of their own
      const display = new SweepDisplay(io, plan, jobs, threads, est);
      const onEvent = (e: SweepEvent) => display.event(e);
      const t0 = performance.now();
      const results = await sweep.fit(plan, store, onEvent);
      display.finish();
      const use = cpuUse(target ? [] : results, (performance.now() - t0) / 1000, cpuCount());
      if (args.flags.json) io.out(summaryJson(preset, scale, results, use) + '\n');
      const bad = results.find((r) => r.badInput);
      if (bad)
        throw new InputError(`genlab run: ${bad.run.label || bad.run.id}: ${bad.error ?? 'bad input'}`);
      const failed = results.filter(
        (r) => r.outcome === 'failed' || r.outcome === 'interrupted' || r.outcome === 'not run',
      );
      if (!args.flags.json)
        io.err(
          failed.length
            ? `${failed.length} of ${plan.length} runs not complete (${useLine(use)}); run the same command again to continue\n`
            : `all ${plan.length} runs complete ${useLine(use)}; next: genlab report ${preset.name} --scale ${scale}${args.flags.out !== 'runs' ? ` --out ${String(args.flags.out)}` : ''}\n`,
        );
      return sweep.interrupt.stopped() ? sweep.interrupt.exitCode() : failed.length ? 1 : 0;
    } finally {
      sweep.interrupt.release();
      store.close();
    }
  },
};

// genlab memorization: K models on random subsets of one training set, and each example's memorization score.
import path from 'node:path';
import { InputError } from '../engine/index.js';
import { getPath, mergeConfig, type PartialConfig } from '../config/config.js';
import { memorizationScores, mostMemorized } from '../experiments/memorization.js';
import { withRunTrainingSet } from '../experiments/examples.js';
import { loadPreset, MAX_RANGE, parseOverrides, presetScales, type ScaleName } from '../presets/preset.js';
import { planMemorization } from '../presets/memorization.js';
import { RunStore } from '../store/store.js';
import type { SweepEvent } from '../sweep/sweep.js';
import { QUEUE_FLAG } from './worker.js';
import { defaultJobs, startSweep } from './sweep-session.js';
import { markdownTable } from '../report/table.js';
import {
  detectorTable,
  memorizationTable,
  memorizedGrid,
  writeMemorizationReport,
} from '../report/memorization.js';
import type { Command } from './command.js';
import { configFlag, configFromFlags, runDevice } from './fit-flags.js';
import { OVERRIDE_FLAGS } from './run.js';
import { SweepDisplay } from './sweep-display.js';
import { threadsFlag } from './threads.js';
import { checkWritableDir } from '../store/files.js';

// The scales, their K models and the fraction each trains on are presets/memorization.json's.
const PRESET = loadPreset('memorization');
const SCALES = presetScales(PRESET);

const LABELS_FLAG = configFlag('randomization.labels', {
  help: "label randomization of the shared training set (default: the scale's corrupted labels)",
  noDefault: true,
});

export const memorizationCommand: Command = {
  name: 'memorization',
  summary: "memorization scores (Feldman & Zhang 2020): K models on random subsets, each example's score",
  usage: '[--scale smoke|cpu] [--k K] [--subset X] [--labels L] [--jobs N] [--out DIR] [--json]',
  description: `
Trains K models, each on a random fraction (--subset, default 70%) of one training set, through the
sweep engine: each model is a stored run (train.fraction with train.seed = 0…K−1, which draws both its
subset and its initial weights), so --jobs fits them in parallel and an interrupted command resumes,
reusing the models already fitted. Then estimates for every training example
  mem(i) = P[correct on i | i trained on] − P[correct on i | i held out]
over the models' last epochs, with its standard error, and reports a histogram of the scores, the most
memorized images and, with corrupted labels, the ROC AUC of the score as a detector of corrupted labels,
beside Feldman & Zhang's claim that the most memorized examples are atypical or mislabeled, and beside a
baseline from the same models: held-out self-confidence (the mean probability the models that held an
example out give its label, as cleanlab scores label errors), with its ROC AUC.

The models are the memorization preset's (src/presets/memorization.json): \`genlab run memorization\` fits
the same runs and \`genlab report memorization\` reports the same scores. Scales:
${SCALES.map((s) => `  ${s}: ${PRESET.scales[s]?.description}`).join('\n')}

Examples:
  genlab memorization --scale smoke --json | jq .auc
  genlab memorization --scale cpu --jobs 2
  genlab memorization --scale cpu --queue redis://lab-box:6379   # the models fitted by genlab worker anywhere
  genlab memorization --scale cpu --k 50 --labels corrupted:0.4`,
  flags: [
    {
      name: 'scale',
      type: 'enum',
      choices: SCALES,
      default: 'cpu',
      help: 'smoke: seconds (CI); cpu: MLP 1×512 on 2,000 examples, about an hour on 2 cores',
    },
    {
      name: 'k',
      type: 'int',
      min: 2,
      max: MAX_RANGE,
      placeholder: 'K',
      help: "models: train.seed = 0…K−1 (default: the scale's)",
    },
    {
      name: 'subset',
      type: 'number',
      placeholder: 'X',
      help: `fraction of the training set each model trains on (default: the preset's ${String(getPath(PRESET.base, 'train.fraction'))}, Feldman & Zhang's)`,
      check: (v, where) => configFlag('train.fraction').check!(v, where),
    },
    LABELS_FLAG,
    QUEUE_FLAG,
    ...OVERRIDE_FLAGS,
    {
      name: 'jobs',
      type: 'int',
      min: 1,
      placeholder: 'N',
      help: `models at a time, each in its own worker process; 1 fits in this process (default: one per core, ${defaultJobs()} here; 1 at smoke scale)`,
    },
    threadsFlag('CPU threads per worker', 1),
    {
      name: 'device',
      type: 'string',
      default: 'cpu',
      placeholder: 'cpu|cuda|cuda:N',
      help: 'where to compute',
    },
    { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
    {
      name: 'report-dir',
      type: 'string',
      placeholder: 'DIR',
      help: 'where the report goes (default: OUT/reports/memorization-SCALE)',
    },
    { name: 'top', type: 'int', default: 30, min: 1, max: 200, placeholder: 'N', help: 'images in the grid' },
  ],
  async run(args, io) {
    if (args.positionals.length)
      throw new InputError(
        `genlab memorization: expected no positional argument, got "${args.positionals[0]}"`,
      );
    const scale = args.flags.scale as ScaleName;
    const overrides = mergeConfig<PartialConfig>(
      parseOverrides((args.flags.set as string[] | undefined) ?? [], 'genlab memorization'),
      configFromFlags(args, [...OVERRIDE_FLAGS, LABELS_FLAG]),
    );
    const plan = planMemorization({
      scale,
      k: args.flags.k as number | undefined,
      fraction: args.flags.subset as number | undefined,
      overrides,
    });
    const device = runDevice(args, 'genlab memorization');
    const dir =
      (args.flags['report-dir'] as string | undefined) ??
      path.join(path.resolve(args.flags.out as string), 'reports', `memorization-${scale}`);
    checkWritableDir(dir, 'genlab memorization: --report-dir'); // before the models are trained, not after
    const store = new RunStore(args.flags.out as string);
    const sweep = startSweep(args, io, plan, {
      command: 'genlab memorization',
      device,
      smoke: scale === 'smoke',
      noun: 'models',
    });
    try {
      if (!args.flags.json) io.err(`memorization at scale ${scale}: ${plan.length} models, ${sweep.where}\n`);
      const display = args.flags.json ? null : new SweepDisplay(io, plan, sweep.jobs, sweep.threads, null);
      const results = await sweep.fit(plan, store, (e: SweepEvent) => display?.event(e));
      display?.finish();
      const bad = results.find((r) => r.badInput);
      if (bad) throw new InputError(`genlab memorization: ${bad.run.label}: ${bad.error ?? 'bad input'}`);
      const left = results.filter((r) => r.outcome !== 'complete' && r.outcome !== 'skipped');
      if (left.length) {
        io.err(
          `${left.length} of ${plan.length} models not fitted; run the same command again to continue\n`,
        );
        return sweep.interrupt.stopped() ? sweep.interrupt.exitCode() : 1;
      }
      const m = memorizationScores(store, plan);
      const top = mostMemorized(m, args.flags.top as number);
      const grid = withRunTrainingSet(store.run(plan[0].id), (train) => memorizedGrid(train.images, top));
      const command = ['genlab memorization', ...process.argv.slice(3)].join(' ');
      const files = await writeMemorizationReport(dir, m, top, grid, command);
      if (args.flags.json) io.out(JSON.stringify({ scale, ...m, mostMemorized: top, files }) + '\n');
      else
        io.out(
          `${markdownTable(memorizationTable(m))}\n${markdownTable(detectorTable(m))}\nreport: ${files.markdown}\nhistogram: ${files.histogram.png}\n`,
        );
      return 0;
    } finally {
      sweep.interrupt.release();
      store.close();
    }
  },
};

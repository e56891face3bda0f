// genlab demo: the main job — Figure 1a on Fashion-MNIST in minutes: a standard MLP fits true labels,
// random labels, shuffled pixels, random pixels and Gaussian noise perfectly.
import path from 'node:path';
import { fit, type FitSummary } from '../experiments/fit.js';
import { RunStore } from '../store/store.js';
import {
  loadPreset,
  parseOverrides,
  planPreset,
  type PlannedRun,
  type ScaleName,
} from '../presets/preset.js';
import { mergeConfig, type PartialConfig } from '../config/config.js';
import { disposeDataset, type LoadedDataset } from '../data/index.js';
import { writeFig1a } from '../report/fig1a.js';
import { markdownTable } from '../report/table.js';
import type { Command } from './command.js';
import type { FlagSpec, Parsed } from './args.js';
import { RUN_FLAGS, configFlag, configFromFlags, runDevice } from './fit-flags.js';
import { OVERRIDE_FLAGS, SCALE_FLAG } from './run.js';
import { Progress } from './progress.js';

const atScale = (what: string) => `${what} (default: fig1a's at --scale)`;

/** The demo's flags: each a shortcut for a fig1a override (--train-size N is --set dataset.trainSize=N). */
const DEMO_FLAGS: FlagSpec[] = [
  { ...SCALE_FLAG, help: "fig1a's scale: smoke (seconds), cpu (minutes on a CPU), paper (GPU)" },
  configFlag('dataset.trainSize', { help: atScale('training examples per run') }),
  configFlag('dataset.testSize', { help: atScale('test examples') }),
  configFlag('model.name', { help: atScale('architecture, see genlab models'), noDefault: true }),
  configFlag('train.epochs', { help: atScale('give up on a run after E epochs'), noDefault: true }),
  configFlag('dataset.name', { noDefault: true }),
  configFlag('dataset.dataDir'),
  OVERRIDE_FLAGS.find((f) => f.name === 'set') as FlagSpec,
];

/** The demo's runs: the fig1a preset at a scale with one seed (genlab run fig1a adds the scale's other seeds), the demo's flags and --set as overrides. */
export function demoPlan(args: Parsed): { plan: PlannedRun[]; overrides: PartialConfig } {
  const overrides = mergeConfig<PartialConfig>(
    parseOverrides((args.flags.set as string[] | undefined) ?? [], 'genlab demo'),
    configFromFlags(args, DEMO_FLAGS),
  );
  return { plan: planPreset(loadPreset('fig1a'), args.flags.scale as ScaleName, overrides, 1), overrides };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the main job: Figure 1a — a standard network fits random labels and random pixels perfectly',
  usage: '[--scale smoke|cpu|paper] [--train-size N] [--model M] [--set key=value …] [--out DIR] [--json]',
  description: `
Runs the fig1a preset (genlab run fig1a) at --scale with one seed in this process and reports it
(genlab run fig1a adds the scale's other seeds and their spread). At the cpu scale:
the randomization test of Figure 1a on a Fashion-MNIST subset with MLP 1×512: true labels,
random labels, shuffled pixels, random pixels and Gaussian inputs, each trained with the paper's SGD
settings until it fits 100% of its training set. Writes the loss-vs-steps figure (PNG, SVG) and a
summary table (Markdown, HTML) and prints the table. Runs are kept in the run store: running the demo
again reuses finished runs and resumes interrupted ones.`,
  flags: [
    ...DEMO_FLAGS,
    {
      name: 'out',
      type: 'string',
      default: 'runs',
      placeholder: 'DIR',
      help: 'run store directory; the report goes to DIR/reports/demo',
    },
    ...RUN_FLAGS.filter((f) => f.name !== 'out'),
  ],
  async run(args, io) {
    const { plan } = demoPlan(args);
    const device = runDevice(args, 'genlab demo');
    const f = args.flags;
    const store = new RunStore(f.out as string);
    const cache = new Map<string, LoadedDataset>();
    const summaries: FitSummary[] = [];
    const t0 = Date.now();
    try {
      for (const [i, run] of plan.entries()) {
        const config = run.config;
        const label = `${i + 1}/${plan.length} ${run.variant}`;
        let bar: Progress | undefined;
        let epoch = 0;
        const out = await fit(config, {
          store,
          device,
          threads: f.threads as number | undefined,
          onNotice: (line) => io.err(`genlab demo: ${line}\n`),
          datasetCache: cache,
          onStart: (s) => {
            bar = new Progress(io, label.padEnd(42), s.totalEpochs);
            epoch = s.resumedFrom;
          },
          onStep: (step, loss) => bar?.update(epoch, `step ${step} loss ${loss.toFixed(3)}`),
          onEpoch: (r) => {
            epoch = r.epoch;
            bar?.update(epoch, `train ${(r.trainAcc * 100).toFixed(1)}%`);
          },
        });
        const s = out.summary;
        bar?.done(
          `fitted ${s.stepsToFit !== null ? `at step ${s.stepsToFit}` : 'never'}, train ${(s.trainAcc * 100).toFixed(1)}%`,
        );
        if (out.alreadyComplete && !f.json) io.err(`${label}: already in the run store (${s.run})\n`);
        summaries.push(s);
      }
    } finally {
      for (const ds of cache.values()) disposeDataset(ds);
      store.close();
    }
    const dir = path.join(store.root, 'reports', 'demo');
    const c = plan[0].config;
    const size = c.dataset.trainSize === null ? 'all' : String(c.dataset.trainSize);
    const title = `Figure 1a on ${c.dataset.name} (${size} examples, ${c.model.name})`;
    const { files, table } = await writeFig1a(dir, summaries, title);
    if (f.json) {
      io.out(JSON.stringify({ runs: summaries, files, seconds: (Date.now() - t0) / 1000 }) + '\n');
    } else {
      io.out(`\n${markdownTable(table)}\n`);
      io.out(
        `figure: ${files.png}\n        ${files.svg}\ntable:  ${files.markdown}\n        ${files.html}\n`,
      );
    }
    return summaries.every((s) => s.stepsToFit !== null) ? 0 : 1;
  },
};

// genlab demo: the main job — Figure 1a on Fashion-MNIST in minutes: a standard MLP fits true labels,
// random labels, shuffled pixels, random pixels and Gaussian noise perfectly.
import path from 'node:path';
import { fit, type FitSummary } from '../experiments/fit.js';
import { RunStore } from '../experiments/store.js';
import type { FitConfig } from '../experiments/config.js';
import { disposeDataset, type LoadedDataset } from '../data/index.js';
import { DEFAULT_RANDOMIZATION } from '../randomize/index.js';
import { defaultEvalBatchSize, paperLearningRate } from '../models/index.js';
import { TRAIN_DEFAULTS } from '../train/index.js';
import { writeFig1a } from '../report/fig1a.js';
import { markdownTable } from '../report/table.js';
import type { Command } from './command.js';
import { applyRunFlags } from './fit-flags.js';
import { Progress } from './progress.js';

/** Figure 1a's five variants. */
export const FIG1A_VARIANTS: { labels: string; inputs: FitConfig['randomization']['inputs'] }[] = [
  { labels: 'true', inputs: 'true' },
  { labels: 'random', inputs: 'true' },
  { labels: 'true', inputs: 'shuffled-pixels' },
  { labels: 'true', inputs: 'random-pixels' },
  { labels: 'true', inputs: 'gaussian' },
];

export function demoConfig(
  model: string,
  dataset: string,
  dataDir: string | null,
  trainSize: number,
  testSize: number,
  v: (typeof FIG1A_VARIANTS)[number],
  epochs: number,
): FitConfig {
  return {
    dataset: { name: dataset, dataDir, trainSize, testSize, subsetSeed: 0, stratified: false },
    randomization: { ...DEFAULT_RANDOMIZATION, labels: v.labels, inputs: v.inputs },
    model: { name: model, dropout: 0, bnParams: 'shift', lrnPlacement: 'after-pool' },
    train: {
      ...TRAIN_DEFAULTS,
      lr: paperLearningRate(model),
      evalBatchSize: defaultEvalBatchSize(model),
      epochs,
    },
  };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the main job: Figure 1a — a standard network fits random labels and random pixels perfectly',
  usage: '[--train-size N] [--model M] [--out DIR] [--json]',
  description: `
Reproduces the randomization test of Figure 1a on a Fashion-MNIST subset with MLP 1×512: true labels,
random labels, shuffled pixels, random pixels and Gaussian inputs, each trained with the paper's SGD
settings until it fits 100% of its training set. Writes the loss-vs-steps figure (PNG, SVG) and a
summary table (Markdown, HTML) and prints the table. Runs are kept in the run store: running the demo
again reuses finished runs and resumes interrupted ones.`,
  flags: [
    {
      name: 'train-size',
      type: 'int',
      min: 10,
      default: 2000,
      placeholder: 'N',
      help: 'training examples per run',
    },
    { name: 'test-size', type: 'int', min: 10, default: 2000, placeholder: 'N', help: 'test examples' },
    {
      name: 'model',
      type: 'string',
      default: 'mlp-1x512',
      placeholder: 'M',
      help: 'architecture (see genlab models)',
    },
    {
      name: 'epochs',
      type: 'int',
      min: 1,
      default: 300,
      placeholder: 'E',
      help: 'give up on a run after E epochs',
    },
    { name: 'dataset', type: 'string', default: 'fashion-mnist', placeholder: 'D', help: 'data set' },
    { name: 'data-dir', type: 'string', placeholder: 'DIR', help: 'directory of the data set files' },
    {
      name: 'out',
      type: 'string',
      default: 'runs',
      placeholder: 'DIR',
      help: 'run store directory; the report goes to DIR/reports/demo',
    },
    { name: 'device', type: 'string', default: 'cpu', placeholder: 'cpu|cuda', help: 'where to compute' },
    {
      name: 'threads',
      type: 'int',
      min: 1,
      placeholder: 'T',
      help: 'CPU threads for libtorch and OpenBLAS alike (default: every CPU that other programs leave idle; see the README)',
    },
  ],
  async run(args, io) {
    const device = applyRunFlags(args, 'genlab demo');
    const f = args.flags;
    const store = new RunStore(f.out as string);
    const cache = new Map<string, LoadedDataset>();
    const summaries: FitSummary[] = [];
    const t0 = Date.now();
    try {
      for (const [i, v] of FIG1A_VARIANTS.entries()) {
        const config = demoConfig(
          f.model as string,
          f.dataset as string,
          (f['data-dir'] as string) ?? null,
          f['train-size'] as number,
          f['test-size'] as number,
          v,
          f.epochs as number,
        );
        const label = `${i + 1}/${FIG1A_VARIANTS.length} labels=${v.labels} inputs=${v.inputs}`;
        let bar: Progress | undefined;
        let epoch = 0;
        const out = await fit(config, {
          store,
          device,
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
    const title = `Figure 1a on ${f.dataset} (${f['train-size']} examples, ${f.model})`;
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

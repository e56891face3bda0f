// The Rademacher experiment: the empirical Rademacher complexity of a model class on a sample, by fitting random ±1 labels.
import { z } from 'zod';
import { disposeFlat, loadFlat } from '../../theory/data.js';
import { RADEMACHER_MODELS, estimateRademacher, type RademacherEstimate } from '../../theory/rademacher.js';
import { field } from '../../config/schema.js';
import { sampleOptions, seedOption } from './common.js';
import { defineExperiment, type OnProgress } from './experiment.js';

export const RADEMACHER_OPTIONS = z.strictObject({
  dataset: sampleOptions({ trainSize: 200, minTrain: 2, trainHelp: 'sample size n' }),
  model: field(z.enum(RADEMACHER_MODELS).default('mlp'), {
    flag: 'model',
    help: 'mlp: 784-H-1 ReLU net by SGD; kernel: Gaussian kernel machine (exact when --ridge 0)',
  }),
  draws: field(z.int().min(1).default(5), { flag: 'draws', placeholder: 'K', help: 'random labellings σ' }),
  hidden: field(z.int().min(1).default(512), { flag: 'hidden', placeholder: 'H', help: 'mlp: hidden units' }),
  epochs: field(z.int().min(1).default(100), { flag: 'epochs', placeholder: 'E', help: 'mlp: SGD epochs' }),
  lr: field(z.number().positive().default(0.01), {
    flag: 'lr',
    placeholder: 'LR',
    help: 'mlp: learning rate (momentum 0.9, batch 32)',
  }),
  gamma: field(z.number().positive().default(0.02), {
    flag: 'gamma',
    placeholder: 'X',
    help: 'kernel: exp(−γ‖x − x′‖²) on pixels / 255',
  }),
  ridge: field(z.number().min(0).default(0), {
    flag: 'ridge',
    placeholder: 'λ',
    help: 'kernel: ridge (a smaller class: the estimate drops below 1)',
  }),
  seed: seedOption('seed of the sample, the signs and the weights'),
});
export type RademacherOptions = z.output<typeof RADEMACHER_OPTIONS>;
export type RademacherResult = RademacherEstimate & {
  dataset: string;
  model: string;
  n: number;
  seconds: number;
};

async function run(o: RademacherOptions, onProgress?: OnProgress): Promise<RademacherResult> {
  const t0 = performance.now();
  const data = loadFlat({
    dataset: o.dataset.name,
    dataDir: o.dataset.dataDir ?? undefined,
    trainSize: o.dataset.trainSize ?? undefined,
    testSize: 1,
    subsetSeed: o.seed,
  });
  try {
    const { model, draws, seed, hidden, epochs, lr, gamma, ridge } = o;
    const r = estimateRademacher(data.xTrain, { model, draws, seed, hidden, epochs, lr, gamma, ridge }, (k) =>
      onProgress?.('draws', k, draws),
    );
    return {
      dataset: data.name,
      model,
      n: data.xTrain.size(0),
      ...r,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    disposeFlat(data);
  }
}

export const rademacherExperiment = defineExperiment({
  name: 'rademacher',
  summary: 'empirical Rademacher complexity: how well a model fits random ±1 labels (1.0: any labelling)',
  options: RADEMACHER_OPTIONS,
  idParts: (o) => [
    o.model === 'mlp' ? `mlp-${o.hidden}` : `kernel-ridge${o.ridge}`,
    `${o.dataset.name}-${o.dataset.trainSize ?? 'all'}`,
    `draws${o.draws}`,
  ],
  index: (o) => ({
    model: o.model === 'mlp' ? `mlp-1x${o.hidden}` : 'kernel-gaussian',
    dataset: o.dataset.name,
    labels: 'rademacher',
    inputs: 'true',
  }),
  scores: (_r: RademacherResult) => ({}),
  headline: (r) => `estimate ${r.estimate.toFixed(4)} ± ${r.stderr.toFixed(4)} (${r.draws} draws)`,
  run,
});

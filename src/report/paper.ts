// The paper's headline numbers as typed data, transcribed from ../shared/PAPER.md (Zhang et al. 2017).

/** genlab's model names for the paper's architectures (PAPER.md §3). */
export type PaperModel =
  'inception-small' | 'inception-small-nobn' | 'alexnet-small' | 'mlp-3x512' | 'mlp-1x512';

/** How the paper prints each model's name. */
export const MODEL_LABEL: Record<PaperModel, string> = {
  'inception-small': 'Inception',
  'inception-small-nobn': 'Inception w/o BN',
  'alexnet-small': 'AlexNet',
  'mlp-3x512': 'MLP 3×512',
  'mlp-1x512': 'MLP 1×512',
};

export interface ParamCount {
  model: PaperModel;
  params: number;
  source: string;
}

// §3, Table 1's "# params" column, for a 28×28×3 input.
export const PARAM_COUNTS: readonly ParamCount[] = [
  { model: 'inception-small', params: 1_649_402, source: 'Table 1' },
  { model: 'inception-small-nobn', params: 1_649_402, source: 'Table 1' },
  { model: 'alexnet-small', params: 1_387_786, source: 'Table 1' },
  { model: 'mlp-3x512', params: 1_735_178, source: 'Table 1' },
  { model: 'mlp-1x512', params: 1_209_866, source: 'Table 1' },
];

/** Small Inception's conv weights plus the FC layer, without any per-channel vector (PAPER.md §3). */
export const INCEPTION_CONV_AND_FC_WEIGHTS = 1_647_690;

export interface Table1Row {
  model: PaperModel;
  labels: 'true' | 'random';
  crop: boolean | null; // null on the random-label rows: the paper leaves those cells blank
  weightDecay: boolean | null;
  train: number; // CIFAR-10 training accuracy, %
  test: number; // CIFAR-10 test accuracy, %
  source: string;
}

function row(model: PaperModel, crop: boolean, weightDecay: boolean, train: number, test: number): Table1Row {
  return { model, labels: 'true', crop, weightDecay, train, test, source: 'Table 1' };
}

function randomRow(model: PaperModel, train: number, test: number): Table1Row {
  return { model, labels: 'random', crop: null, weightDecay: null, train, test, source: 'Table 1' };
}

// Table 1, in the paper's order.
export const TABLE1: readonly Table1Row[] = [
  row('inception-small', true, true, 100.0, 89.05),
  row('inception-small', true, false, 100.0, 89.31),
  row('inception-small', false, true, 100.0, 86.03),
  row('inception-small', false, false, 100.0, 85.75),
  randomRow('inception-small', 100.0, 9.78),
  row('inception-small-nobn', false, true, 100.0, 83.0),
  row('inception-small-nobn', false, false, 100.0, 82.0),
  randomRow('inception-small-nobn', 100.0, 10.12),
  row('alexnet-small', true, true, 99.9, 81.22),
  row('alexnet-small', true, false, 99.82, 79.66),
  row('alexnet-small', false, true, 100.0, 77.36),
  row('alexnet-small', false, false, 100.0, 76.07),
  randomRow('alexnet-small', 99.82, 9.86),
  row('mlp-3x512', false, true, 100.0, 53.35),
  row('mlp-3x512', false, false, 100.0, 52.39),
  randomRow('mlp-3x512', 100.0, 10.48),
  row('mlp-1x512', false, true, 99.8, 50.39),
  row('mlp-1x512', false, false, 100.0, 50.51),
  randomRow('mlp-1x512', 99.34, 10.61),
];

/** The Table 1 row for a setting, or undefined where the paper has none (e.g. MLP with crop). */
export function table1Row(
  model: PaperModel,
  labels: 'true' | 'random',
  crop = false,
  weightDecay = false,
): Table1Row | undefined {
  if (labels === 'random') return TABLE1.find((r) => r.model === model && r.labels === 'random');
  return TABLE1.find(
    (r) => r.model === model && r.labels === 'true' && r.crop === crop && r.weightDecay === weightDecay,
  );
}

export interface ImageNetResult {
  setting: string;
  top1Test: number | null; // %
  top1TestEarlyStopping: number | null; // %, Table 2's parentheses
  top1Train: number | null; // %
  source: string;
}

// Table 2: ImageNet, Inception V3 (GPU scale; genlab does not run these).
export const TABLE2_IMAGENET: readonly ImageNetResult[] = [
  {
    setting: 'all regularizers',
    top1Test: 77.84,
    top1TestEarlyStopping: null,
    top1Train: null,
    source: 'Table 2',
  },
  {
    setting: 'data augmentation only',
    top1Test: 72.95,
    top1TestEarlyStopping: null,
    top1Train: null,
    source: 'Table 2',
  },
  {
    setting: 'no regularizers',
    top1Test: 59.8,
    top1TestEarlyStopping: 63.16,
    top1Train: null,
    source: 'Table 2',
  },
  {
    setting: 'random labels, no regularizers',
    top1Test: null,
    top1TestEarlyStopping: null,
    top1Train: 95.2,
    source: 'Table 2',
  },
];

export type AppendixRegularizer = 'weight decay' | 'random crop' | 'full augmentation';

export interface RandomRegularizedRow {
  model: PaperModel;
  regularizer: AppendixRegularizer;
  train: number | null; // training accuracy on random labels, %; null where it did not converge
  converged: boolean;
  source: string;
}

function fit(
  model: PaperModel,
  regularizer: AppendixRegularizer,
  train: number | null,
): RandomRegularizedRow {
  return {
    model,
    regularizer,
    train,
    converged: train !== null,
    source: 'Appendix, random labels with regularizers',
  };
}

// Appendix: random labels with explicit regularizers. AlexNet with weight decay fails to converge.
export const RANDOM_LABELS_REGULARIZED: readonly RandomRegularizedRow[] = [
  fit('inception-small', 'weight decay', 100.0),
  fit('inception-small', 'random crop', 99.93),
  fit('inception-small', 'full augmentation', 99.28),
  fit('alexnet-small', 'weight decay', null),
  fit('mlp-3x512', 'weight decay', 100.0),
  fit('mlp-1x512', 'weight decay', 99.21),
];

export interface KernelResult {
  dataset: 'MNIST' | 'CIFAR-10';
  features: string;
  regularized: boolean;
  testError: number; // %
  norm: number | null; // approximate norm of the minimum-norm solution, where the paper gives one
  source: string;
}

// §7 (the paper's Section 5): minimum-norm kernel interpolation.
export const KERNEL_RESULTS: readonly KernelResult[] = [
  {
    dataset: 'MNIST',
    features: 'Gaussian kernel on raw pixels',
    regularized: false,
    testError: 1.2,
    norm: 220,
    source: 'Section 5',
  },
  {
    dataset: 'MNIST',
    features: 'Gabor wavelet preprocessing',
    regularized: false,
    testError: 0.6,
    norm: 390,
    source: 'Section 5',
  },
  {
    dataset: 'CIFAR-10',
    features: 'Gaussian kernel on pixels',
    regularized: false,
    testError: 46,
    norm: null,
    source: 'Section 5',
  },
  {
    dataset: 'CIFAR-10',
    features: 'random convolutional features (32,000 filters)',
    regularized: false,
    testError: 17,
    norm: null,
    source: 'Section 5',
  },
  {
    dataset: 'CIFAR-10',
    features: 'random convolutional features (32,000 filters)',
    regularized: true,
    testError: 15,
    norm: null,
    source: 'Section 5',
  },
];

/** The author's MNIST demo (kernel exp(−0.02‖x − x′‖²) on pixels / 255) prints 1.22% test error. */
export const MNIST_KERNEL_DEMO = {
  gamma: 0.02,
  testError: 1.22,
  source: "Section 5, author's demo",
} as const;

// Figure 1b / 1c: the label-corruption levels and the models swept.
export const FIGURE1_CORRUPTION_LEVELS: readonly number[] = [0, 0.2, 0.4, 0.6, 0.8, 1.0];
export const FIGURE1_MODELS: readonly PaperModel[] = ['inception-small', 'alexnet-small', 'mlp-1x512'];

/** Chance-level test error for k classes, % (Figure 1c's ceiling: 90% for 10 classes). */
export function chanceError(classes = 10): number {
  return 100 * (1 - 1 / classes);
}

// §4: the paper's optimizer settings, for side-by-side config notes.
export const PAPER_OPTIMIZER = {
  momentum: 0.9,
  learningRate: {
    'inception-small': 0.1,
    'inception-small-nobn': 0.1,
    'alexnet-small': 0.01,
    'mlp-3x512': 0.01,
    'mlp-1x512': 0.01,
  } as Record<PaperModel, number>,
  decay: 0.95,
  decayEveryExamples: 50_000,
  batchSize: 128,
  source: 'Section 4',
} as const;

// The flags shared by commands that train (fit, and sweeps' overrides): data, randomization, model, optimizer.
import { DATASETS } from '../data/index.js';
import { AUGMENTATIONS } from '../data/augment.js';
import { CORRUPTIONS, GAUSSIAN_STATS, INPUT_MODES, parseRandomization } from '../randomize/index.js';
import { defaultEvalBatchSize, paperLearningRate, checkModelName, isConvNet } from '../models/index.js';
import { TRAIN_DEFAULTS } from '../train/index.js';
import { InputError, busyCpus, cpuCount, cpuSgemm, setNumThreads, parseDevice } from '../engine/index.js';
import type { FitConfig, ModelConfig } from '../experiments/config.js';
import { WEIGHT_INITS } from '../nn/index.js';
import type { FlagSpec, Parsed } from './args.js';

/** --dataset and --data-dir, as every command that reads data takes them. */
export const DATASET_FLAGS: FlagSpec[] = [
  {
    name: 'dataset',
    type: 'enum',
    choices: DATASETS,
    default: 'fashion-mnist',
    help: 'data set (fashion-mnist is installed by Debian; others need --data-dir)',
  },
  {
    name: 'data-dir',
    type: 'string',
    placeholder: 'DIR',
    help: 'directory of the data set files: IDX for MNIST-like sets, the binary version for CIFAR (default for fashion-mnist: /usr/share/datasets/fashion-mnist)',
  },
];

export const DATA_FLAGS: FlagSpec[] = [
  ...DATASET_FLAGS,
  {
    name: 'train-size',
    type: 'int',
    min: 1,
    placeholder: 'N',
    help: 'train on a seeded subset of N examples (default: all)',
  },
  {
    name: 'test-size',
    type: 'int',
    min: 1,
    placeholder: 'N',
    help: 'evaluate on a seeded subset of N test examples (default: all)',
  },
  { name: 'stratified', type: 'bool', help: "keep each class's share when drawing subsets" },
  {
    name: 'channels',
    type: 'int',
    min: 1,
    placeholder: '3',
    help: "3: a gray image in each of 3 channels, the paper's 3×28×28 input and parameter counts (default: the data set's own)",
  },
];

export const RANDOMIZE_FLAGS: FlagSpec[] = [
  {
    name: 'labels',
    type: 'string',
    default: 'true',
    placeholder: 'true|random|corrupted:P',
    help: 'label randomization (§1): true labels, random labels, or each label replaced with probability P',
  },
  {
    name: 'corruption',
    type: 'enum',
    choices: CORRUPTIONS,
    default: 'uniform',
    help: 'uniform: new class drawn from all classes (the paper); wrong-class: always another class',
  },
  {
    name: 'inputs',
    type: 'enum',
    choices: INPUT_MODES,
    default: 'true',
    help: 'input randomization: shuffled-pixels (one permutation), random-pixels (one per image), gaussian',
  },
  {
    name: 'gaussian-stats',
    type: 'enum',
    choices: GAUSSIAN_STATS,
    default: 'per-channel',
    help: 'moments the Gaussian inputs match',
  },
  {
    name: 'corrupt-test',
    type: 'bool',
    help: 'apply the label / per-image randomization to the test set too (default: clean test set; shuffled pixels always apply to both)',
  },
  {
    name: 'randomization-seed',
    type: 'int',
    min: 0,
    default: 0,
    placeholder: 'S',
    help: 'seed of the randomization, independent of --seed',
  },
];

export const TRAIN_FLAGS: FlagSpec[] = [
  {
    name: 'model',
    type: 'string',
    default: 'mlp-1x512',
    placeholder: 'M',
    help: 'mlp-1x512, mlp-3x512, mlp-DEPTHxWIDTH, alexnet-small, inception-small, inception-small-nobn',
  },
  {
    name: 'epochs',
    type: 'int',
    min: 1,
    default: TRAIN_DEFAULTS.epochs,
    placeholder: 'E',
    help: 'at most E epochs',
  },
  { name: 'max-steps', type: 'int', min: 1, placeholder: 'N', help: 'at most N SGD steps' },
  {
    name: 'lr',
    type: 'number',
    min: 0,
    placeholder: 'X',
    help: "initial learning rate (default: the paper's, 0.1 Inception, 0.01 others)",
  },
  {
    name: 'lr-decay',
    type: 'number',
    min: 0,
    max: 1,
    default: 0.95,
    placeholder: 'X',
    help: 'multiply the learning rate by X after every --lr-decay-every examples (1: constant)',
  },
  {
    name: 'lr-decay-every',
    type: 'int',
    min: 1,
    default: 50000,
    placeholder: 'N',
    help: "examples per decay step (the paper's epoch of 50,000; not the subset's epoch)",
  },
  {
    name: 'batch-size',
    type: 'int',
    min: 1,
    default: TRAIN_DEFAULTS.batchSize,
    placeholder: 'B',
    help: 'SGD batch size',
  },
  {
    name: 'momentum',
    type: 'number',
    min: 0,
    max: 0.999999,
    default: TRAIN_DEFAULTS.momentum,
    placeholder: 'X',
    help: 'SGD momentum',
  },
  {
    name: 'weight-decay',
    type: 'number',
    min: 0,
    default: 0,
    placeholder: 'X',
    help: "L2 weight decay (explicit regularizer, §3; the paper's TF models use 0.0005 — off by default)",
  },
  {
    name: 'augment',
    type: 'list',
    choices: AUGMENTATIONS,
    default: [],
    placeholder: 'LIST',
    help: `data augmentation, comma-separated from ${AUGMENTATIONS.join(', ')}`,
  },
  {
    name: 'dropout',
    type: 'number',
    min: 0,
    max: 0.99,
    default: 0,
    placeholder: 'P',
    help: 'dropout probability (before the classifier; off by default)',
  },
  {
    name: 'target-acc',
    type: 'number',
    min: 0.01,
    max: 1,
    default: 1,
    placeholder: 'X',
    help: 'training accuracy that counts as fitted',
  },
  {
    name: 'stop-at-fit',
    type: 'bool',
    default: true,
    help: 'stop when fitted (--no-stop-at-fit trains all epochs)',
  },
  {
    name: 'seed',
    type: 'int',
    min: 0,
    default: 0,
    placeholder: 'S',
    help: 'seed of initialization, shuffling, dropout and augmentation',
  },
  {
    name: 'bn-params',
    type: 'enum',
    choices: ['shift', 'affine'],
    default: 'shift',
    help: "Inception BatchNorm parameters: shift only (TF default; the paper's count) or scale and shift",
  },
  {
    name: 'init',
    type: 'enum',
    choices: WEIGHT_INITS,
    default: 'pytorch',
    help: "initial weights: PyTorch's defaults, TensorFlow's glorot-uniform (the paper ran on TensorFlow), or he-normal (N(0, 2/fan_in), for deep nets without BN); biases zero except with pytorch",
  },
];

export const RUN_FLAGS: FlagSpec[] = [
  {
    name: 'device',
    type: 'string',
    default: 'cpu',
    placeholder: 'cpu|cuda|cuda:N',
    help: 'where to compute',
  },
  {
    name: 'threads',
    type: 'int',
    min: 1,
    placeholder: 'T',
    help: 'CPU threads for libtorch and OpenBLAS alike (default: every CPU that other programs leave idle; see the README)',
  },
  { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
];

function str(p: Parsed, k: string): string | undefined {
  return p.flags[k] as string | undefined;
}
function num(p: Parsed, k: string): number | undefined {
  return p.flags[k] as number | undefined;
}

/** A FitConfig from parsed flags; every value checked, errors name the flag. */
export function fitConfigFromFlags(p: Parsed): FitConfig {
  const model = checkModelName(str(p, 'model') ?? 'mlp-1x512', 'genlab fit: --model');
  let randomization;
  try {
    randomization = parseRandomization({
      labels: str(p, 'labels'),
      corruption: str(p, 'corruption') as FitConfig['randomization']['corruption'],
      inputs: str(p, 'inputs') as FitConfig['randomization']['inputs'],
      gaussianStats: str(p, 'gaussian-stats') as FitConfig['randomization']['gaussianStats'],
      corruptTest: Boolean(p.flags['corrupt-test']),
      seed: num(p, 'randomization-seed') ?? 0,
    });
  } catch (e) {
    throw new InputError(`genlab fit: ${(e as Error).message}`);
  }
  const decay = num(p, 'lr-decay') ?? 0.95;
  return {
    dataset: {
      name: str(p, 'dataset') ?? 'fashion-mnist',
      dataDir: str(p, 'data-dir') ?? null,
      trainSize: num(p, 'train-size') ?? null,
      testSize: num(p, 'test-size') ?? null,
      subsetSeed: 0,
      stratified: Boolean(p.flags.stratified),
      ...(num(p, 'channels') === undefined ? {} : { channels: num(p, 'channels') as 3 }),
    },
    randomization,
    model: {
      name: model,
      dropout: num(p, 'dropout') ?? 0,
      bnParams: (str(p, 'bn-params') ?? 'shift') as 'shift' | 'affine',
      lrnPlacement: 'after-pool',
      init: str(p, 'init') as ModelConfig['init'],
    },
    train: {
      ...TRAIN_DEFAULTS,
      epochs: num(p, 'epochs') ?? TRAIN_DEFAULTS.epochs,
      maxSteps: num(p, 'max-steps') ?? null,
      lr: num(p, 'lr') ?? paperLearningRate(model),
      evalBatchSize: defaultEvalBatchSize(model),
      batchSize: num(p, 'batch-size') ?? TRAIN_DEFAULTS.batchSize,
      momentum: num(p, 'momentum') ?? TRAIN_DEFAULTS.momentum,
      weightDecay: num(p, 'weight-decay') ?? 0,
      schedule:
        decay === 1
          ? { kind: 'constant' }
          : { kind: 'exponential', gamma: decay, every: num(p, 'lr-decay-every') ?? 50000 },
      augment: (p.flags.augment as string[] | undefined) ?? [],
      targetTrainAcc: num(p, 'target-acc') ?? 1,
      stopAtTarget: p.flags['stop-at-fit'] !== false,
      seed: num(p, 'seed') ?? 0,
    },
  };
}

/**
 * The CPUs a default-thread run takes: those that other programs leave idle now (at least one).
 * Threads beyond the idle cores share a core with another program and each parallel region waits
 * for the one descheduled: beside one busy loop per core, the demo took 5.2× its quiet time on
 * every core against 1.74× on one (issue 13).
 */
export function idleCpus(): number {
  const cpus = cpuCount();
  const busy = busyCpus(cpus);
  return busy === undefined ? cpus : Math.min(cpus, Math.max(1, Math.round(cpus - busy)));
}

/** Sets the threads for fitting `model`: --threads if given, else the measured default (below). */
export function applyThreads(p: Parsed, model: string): void {
  const threads = num(p, 'threads');
  if (threads !== undefined) setNumThreads(threads);
  else if (isConvNet(model) || cpuSgemm() === 'oneDNN') setNumThreads(idleCpus());
  else setNumThreads(1, idleCpus());
}

/**
 * Applies --device and --threads; returns the device. Without --threads this process is the machine's
 * only trainer (sweep workers are given --threads 1), and the default is what measured fastest on
 * 2 cores: every core for libtorch and OpenBLAS alike. A convolutional net: small AlexNet, 3 epochs on
 * 1,000 examples, 14.8 s against 18.4 s on one thread and 23.8 s with OpenBLAS alone on both. An MLP,
 * whose products run on oneDNN's sgemm in libtorch's pool: the demo 15.6 s against 17.7 s with
 * libtorch on one thread (training steps of MLP 784-512-10 at batch 128: 100,700 examples/s against
 * 81,300). Where products run on OpenBLAS instead (a libtorch without oneDNN's sgemm), an MLP keeps
 * libtorch on one thread and OpenBLAS on every core: two pools spinning on the same cores took the
 * demo from 19 s to 60 s.
 */
export function applyRunFlags(p: Parsed, where: string): string {
  applyThreads(p, str(p, 'model') ?? 'mlp-1x512');
  return parseDevice(str(p, 'device') ?? 'cpu', `${where}: --device`);
}

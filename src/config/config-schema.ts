// The config schema: every field of a run's config with its type, default, bounds and help — the only place
// that knows them. Fit flags, presets, `--set`, the demo and the trainer's defaults are derived from it.
import { z } from 'zod';
import { DATASETS } from '../data/index.js';
import { AUGMENTATIONS } from '../data/augment.js';
import { CORRUPTIONS, GAUSSIAN_STATS, INPUT_MODES, labelCorruption } from '../randomize/index.js';
import { checkModelName } from '../models/index.js';
import { SCHEDULES } from '../optim/index.js';
import { WEIGHT_INITS } from '../nn/index.js';
import { PRECISIONS } from '../engine/index.js';
import { FLOAT32_MAX, checkedBy, field } from './schema.js';

const oneOf = (xs: readonly string[]) => z.enum(xs as [string, ...string[]]);
const count = (min: number) => z.int().gte(min); // integers: sizes, epochs, seeds
const seed = (help: string, flag?: string) =>
  field(count(0).default(0), { help, flag, placeholder: flag ? 'S' : undefined });

const DATASET = z.strictObject({
  name: field(oneOf(DATASETS).default('fashion-mnist'), {
    flag: 'dataset',
    help: 'data set (fashion-mnist is installed by Debian; others need --data-dir)',
  }),
  dataDir: field(z.string().nullable().default(null), {
    flag: 'data-dir',
    placeholder: 'DIR',
    help: "directory of the data set files: IDX for MNIST-like sets, the binary version for CIFAR (default: the data set's own, /usr/share/datasets/fashion-mnist for fashion-mnist)",
  }),
  trainSize: field(count(1).nullable().default(null), {
    flag: 'train-size',
    placeholder: 'N',
    help: 'train on a seeded subset of N examples (default: all)',
  }),
  testSize: field(count(1).nullable().default(null), {
    flag: 'test-size',
    placeholder: 'N',
    help: 'evaluate on a seeded subset of N test examples (default: all)',
  }),
  subsetSeed: seed('seed of the subsets drawn by --train-size and --test-size', 'subset-seed'),
  stratified: field(z.boolean().default(false), {
    flag: 'stratified',
    help: "keep each class's share when drawing subsets",
  }),
  // Absent: the data set's own channels (so runs made before this key keep their ids; see config.ts).
  channels: field(z.int().gte(3).lte(3).optional(), {
    flag: 'channels',
    placeholder: '3',
    help: "3: a gray image in each of 3 channels, the paper's 3×28×28 input and parameter counts (default: the data set's own)",
  }),
});

// PAPER.md §1; src/randomize/spec.ts says what each value does.
const RANDOMIZATION = z.strictObject({
  labels: field(z.string().superRefine(checkedBy(labelCorruption)).default('true'), {
    flag: 'labels',
    placeholder: 'true|random|corrupted:P',
    help: 'label randomization (§1): true labels, random labels, or each label replaced with probability P',
  }),
  corruption: field(oneOf(CORRUPTIONS).default('uniform'), {
    flag: 'corruption',
    help: 'uniform: new class drawn from all classes (the paper); wrong-class: always another class',
  }),
  inputs: field(oneOf(INPUT_MODES).default('true'), {
    flag: 'inputs',
    help: 'input randomization: shuffled-pixels (one permutation), random-pixels (one per image), gaussian',
  }),
  gaussianStats: field(oneOf(GAUSSIAN_STATS).default('per-channel'), {
    flag: 'gaussian-stats',
    help: 'moments the Gaussian inputs match',
  }),
  corruptTest: field(z.boolean().default(false), {
    flag: 'corrupt-test',
    help: 'apply the label / per-image randomization to the test set too (default: clean test set; shuffled pixels always apply to both)',
  }),
  seed: seed('seed of the randomization, independent of --seed', 'randomization-seed'),
});

const MODEL = z.strictObject({
  name: field(z.string().superRefine(checkedBy(checkModelName)).default('mlp-1x512'), {
    flag: 'model',
    placeholder: 'M',
    help: 'mlp-1x512, mlp-3x512, mlp-DEPTHxWIDTH, alexnet-small, inception-small, inception-small-nobn',
  }),
  dropout: field(z.number().gte(0).lt(1).default(0), {
    flag: 'dropout',
    placeholder: 'P',
    help: 'dropout probability (before the classifier)',
  }),
  bnParams: field(oneOf(['shift', 'affine']).default('shift'), {
    flag: 'bn-params',
    help: "Inception BatchNorm parameters: shift only (TF default; the paper's count) or scale and shift",
  }),
  lrnPlacement: field(oneOf(['after-pool', 'before-pool']).default('after-pool'), {
    help: "AlexNet's first local response normalization: after its max-pool or before it",
  }),
  // A resolved config leaves out 'pytorch' (src/config/config.ts): runs made before this key keep their ids.
  init: field(oneOf(WEIGHT_INITS).default('pytorch'), {
    flag: 'init',
    help: "initial weights: PyTorch's defaults, TensorFlow's glorot-uniform (the paper ran on TensorFlow), or he-normal (N(0, 2/fan_in), for deep nets without BN); biases zero except with pytorch",
  }),
});

// The paper's SGD (PAPER.md §4–5): momentum 0.9, ×0.95 per 50,000 examples, batch 128.
const SCHEDULE = z.strictObject({
  kind: field(oneOf(SCHEDULES).default('exponential'), {
    help: 'learning-rate schedule: constant, step/exponential decay by gamma every `every` examples, or per-epoch: by gamma after every epoch of the training set',
  }),
  gamma: field(z.number().gt(0).lte(1).default(0.95), {
    flag: 'lr-decay',
    placeholder: 'X',
    help: 'multiply the learning rate by X after every --lr-decay-every examples (1: constant)',
  }),
  every: field(count(1).default(50_000), {
    flag: 'lr-decay-every',
    placeholder: 'N',
    help: "examples per decay step (the paper's epoch of 50,000; not the subset's epoch)",
  }),
});

const TRAIN = z.strictObject({
  epochs: field(count(1).default(100), { flag: 'epochs', placeholder: 'E', help: 'at most E epochs' }),
  maxSteps: field(count(1).nullable().default(null), {
    flag: 'max-steps',
    placeholder: 'N',
    help: 'at most N SGD steps',
  }),
  batchSize: field(count(1).default(128), { flag: 'batch-size', placeholder: 'B', help: 'SGD batch size' }),
  // No default here: the paper's for the model (src/models: 0.1 Inception, 0.01 others).
  lr: field(z.number().gt(0).lte(FLOAT32_MAX).optional(), {
    flag: 'lr',
    placeholder: 'X',
    help: "initial learning rate (default: the paper's, 0.1 Inception, 0.01 others)",
  }),
  momentum: field(z.number().gte(0).lt(1).default(0.9), {
    flag: 'momentum',
    placeholder: 'X',
    help: 'SGD momentum',
  }),
  weightDecay: field(z.number().gte(0).lte(FLOAT32_MAX).default(0), {
    flag: 'weight-decay',
    placeholder: 'X',
    help: "L2 weight decay (explicit regularizer, §3; the paper's TF models use 0.0005)",
  }),
  nesterov: field(z.boolean().default(false), { help: 'Nesterov momentum' }),
  schedule: SCHEDULE.prefault({}),
  dropLast: field(z.boolean().default(false), { help: 'drop the last partial batch of an epoch' }),
  // Absent: the whole training set (so runs made before this key keep their ids).
  fraction: field(z.number().gt(0).lt(1).optional(), {
    flag: 'train-fraction',
    placeholder: 'X',
    help: 'train on a random fraction X of the training set, drawn from --seed; the rest is held out: never trained on, evaluated at every epoch end (memorization scores, Feldman & Zhang 2020)',
  }),
  targetTrainAcc: field(z.number().gt(0).lte(1).default(1), {
    flag: 'target-acc',
    placeholder: 'X',
    help: 'training accuracy (eval mode, on the whole training set or, with --train-fraction, on the examples trained on) that counts as fitted',
  }),
  stopAtTarget: field(z.boolean().default(true), {
    flag: 'stop-at-fit',
    help: 'stop when fitted (--no-stop-at-fit trains all epochs)',
  }),
  augment: field(
    z.array(oneOf(AUGMENTATIONS)).default(() => []),
    {
      flag: 'augment',
      placeholder: 'LIST',
      help: `data augmentation, comma-separated from ${AUGMENTATIONS.join(', ')}`,
    },
  ),
  seed: seed('seed of initialization, shuffling, dropout and augmentation', 'seed'),
  // No default here: the model's (src/models: 2,000 for MLPs, 250 for conv nets).
  evalBatchSize: field(count(1).optional(), { help: 'examples per evaluation batch' }),
  // fp32 is left out of the resolved config, so runs made before this key keep their ids.
  precision: field(oneOf(PRECISIONS).default('fp32'), {
    flag: 'precision',
    placeholder: 'P',
    help: "fp32, or bf16: mixed precision as PyTorch's CPU autocast (convolutions and matrix products in bfloat16; weights, their update and the loss in float32); needs a CPU with native bfloat16 (genlab info says)",
  }),
  divergenceLoss: field(z.number().gt(0).default(1e4), {
    help: 'a step loss above this (or not finite) marks the run diverged',
  }),
});

/** A run's config: data set, randomization, model, training. Device and threads are not part of it. */
export const CONFIG_SCHEMA = z.strictObject({
  dataset: DATASET.prefault({}),
  randomization: RANDOMIZATION.prefault({}),
  model: MODEL.prefault({}),
  train: TRAIN.prefault({}),
});

/** The config as the schema fills it in: every default, lr and evalBatchSize still open. */
export type ParsedConfig = z.output<typeof CONFIG_SCHEMA>;

// The trainer's settings (PAPER.md §4–5): plain data, validated, recorded with every run.
import { InputError } from '../engine/index.js';
import { checkSchedule, type ScheduleSpec } from '../optim/index.js';

export interface TrainConfig {
  epochs: number; // at most this many epochs
  maxSteps: number | null; // and at most this many SGD steps (null: no limit)
  batchSize: number; // 128 (standard in reproductions; the paper does not say)
  lr: number; // 0.1 Inception, 0.01 AlexNet and MLPs
  momentum: number; // 0.9
  weightDecay: number; // 0: no explicit regularization on randomized data unless asked
  nesterov: boolean;
  schedule: ScheduleSpec; // ×0.95 per 50,000 examples seen by default
  dropLast: boolean; // drop the last partial batch of an epoch
  targetTrainAcc: number; // "fitted": training accuracy (full set, eval mode) ≥ this
  stopAtTarget: boolean; // stop once fitted (Figure 1b measures steps to fit)
  augment: string[]; // names from src/data/augment.ts; none by default
  seed: number; // initialization, shuffling, dropout and augmentation (not the randomization's)
  evalBatchSize: number;
  divergenceLoss: number; // a step loss above this (or non-finite) marks the run diverged
}

/** Defaults; lr and evalBatchSize depend on the model (paperLearningRate, defaultEvalBatchSize). */
export const TRAIN_DEFAULTS: Omit<TrainConfig, 'lr' | 'evalBatchSize'> = {
  epochs: 100,
  maxSteps: null,
  batchSize: 128,
  momentum: 0.9,
  weightDecay: 0,
  nesterov: false,
  schedule: { kind: 'exponential', gamma: 0.95, every: 50_000 },
  dropLast: false,
  targetTrainAcc: 1,
  stopAtTarget: true,
  augment: [],
  seed: 0,
  divergenceLoss: 1e4,
};

function positiveInt(v: number, key: string): void {
  if (!Number.isInteger(v) || v < 1)
    throw new InputError(`train: ${key}: expected a positive integer, got ${v}`);
}

export function checkTrainConfig(c: TrainConfig): TrainConfig {
  positiveInt(c.epochs, 'epochs');
  if (c.maxSteps !== null) positiveInt(c.maxSteps, 'maxSteps');
  positiveInt(c.batchSize, 'batchSize');
  positiveInt(c.evalBatchSize, 'evalBatchSize');
  if (!(c.lr > 0 && Number.isFinite(c.lr)))
    throw new InputError(`train: lr: expected a positive number, got ${c.lr}`);
  if (!(c.momentum >= 0 && c.momentum < 1))
    throw new InputError(`train: momentum: expected 0 ≤ momentum < 1, got ${c.momentum}`);
  if (!(c.weightDecay >= 0))
    throw new InputError(`train: weightDecay: expected a number ≥ 0, got ${c.weightDecay}`);
  if (!(c.targetTrainAcc > 0 && c.targetTrainAcc <= 1))
    throw new InputError(`train: targetTrainAcc: expected a fraction in (0, 1], got ${c.targetTrainAcc}`);
  if (!Number.isSafeInteger(c.seed) || c.seed < 0)
    throw new InputError(`train: seed: expected a non-negative integer, got ${c.seed}`);
  checkSchedule(c.schedule, 'train: schedule');
  return c;
}

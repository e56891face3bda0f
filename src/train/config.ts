// The trainer's settings (PAPER.md §4–5): plain data, recorded with every run. Defaults, bounds and help
// live in the config schema (src/config/config-schema.ts), which checks every config before a fit.
import type { ScheduleSpec } from '../optim/index.js';

export interface TrainConfig {
  epochs: number; // at most this many epochs
  maxSteps: number | null; // and at most this many SGD steps (null: no limit)
  batchSize: number;
  lr: number; // initial learning rate
  momentum: number;
  weightDecay: number; // L2 penalty, an explicit regularizer (§3)
  nesterov: boolean;
  schedule: ScheduleSpec; // learning rate by examples seen
  dropLast: boolean; // drop the last partial batch of an epoch
  fraction?: number; // train on this seeded fraction of the training set, hold out the rest; absent: all
  targetTrainAcc: number; // "fitted": training accuracy (eval mode; the examples trained on) ≥ this
  stopAtTarget: boolean; // stop once fitted (Figure 1b measures steps to fit)
  augment: string[]; // names from src/data/augment.ts
  seed: number; // initialization, shuffling, dropout and augmentation (not the randomization's)
  evalBatchSize: number;
  divergenceLoss: number; // a step loss above this (or non-finite) marks the run diverged
  precision?: 'bf16'; // bfloat16 mixed precision (src/engine/precision.ts); absent: fp32
}

// A fit's full configuration — data, randomization, model, training — and the run id derived from it.
import { InputError } from '../engine/index.js';
import type { RandomizationSpec } from '../randomize/index.js';
import { checkTrainConfig, type TrainConfig } from '../train/index.js';
import { checkModelName } from '../models/index.js';
import { WEIGHT_INITS, type WeightInit } from '../nn/index.js';
import { configHash } from './store.js';

export interface DatasetConfig {
  name: string;
  dataDir: string | null; // null: the data set's default directory
  trainSize: number | null; // null: the whole training split
  testSize: number | null;
  subsetSeed: number;
  stratified: boolean;
  // 3: a gray data set's image in each of 3 channels, the paper's 3×28×28 input (its parameter counts).
  // Absent means the data set's own channels, so that the runs made before this key existed keep their ids.
  channels?: 3;
}

export interface ModelConfig {
  name: string;
  dropout: number;
  bnParams: 'shift' | 'affine'; // Inception's BN parameters (see src/models/inception.ts)
  lrnPlacement: 'after-pool' | 'before-pool'; // AlexNet's first LRN
  // Initial weights (src/nn/init.ts); absent means PyTorch's defaults, so that the runs made before
  // this key existed keep their ids.
  init?: Exclude<WeightInit, 'pytorch'>;
}

/** Everything that decides a run's numbers. Device and threads are not part of it. */
export interface FitConfig {
  dataset: DatasetConfig;
  randomization: RandomizationSpec;
  model: ModelConfig;
  train: TrainConfig;
}

export function checkFitConfig(c: FitConfig): FitConfig {
  checkModelName(c.model.name, 'fit: model');
  const init: unknown = c.model.init;
  if (init === 'pytorch')
    delete c.model.init; // the default: one run id whether it is spelled out or not
  else if (init !== undefined && !WEIGHT_INITS.includes(init as WeightInit)) {
    throw new InputError(
      `fit: model.init: expected one of ${WEIGHT_INITS.join(', ')}, got ${JSON.stringify(init)}`,
    );
  }
  if (!(c.model.dropout >= 0 && c.model.dropout < 1))
    throw new InputError(`fit: dropout: expected 0 ≤ p < 1, got ${c.model.dropout}`);
  const channels: unknown = c.dataset.channels;
  if (channels === 3 && c.dataset.name.startsWith('cifar'))
    delete c.dataset.channels; // CIFAR's own: one run id whether it is spelled out or not
  else if (channels !== undefined && channels !== 3)
    throw new InputError(
      `fit: dataset.channels: expected 3 (absent: the data set's own), got ${JSON.stringify(channels)}`,
    );
  for (const key of ['trainSize', 'testSize'] as const) {
    const v = c.dataset[key];
    if (v !== null && (!Number.isInteger(v) || v < 1))
      throw new InputError(`fit: ${key}: expected a positive integer, got ${v}`);
  }
  checkTrainConfig(c.train);
  return c;
}

function slug(s: string): string {
  return s.replace(/[^a-zA-Z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** A readable id from the config plus a short hash of all of it: same config, same run. */
export function runId(c: FitConfig): string {
  const r = c.randomization;
  const size = c.dataset.trainSize === null ? '' : `-${c.dataset.trainSize}`;
  const extras = [
    c.train.weightDecay ? `wd${c.train.weightDecay}` : '',
    c.train.augment.length ? `aug-${c.train.augment.join('-')}` : '',
  ].filter(Boolean);
  const parts = [
    c.model.name,
    `${c.dataset.name}${size}`,
    `labels-${r.labels}`,
    `inputs-${r.inputs}`,
    ...extras,
  ];
  return `${parts.map(slug).join('_')}_${configHash(c)}`;
}

// The paper's architectures by name (§3), built from src/nn.
import { InputError, unknownName, type Generator } from '../engine/index.js';
import type { Module, WeightInit } from '../nn/index.js';
import { Mlp } from './mlp.js';
import { AlexNetSmall } from './alexnet.js';
import { InceptionSmall } from './inception.js';

export interface ModelOptions {
  input: [number, number, number]; // C, H, W
  classes: number;
  generator?: Generator; // initial weights
  dropoutGenerator?: Generator; // dropout masks (default: generator)
  device?: string;
  dropout?: number;
  bnParams?: 'shift' | 'affine';
  lrnPlacement?: 'after-pool' | 'before-pool';
  init?: WeightInit; // default 'pytorch'
}

export const MODELS = [
  'mlp-1x512',
  'mlp-3x512',
  'alexnet-small',
  'inception-small',
  'inception-small-nobn',
] as const;
/** Table 1's parameter counts on 3×28×28 inputs: a hard check of each architecture. */
export const PAPER_PARAMS: Record<(typeof MODELS)[number], number> = {
  'mlp-1x512': 1_209_866,
  'mlp-3x512': 1_735_178,
  'alexnet-small': 1_387_786,
  'inception-small': 1_649_402,
  'inception-small-nobn': 1_649_402,
};
/** The paper's initial learning rate per model (§4). */
export function paperLearningRate(name: string): number {
  return name.startsWith('inception') ? 0.1 : 0.01;
}

/**
 * Examples per no-grad evaluation batch. MLPs take 2,000 at little memory; a convolutional net's
 * activations are far larger (small Inception at 2,000 held about 10 GB), so those evaluate 250 at a time.
 */
export function defaultEvalBatchSize(name: string): number {
  return isConvNet(name) ? 250 : 2000;
}

/** Whether a (checked) model name is a convolutional net rather than an MLP. */
export function isConvNet(name: string): boolean {
  return !MLP.test(name);
}

const MLP = /^mlp-(\d+)x(\d+)$/;

/** Checks a model name: one of MODELS or mlp-DEPTHxWIDTH. */
export function checkModelName(name: string, where = 'model'): string {
  const m = MLP.exec(name);
  if (m) {
    if (Number(m[1]) < 1 || Number(m[2]) < 1)
      throw new InputError(`${where}: "${name}" needs depth and width ≥ 1`);
    return name;
  }
  if (!(MODELS as readonly string[]).includes(name))
    throw unknownName(where, 'model', name, [...MODELS, 'mlp-DEPTHxWIDTH']);
  return name;
}

export function createModel(name: string, o: ModelOptions): Module {
  checkModelName(name);
  const m = MLP.exec(name);
  if (m) return new Mlp({ ...o, depth: Number(m[1]), width: Number(m[2]) });
  if (name === 'alexnet-small') return new AlexNetSmall(o);
  return new InceptionSmall({ ...o, batchNorm: name === 'inception-small' });
}

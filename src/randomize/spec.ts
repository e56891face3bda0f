// The paper's randomizations as data (PAPER.md §1): which truth to destroy, how, with which seed.
import { InputError, unknownName } from '../engine/index.js';

/**
 * labels: 'true', 'random' (p = 1) or 'corrupted:P' (each label redrawn with probability P).
 * corruption: 'uniform' draws the new class from all k classes, as the paper does (it may equal the
 * old one: the expected fraction changed is P·(k−1)/k); 'wrong-class' draws from the other k−1
 * classes (Nakkiran et al. 2019: the fraction changed is P).
 * inputs: 'shuffled-pixels' applies one permutation of the pixel positions (channels move together)
 * to every image, train and test alike (the paper's definition); 'random-pixels' a permutation per image;
 * 'gaussian' replaces each image by draws matching the training images' mean and std,
 * per channel by default ('global': one mean and std over all channels; the paper does not say).
 * corruptTest: labels, random pixels and Gaussian inputs reach the test set only when true (default:
 * a clean test set measures generalization from corrupted training data).
 */
export interface RandomizationSpec {
  labels: string;
  corruption: 'uniform' | 'wrong-class';
  inputs: 'true' | 'shuffled-pixels' | 'random-pixels' | 'gaussian';
  gaussianStats: 'global' | 'per-channel';
  corruptTest: boolean;
  seed: number;
}

export const LABEL_MODES: readonly string[] = ['true', 'random', 'corrupted:P'];
export const CORRUPTIONS: readonly RandomizationSpec['corruption'][] = ['uniform', 'wrong-class'];
export const INPUT_MODES: readonly RandomizationSpec['inputs'][] = [
  'true',
  'shuffled-pixels',
  'random-pixels',
  'gaussian',
];
export const GAUSSIAN_STATS: readonly RandomizationSpec['gaussianStats'][] = ['global', 'per-channel'];

export const DEFAULT_RANDOMIZATION: RandomizationSpec = {
  labels: 'true',
  corruption: 'uniform',
  inputs: 'true',
  gaussianStats: 'per-channel',
  corruptTest: false,
  seed: 0,
};
const KEYS = Object.keys(DEFAULT_RANDOMIZATION);

/** The corruption probability of a labels value: 0 for 'true', 1 for 'random', P for 'corrupted:P'. */
export function labelCorruption(labels: string): number {
  if (labels === 'true') return 0;
  if (labels === 'random') return 1;
  const m = /^corrupted:(.+)$/.exec(labels);
  if (m) {
    const p = Number(m[1]);
    if (m[1].trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) {
      throw new InputError(
        `randomize.labels: bad corruption level "${m[1]}"; expected a number in [0, 1], e.g. corrupted:0.2`,
      );
    }
    return p;
  }
  throw unknownName('randomize.labels', 'value', labels, ['true', 'random', 'corrupted:0.2']);
}

/** A labels value in one spelling per meaning: 'corrupted:-0', 'corrupted:0.50' and 'corrupted:.5' are 'corrupted:0' and 'corrupted:0.5'. */
export function canonicalLabels(labels: string): string {
  const p = labelCorruption(labels);
  return labels.startsWith('corrupted:') ? `corrupted:${String(p === 0 ? 0 : p)}` : labels;
}

function oneOf<T extends string>(key: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string')
    throw new InputError(`randomize.${key}: expected a string, got ${JSON.stringify(value)}`);
  if (!choices.includes(value as T)) throw unknownName(`randomize.${key}`, 'value', value, choices);
  return value as T;
}

/** Fills defaults and validates every key; unknown keys and values are InputErrors naming the key. */
export function parseRandomization(partial: Partial<RandomizationSpec>): RandomizationSpec {
  for (const k of Object.keys(partial)) {
    if (!KEYS.includes(k)) throw unknownName('randomize', 'key', k, KEYS);
  }
  const s = { ...DEFAULT_RANDOMIZATION, ...partial };
  if (typeof s.labels !== 'string')
    throw new InputError(`randomize.labels: expected a string, got ${JSON.stringify(s.labels)}`);
  labelCorruption(s.labels);
  if (typeof s.corruptTest !== 'boolean')
    throw new InputError(
      `randomize.corruptTest: expected true or false, got ${JSON.stringify(s.corruptTest)}`,
    );
  if (typeof s.seed !== 'number' || !Number.isSafeInteger(s.seed) || s.seed < 0) {
    throw new InputError(`randomize.seed: expected a non-negative integer, got ${JSON.stringify(s.seed)}`);
  }
  return {
    labels: s.labels,
    corruption: oneOf('corruption', s.corruption, CORRUPTIONS),
    inputs: oneOf('inputs', s.inputs, INPUT_MODES),
    gaussianStats: oneOf('gaussianStats', s.gaussianStats, GAUSSIAN_STATS),
    corruptTest: s.corruptTest,
    seed: s.seed,
  };
}

/** A short name for run directories and legends, e.g. "corrupted-0.4-uniform+random-pixels". */
export function randomizationName(s: RandomizationSpec): string {
  const p = labelCorruption(s.labels);
  const labels = p === 0 ? 'true-labels' : s.labels === 'random' ? 'random-labels' : `corrupted-${p}`;
  const parts = [p > 0 && s.corruption === 'wrong-class' ? `${labels}-wrong-class` : labels];
  if (s.inputs !== 'true') parts.push(s.inputs === 'gaussian' ? `gaussian-${s.gaussianStats}` : s.inputs);
  if (s.corruptTest) parts.push('corrupt-test');
  return parts.join('+');
}

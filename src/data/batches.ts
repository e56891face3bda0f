// Mini-batches: a seeded shuffle per epoch and the [start, end) ranges of each batch.
import { Generator, InputError, Tensor, deriveSeed, randperm } from '../engine/index.js';

/**
 * The order of the n training examples in epoch `epoch`: an int64 permutation drawn by a libtorch
 * generator seeded with deriveSeed(seed, 'shuffle', epoch), so a resumed run replays every epoch.
 */
export function epochOrder(n: number, seed: number, epoch: number): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new InputError(`batches: example count must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(epoch) || epoch < 0)
    throw new InputError(`batches: epoch must be a non-negative integer, got ${epoch}`);
  return randperm(n, { generator: new Generator(deriveSeed(seed, 'shuffle', epoch)) });
}

/** [start, end) of each batch over n examples; the last partial batch is kept unless dropLast. */
export function batchRanges(n: number, batchSize: number, dropLast: boolean): [start: number, end: number][] {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InputError(`batches: batch size must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(n) || n < 0)
    throw new InputError(`batches: example count must be a non-negative integer, got ${n}`);
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    if (dropLast && end - start < batchSize) break;
    out.push([start, end]);
  }
  return out;
}

/** The evaluation batch size: large, since evaluation keeps no activations (run it under noGrad). */
export const EVAL_BATCH_SIZE = 1000;

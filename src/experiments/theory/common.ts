// Option sections the theory experiments share: the data set, the training labels, the seed.
import { z } from 'zod';
import { checkDatasetName } from '../../data/index.js';
import { labelCorruption } from '../../randomize/index.js';
import { checkedString } from '../../config/schema.js';

function datasetKeys(o: { trainSize: number | null; minTrain?: number }) {
  return {
    name: checkedString(checkDatasetName).default('fashion-mnist'),
    dataDir: z.string().nullable().default(null), // null: the data set's default directory
    trainSize: z
      .int()
      .min(o.minTrain ?? 1)
      .nullable()
      .default(o.trainSize), // null: the whole training split (a seeded subset otherwise)
  };
}

/** dataset: which data set, how many training and test points. */
export function datasetOptions(o: { trainSize: number | null; minTrain?: number }) {
  const testSize = z.int().min(1).nullable().default(null); // null: the whole test split
  return z.strictObject({ ...datasetKeys(o), testSize }).prefault({});
}

/** dataset for experiments that use only a training sample (no test split). */
export function sampleOptions(o: { trainSize: number | null; minTrain?: number }) {
  return z.strictObject(datasetKeys(o)).prefault({});
}

/** Training labels: true, random or corrupted:P (src/randomize). */
export const labelsOption = (fallback: string) => checkedString(labelCorruption).default(fallback);

export const seedOption = z.int().min(0).default(0);

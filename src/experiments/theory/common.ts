// Option sections the theory experiments share: the data set, the training labels, the seed (each with its flag).
import { z } from 'zod';
import { DATASETS, checkDatasetName } from '../../data/index.js';
import { labelCorruption } from '../../randomize/index.js';
import { configField } from '../../config/config.js';
import { FIELD_INFO, checkedString, field } from '../../config/schema.js';

/** A fit's --dataset and --data-dir, as the config schema declares them: theory commands take the same. */
const configInfo = (keyPath: string) => FIELD_INFO.get(configField(keyPath, 'theory options'))!;

/** How many points, and what the flags say about them (a field without help has no flag). */
interface SizeOptions {
  trainSize: number | null;
  minTrain?: number;
  trainHelp?: string;
  testHelp?: string;
}

const sized = <T extends z.ZodType>(s: T, flag: string, help?: string): T =>
  help === undefined ? s : field(s, { flag, placeholder: 'N', help });

function datasetKeys(o: SizeOptions) {
  return {
    name: field(checkedString(checkDatasetName).default('fashion-mnist'), {
      ...configInfo('dataset.name'),
      placeholder: DATASETS.join('|'),
    }),
    dataDir: field(z.string().nullable().default(null), configInfo('dataset.dataDir')), // null: the data set's default directory
    trainSize: sized(
      z
        .int()
        .min(o.minTrain ?? 1)
        .nullable()
        .default(o.trainSize), // null: the whole training split (a seeded subset otherwise)
      'train-size',
      o.trainHelp,
    ),
  };
}

/** dataset: which data set, how many training and test points. */
export function datasetOptions(o: SizeOptions) {
  const testSize = sized(z.int().min(1).nullable().default(null), 'test-size', o.testHelp); // null: the whole test split
  return z.strictObject({ ...datasetKeys(o), testSize }).prefault({});
}

/** dataset for experiments that use only a training sample (no test split). */
export function sampleOptions(o: SizeOptions) {
  return z.strictObject(datasetKeys(o)).prefault({});
}

/** Training labels: true, random or corrupted:P (src/randomize). */
export function labelsOption(fallback: string, help?: string) {
  const s = checkedString(labelCorruption).default(fallback);
  return help === undefined ? s : field(s, { flag: 'labels', placeholder: 'true|random|corrupted:P', help });
}

/** The seed of every draw an experiment makes; `help` says which. */
export function seedOption(help?: string) {
  const s = z.int().min(0).default(0);
  return help === undefined ? s : field(s, { flag: 'seed', placeholder: 'S', help });
}

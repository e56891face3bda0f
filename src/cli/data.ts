// genlab data: load a data set, apply one of the paper's randomizations, print what changed, draw before/after.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Tensor, scope } from '../engine/index.js';
import {
  disposeDataset,
  labelHistogram,
  loadDataset,
  type LoadedDataset,
  type PreprocessSpec,
} from '../data/index.js';
import {
  applyRandomization,
  drawRandomization,
  labelCorruption,
  parseRandomization,
  saveArtifact,
  type RandomizationArtifact,
  type RandomizationSpec,
} from '../randomize/index.js';
import { gridPng } from '../report/index.js';
import { writeAtomic } from '../store/files.js';
import type { Command } from './command.js';
import type { FlagSpec, Parsed } from './args.js';
import { DATA_FLAGS, RANDOMIZE_FLAGS } from './fit-flags.js';

const FLAGS: FlagSpec[] = [
  ...DATA_FLAGS,
  ...RANDOMIZE_FLAGS,
  {
    name: 'center-crop',
    type: 'int',
    min: 0,
    placeholder: 'N',
    help: 'center crop side, 0 for none (default: 28 for CIFAR, none otherwise)',
  },
  {
    name: 'standardize',
    type: 'bool',
    help: 'TF per-image standardization (default on; --no-standardize keeps pixels in [0,1])',
  },
  {
    name: 'normalize',
    type: 'bool',
    help: "then normalize by the training split's per-channel mean and std",
  },
  {
    name: 'out',
    type: 'string',
    placeholder: 'DIR',
    default: 'runs/data',
    help: 'where before.png, after.png and the randomization artifact go',
  },
];

function preprocessFrom(args: Parsed): Partial<PreprocessSpec> {
  const p: Partial<PreprocessSpec> = {};
  if (args.given.has('center-crop')) p.centerCrop = (args.flags['center-crop'] as number) || null;
  if (args.given.has('standardize')) p.perImageStandardization = args.flags.standardize as boolean;
  if (args.given.has('normalize')) p.normalize = args.flags.normalize as boolean;
  return p;
}

/** Up to 8 training indices of each of the first 10 classes (by original label), class by class. */
function sampleIndices(labels: Tensor, classes: number): number[][] {
  const values = scope(() => labels.to('cpu').toArray());
  const rows: number[][] = Array.from({ length: Math.min(classes, 10) }, () => []);
  for (let i = 0; i < values.length; i++) if (rows[values[i]]?.length < 8) rows[values[i]].push(i);
  return rows.filter((r) => r.length > 0);
}

function describe(spec: RandomizationSpec, k: number): { expected: number; text: string } {
  const p = labelCorruption(spec.labels);
  const expected = spec.corruption === 'uniform' ? (p * (k - 1)) / k : p;
  const inputs = spec.inputs === 'gaussian' ? `gaussian (${spec.gaussianStats})` : spec.inputs;
  const test = spec.corruptTest
    ? 'randomized like train'
    : spec.inputs === 'shuffled-pixels'
      ? 'clean labels, same pixel permutation'
      : 'clean';
  return {
    expected,
    text: `labels ${spec.labels}${p > 0 ? ` (${spec.corruption})` : ''}, inputs ${inputs}, seed ${spec.seed}; test set: ${test}`,
  };
}

function report(
  ds: LoadedDataset,
  after: LoadedDataset,
  a: RandomizationArtifact,
  files: Record<string, string>,
): Record<string, unknown> {
  const k = ds.classes.length;
  const { expected, text } = describe(a.spec, k);
  return {
    dataset: ds.name,
    dir: ds.source.dir,
    trainSize: ds.train.labels.shape[0],
    testSize: ds.test.labels.shape[0],
    shape: ds.shape,
    classes: ds.classes,
    preprocessing: ds.preprocessing,
    randomization: a.spec,
    description: text,
    labelChangedFraction: a.labelChangedFraction,
    expectedLabelChangedFraction: expected,
    testLabelChangedFraction: a.test?.labelChangedFraction ?? 0,
    histogram: {
      trainBefore: labelHistogram(ds.train.labels, k),
      trainAfter: labelHistogram(after.train.labels, k),
      test: labelHistogram(after.test.labels, k),
    },
    files,
  };
}

function printText(r: Record<string, unknown>, out: (t: string) => void): void {
  const h = r.histogram as Record<string, number[]>;
  const classes = r.classes as string[];
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  const prep = r.preprocessing as PreprocessSpec;
  const steps = [
    prep.scale && 'scale to [0,1]',
    prep.centerCrop && `center crop ${prep.centerCrop}`,
    prep.perImageStandardization && 'per-image standardization',
    prep.normalize && 'data-set normalization',
  ];
  out(`${r.dataset} from ${r.dir}\n`);
  out(
    `train ${r.trainSize}, test ${r.testSize}, shape [${(r.shape as number[]).join(', ')}], ${classes.length} classes\n`,
  );
  out(`preprocessing: ${steps.filter(Boolean).join(', ') || 'none'}\n`);
  out(`randomization: ${r.description}\n`);
  out(
    `labels changed: ${pct(r.labelChangedFraction as number)} of train (expected ${pct(r.expectedLabelChangedFraction as number)})\n`,
  );
  const width = Math.max(12, ...classes.map((c) => c.length)) + 2;
  out(
    `${'class'.padEnd(width)}${'train before'.padStart(13)}${'train after'.padStart(13)}${'test'.padStart(9)}\n`,
  );
  classes.forEach((c, i) =>
    out(
      `${c.padEnd(width)}${String(h.trainBefore[i]).padStart(13)}${String(h.trainAfter[i]).padStart(13)}${String(h.test[i]).padStart(9)}\n`,
    ),
  );
  out(`wrote ${Object.values(r.files as Record<string, string>).join(', ')}\n`);
}

export const dataCommand: Command = {
  name: 'data',
  summary:
    "inspect a data set and one of the paper's randomizations (counts, labels changed, before/after images)",
  usage:
    '--dataset D [--data-dir DIR] [--labels true|random|corrupted:P] [--corruption …] [--inputs …] [--train-size N] [--randomization-seed S] [--out DIR] [--json]',
  description: `Loads a data set as genlab trains on it, draws a randomization (PAPER.md §1) with its own seed,
and prints counts, shape, classes, the label histogram and the fraction of labels actually changed.
Writes OUT/before.png and OUT/after.png (8 training images of each class, before and after) and the
randomization artifact (OUT/randomization.json + .bin) that a run would record.

  genlab data --labels corrupted:0.4 --corruption wrong-class
  genlab data --inputs random-pixels --train-size 1000 --json
  genlab data --dataset cifar10 --data-dir ~/data/cifar-10-batches-bin --inputs gaussian`,
  flags: FLAGS,
  async run(args, io) {
    const f = args.flags;
    const spec = parseRandomization({
      labels: f.labels as string,
      corruption: f.corruption as RandomizationSpec['corruption'],
      inputs: f.inputs as RandomizationSpec['inputs'],
      gaussianStats: f['gaussian-stats'] as RandomizationSpec['gaussianStats'],
      corruptTest: Boolean(f['corrupt-test']),
      seed: f['randomization-seed'] as number,
    });
    const ds = loadDataset({
      name: f.dataset as string,
      dataDir: f['data-dir'] as string | undefined,
      trainSize: f['train-size'] as number | undefined,
      testSize: f['test-size'] as number | undefined,
      subsetSeed: f['subset-seed'] as number,
      stratified: Boolean(f.stratified),
      channels: f.channels as number | undefined,
      preprocess: preprocessFrom(args),
    });
    let after: LoadedDataset | undefined;
    try {
      const a = drawRandomization(ds, spec);
      after = applyRandomization(ds, a);
      const dir = path.resolve(f.out as string);
      mkdirSync(dir, { recursive: true });
      const rows = sampleIndices(ds.train.labels, ds.classes.length);
      const files = {
        before: path.join(dir, 'before.png'),
        after: path.join(dir, 'after.png'),
        artifact: path.join(dir, 'randomization.json'),
      };
      writeFileSync(files.before, gridPng(ds.train.images, rows));
      writeFileSync(files.after, gridPng(after.train.images, rows));
      saveArtifact(dir, a, writeAtomic);
      const r = report(ds, after, a, files);
      if (f.json) io.out(JSON.stringify(r) + '\n');
      else printText(r, (t) => io.out(t));
      return 0;
    } finally {
      disposeDataset(ds);
      if (after) disposeDataset(after);
    }
  },
};

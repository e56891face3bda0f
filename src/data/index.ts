// Data sets as tensors: read once, subset with a seed, preprocess, and hand to the trainer (PAPER.md §2).
import {
  InputError,
  Tensor,
  deriveSeed,
  keep,
  parseDevice,
  scope,
  tensor,
  unknownName,
} from '../engine/index.js';
import { DATASETS, readDataset, type RawSplit } from './registry.js';
import {
  channelStats,
  normalizeChannels,
  preprocessImages,
  resolvePreprocess,
  type PreprocessSpec,
} from './preprocess.js';
import { drawSubset } from './subset.js';

export { DATASETS, datasetLayout, type DatasetLayout } from './registry.js';
export type { PreprocessSpec } from './preprocess.js';
export { defaultPreprocess } from './preprocess.js';
export { drawFraction } from './subset.js';

export interface Split {
  images: Tensor; // (N, C, H, W) float32, preprocessed
  labels: Tensor; // (N) int64
}
export interface LoadedDataset {
  name: string;
  classes: string[];
  shape: [number, number, number]; // C, H, W after preprocessing
  train: Split;
  test: Split;
  preprocessing: PreprocessSpec; // resolved, recorded in runs
  replicated?: boolean; // true: each image is one gray channel repeated (config dataset.channels: 3)
  source: { dir: string; trainIndices?: number[] | null; testIndices?: number[] | null }; // the subset drawn (null: all)
}
export interface LoadOptions {
  name: string;
  dataDir?: string;
  trainSize?: number; // a seeded subset of the training split (default: all)
  testSize?: number;
  subsetSeed?: number; // default 0; each split draws with deriveSeed(subsetSeed, 'subset', split)
  stratified?: boolean; // keep each class's share in subsets (default false)
  preprocess?: Partial<PreprocessSpec>;
  device?: string; // default cpu
  cifar100Labels?: 'fine' | 'coarse'; // CIFAR-100's label set (default fine)
  channels?: number; // 3 replicates a gray image to the paper's 3×28×28 (default: the data set's own)
}

function splitTensors(
  raw: RawSplit,
  shape: readonly number[],
  indices: number[] | null,
): { images: Tensor; labels: Tensor } {
  return scope(() => {
    let images = tensor(raw.images, [raw.count, ...shape]);
    let labels = tensor(raw.labels, [raw.count]).to('int64');
    if (indices !== null) {
      const idx = tensor(Int32Array.from(indices)).to('int64');
      images = images.indexSelect(0, idx);
      labels = labels.indexSelect(0, idx);
    }
    return { images, labels };
  });
}

function subsetOf(
  raw: RawSplit,
  size: number | undefined,
  seed: number,
  stratified: boolean,
  label: string,
): number[] | null {
  if (size === undefined || size === raw.count) return null;
  return drawSubset(raw.labels, size, seed, stratified, `data: ${label}Size`);
}

/**
 * Loads a data set into tensors the caller owns (release them with disposeDataset). Bad names,
 * missing or malformed files and impossible sizes throw InputError.
 */
export function loadDataset(opts: LoadOptions): LoadedDataset {
  const device = parseDevice(opts.device ?? 'cpu', 'data: device');
  const preprocessing = resolvePreprocess(opts.name, opts.preprocess);
  const { raw, dir } = readDataset(opts.name, opts.dataDir, { cifar100Labels: opts.cifar100Labels });
  const channels = checkChannels(opts.channels, raw.shape[0], opts.name);
  const seed = opts.subsetSeed ?? 0;
  const trainIndices = subsetOf(
    raw.train,
    opts.trainSize,
    deriveSeed(seed, 'subset', 'train'),
    opts.stratified ?? false,
    'train',
  );
  const testIndices = subsetOf(
    raw.test,
    opts.testSize,
    deriveSeed(seed, 'subset', 'test'),
    opts.stratified ?? false,
    'test',
  );
  const ds = scope(() => {
    const prepare = (split: RawSplit, indices: number[] | null): Split => {
      const t = splitTensors(split, raw.shape, indices);
      return { images: preprocessImages(t.images, preprocessing), labels: t.labels };
    };
    const train = replicateChannels(prepare(raw.train, trainIndices), channels);
    const test = replicateChannels(prepare(raw.test, testIndices), channels);
    if (preprocessing.normalize) {
      if (preprocessing.mean === null || preprocessing.std === null) {
        const stats = channelStats(train.images);
        preprocessing.mean ??= stats.mean;
        preprocessing.std ??= stats.std.map((s) => Math.max(s, 1e-12));
      }
      normalizeChannels(train.images, preprocessing.mean, preprocessing.std);
      normalizeChannels(test.images, preprocessing.mean, preprocessing.std);
    }
    const move = (s: Split): Split =>
      device === 'cpu' ? s : { images: s.images.to(device), labels: s.labels.to(device) };
    return { train: move(train), test: move(test) };
  });
  keep(ds);
  const [, c, h, w] = ds.train.images.shape;
  return {
    name: opts.name,
    classes: raw.classes,
    shape: [c, h, w],
    train: ds.train,
    test: ds.test,
    preprocessing,
    replicated: channels !== raw.shape[0],
    source: { dir, trainIndices, testIndices },
  };
}

/** The channel count asked for: the data set's own, or 3 for a gray set (its image in each channel). */
function checkChannels(asked: number | undefined, own: number, name: string): number {
  if (asked === undefined || asked === own) return own;
  if (own === 1 && asked === 3) return 3;
  throw new InputError(
    `data: channels: expected ${own === 1 ? '1 or 3' : own} for ${name} (${own} channel${own === 1 ? '' : 's'}), got ${asked}`,
  );
}

/**
 * A gray image replicated to 3 channels (the paper's 3×28×28 inputs and parameter counts). Per-image
 * standardization gives the same values before or after, so it runs on the 1-channel images.
 */
function replicateChannels(s: Split, channels: number): Split {
  if (s.images.shape[1] === channels) return s;
  return { images: s.images.repeat(1, channels, 1, 1), labels: s.labels };
}

/** Frees a data set's tensors (idempotent). */
export function disposeDataset(ds: LoadedDataset): void {
  for (const s of [ds.train, ds.test]) {
    s.images.dispose();
    s.labels.dispose();
  }
}

/** Per-class counts of an int64 label tensor. */
export function labelHistogram(labels: Tensor, classes: number): number[] {
  return scope(() => labels.bincount(classes).toArray());
}

/** Checks a name against DATASETS (for config validation before any file is read). */
export function checkDatasetName(name: string): string {
  if (!DATASETS.includes(name)) throw unknownName('data', 'data set', name, DATASETS);
  return name;
}

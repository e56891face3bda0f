// The theory room's view of a data set: flattened raw pixels / 255 (the kernel demo's input) and possibly randomized labels.
import { Tensor, keep, scope } from '../engine/index.js';
import { disposeDataset, loadDataset, type LoadedDataset } from '../data/index.js';
import { applyRandomization, drawRandomization, parseRandomization } from '../randomize/index.js';

export interface FlatData {
  name: string;
  classes: number;
  shape: [number, number, number]; // C, H, W
  xTrain: Tensor; // (n, C·H·W) float32 in [0, 1]
  yTrain: Tensor; // (n) int64, after the label randomization
  xTest: Tensor; // (m, C·H·W)
  yTest: Tensor; // (m) int64, clean
  labelChangedFraction: number;
}

export interface FlatOptions {
  dataset: string;
  dataDir?: string;
  trainSize?: number;
  testSize?: number;
  subsetSeed?: number;
  labels?: string; // true | random | corrupted:P (src/randomize)
  corruption?: 'uniform' | 'wrong-class'; // how corrupted labels are redrawn (default uniform)
  seed?: number; // of the label randomization
}

/** Loads pixels / 255 without standardization or cropping (Section 5's kernel demo), labels randomized by spec. */
export function loadFlat(o: FlatOptions): FlatData {
  const raw = loadDataset({
    name: o.dataset,
    dataDir: o.dataDir,
    trainSize: o.trainSize,
    testSize: o.testSize,
    subsetSeed: o.subsetSeed,
    preprocess: { scale: true, centerCrop: null, perImageStandardization: false, normalize: false },
  });
  let ds: LoadedDataset = raw;
  let changed = 0;
  try {
    const spec = parseRandomization({
      labels: o.labels ?? 'true',
      corruption: o.corruption ?? 'uniform',
      seed: o.seed ?? 0,
    });
    if (spec.labels !== 'true') {
      const artifact = drawRandomization(raw, spec);
      ds = applyRandomization(raw, artifact);
      changed = artifact.labelChangedFraction;
    }
    const flat = scope(() => ({
      xTrain: ds.train.images.flatten(1),
      yTrain: ds.train.labels.clone(),
      xTest: ds.test.images.flatten(1),
      yTest: ds.test.labels.clone(),
    }));
    keep(flat);
    return {
      name: raw.name,
      classes: raw.classes.length,
      shape: raw.shape,
      ...flat,
      labelChangedFraction: changed,
    };
  } finally {
    if (ds !== raw) disposeDataset(ds);
    disposeDataset(raw);
  }
}

/** Frees a FlatData's tensors. */
export function disposeFlat(d: FlatData): void {
  for (const t of [d.xTrain, d.yTrain, d.xTest, d.yTest]) t.dispose();
}

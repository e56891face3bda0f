// Drawing a randomization once (seeded, recorded) and applying it to a data set (PAPER.md §1).
import {
  Generator,
  InputError,
  Rng,
  Tensor,
  deriveSeed,
  empty,
  keep,
  rand,
  randint,
  randn,
  randperm,
  scope,
  tensor,
  where,
} from '../engine/index.js';
import type { LoadedDataset, Split } from '../data/index.js';
import { labelCorruption, type RandomizationSpec } from './spec.js';

/** What was drawn for one split. Per-image pixel draws are re-derived from pixelSeed, chunk by chunk. */
export interface SplitDraw {
  count: number;
  labelDigest: number; // FNV-1a of the original labels: the artifact must meet the same data
  labels: Uint16Array | null; // the new labels (null: labels untouched)
  corrupted: Uint8Array | null; // 1 where a label was redrawn (the mask; it may equal the old label)
  labelChangedFraction: number; // fraction of labels that differ from the original
  pixelSeed: number | null; // random-pixels / gaussian: chunk c draws from Generator(deriveSeed(pixelSeed, c))
  pixelCheck: number[] | null; // the first draws, to catch a libtorch that draws differently on resume
}

/** Everything needed to re-apply a randomization exactly, saved with the run. */
export interface RandomizationArtifact {
  spec: RandomizationSpec;
  labelChangedFraction: number; // training labels actually changed
  dataset: { name: string; shape: [number, number, number]; classes: number };
  chunk: number; // images per pixel-draw chunk (part of the derivation)
  train: SplitDraw;
  test: SplitDraw | null; // null: the test set keeps its labels and (except shuffled pixels) its images
  pixelPermutation: Int32Array | null; // shuffled-pixels: one permutation of the H·W positions
  gaussian: GaussianDraw | null;
}

/**
 * The Gaussian inputs' moments per channel (equal entries for 'global'). perPixel: the data set's gray
 * channel replicated (dataset.channels 3), so one draw per pixel is replicated across the channels like the
 * images it replaces — the data's own 784 dimensions, as for random pixels. Artifacts from before it have
 * no perPixel and keep their independent draws per channel.
 */
export interface GaussianDraw {
  mean: number[];
  std: number[];
  perPixel?: boolean;
}

export const PIXEL_CHUNK = 4096;

/** FNV-1a over the values (labels digest). */
export function digest(values: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < values.length; i++) h = Math.imul(h ^ (values[i] & 0xffff), 0x01000193) >>> 0;
  return h;
}

function drawLabels(
  labels: Tensor,
  k: number,
  spec: RandomizationSpec,
  split: string,
): Pick<SplitDraw, 'labels' | 'corrupted' | 'labelChangedFraction'> {
  const p = labelCorruption(spec.labels);
  if (p === 0) return { labels: null, corrupted: null, labelChangedFraction: 0 };
  return scope(() => {
    const n = labels.shape[0];
    const generator = new Generator(deriveSeed(spec.seed, 'labels', split));
    const old = labels.to('cpu');
    const mask = rand([n], { generator, dtype: 'float64' }).lt(p);
    const drawn =
      spec.corruption === 'uniform'
        ? randint(0, k, [n], { generator })
        : intSum(old, randint(1, Math.max(k, 2), [n], { generator })).remainder(k); // a class other than the old one
    const next = where(mask, drawn, old);
    const changed = next.ne(old).to('float64').mean().item();
    return {
      labels: Uint16Array.from(next.toArray()),
      corrupted: Uint8Array.from(mask.to('uint8').toArray()),
      labelChangedFraction: n === 0 ? 0 : changed,
    };
  });
}

/** a + b of int64 tensors, exact below 2^53 (the addon passes add's alpha as a double, which libtorch refuses for integers). */
export function intSum(a: Tensor, b: Tensor): Tensor {
  return a.to('float64').add(b.to('float64')).to('int64');
}

/**
 * (len, H·W) int64: a random permutation of the pixel positions per image of chunk c, by Fisher–Yates
 * with Rng(deriveSeed(pixelSeed, c)). Drawn in JS once per load (not per batch): linear time, faster
 * than argsort of uniform keys (docs/measurements.md), and independent of the libtorch version.
 */
function chunkPermutations(pixelSeed: number, c: number, len: number, hw: number): Tensor {
  const rng = new Rng(deriveSeed(pixelSeed, c));
  const out = new Int32Array(len * hw);
  for (let i = 0; i < len; i++) out.set(rng.permutation(hw), i * hw);
  return scope(() => tensor(out, [len, hw]).to('int64'));
}

/** (len, C, H, W) Gaussian draws with per-channel mean and std; one per pixel across the channels if g.perPixel. */
function chunkGaussian(
  pixelSeed: number,
  c: number,
  len: number,
  shape: readonly number[],
  g: GaussianDraw,
): Tensor {
  const [ch, h, w] = shape;
  const generator = new Generator(deriveSeed(pixelSeed, c));
  const z = g.perPixel
    ? randn([len, 1, h, w], { generator }).expand(len, ch, h, w)
    : randn([len, ...shape], { generator });
  return z
    .mul(tensor(Float32Array.from(g.std), [1, ch, 1, 1]))
    .add(tensor(Float32Array.from(g.mean), [1, ch, 1, 1]));
}

function pixelCheck(
  spec: RandomizationSpec,
  pixelSeed: number,
  shape: readonly number[],
  g: RandomizationArtifact['gaussian'],
): number[] {
  return scope(() => {
    const first =
      spec.inputs === 'random-pixels'
        ? chunkPermutations(pixelSeed, 0, 1, shape[1] * shape[2])
        : chunkGaussian(pixelSeed, 0, 1, shape, g!);
    return first.flatten().narrow(0, 0, 8).toArray();
  });
}

function gaussianStats(
  images: Tensor,
  stats: RandomizationSpec['gaussianStats'],
  replicated: boolean,
): GaussianDraw {
  const moments = scope(() => {
    const x = images.to('float64');
    const c = images.shape[1];
    if (stats === 'global') {
      const [m, s] = [x.mean().item(), x.std(undefined, false).item()];
      return { mean: Array<number>(c).fill(m), std: Array<number>(c).fill(s) };
    }
    return { mean: x.mean([0, 2, 3]).toArray(), std: x.std([0, 2, 3], false).toArray() };
  });
  return replicated ? { ...moments, perPixel: true } : moments;
}

function drawSplit(
  split: Split,
  ds: LoadedDataset,
  spec: RandomizationSpec,
  name: string,
  g: RandomizationArtifact['gaussian'],
): SplitDraw {
  const count = split.labels.shape[0];
  const original = scope(() => split.labels.to('cpu').toArray());
  const perImage = spec.inputs === 'random-pixels' || spec.inputs === 'gaussian';
  const pixelSeed = perImage ? deriveSeed(spec.seed, spec.inputs, name) : null;
  return {
    count,
    labelDigest: digest(original),
    ...drawLabels(split.labels, ds.classes.length, spec, name),
    pixelSeed,
    pixelCheck: pixelSeed === null ? null : pixelCheck(spec, pixelSeed, ds.shape, g),
  };
}

/** Draws a randomization of ds once; the artifact holds everything applyRandomization needs. */
export function drawRandomization(ds: LoadedDataset, spec: RandomizationSpec): RandomizationArtifact {
  if (spec.corruption === 'wrong-class' && labelCorruption(spec.labels) > 0 && ds.classes.length < 2) {
    throw new InputError(
      `randomize.corruption: wrong-class needs at least 2 classes; got ${ds.classes.length}`,
    );
  }
  const gaussian =
    spec.inputs === 'gaussian'
      ? gaussianStats(ds.train.images, spec.gaussianStats, ds.replicated ?? false)
      : null;
  const pixelPermutation =
    spec.inputs === 'shuffled-pixels'
      ? scope(() =>
          Int32Array.from(
            randperm(ds.shape[1] * ds.shape[2], {
              generator: new Generator(deriveSeed(spec.seed, 'shuffled-pixels')),
            }).toArray(),
          ),
        )
      : null;
  const train = drawSplit(ds.train, ds, spec, 'train', gaussian);
  const test = spec.corruptTest ? drawSplit(ds.test, ds, spec, 'test', gaussian) : null;
  return {
    spec,
    labelChangedFraction: train.labelChangedFraction,
    dataset: { name: ds.name, shape: [...ds.shape], classes: ds.classes.length },
    chunk: PIXEL_CHUNK,
    train,
    test,
    pixelPermutation,
    gaussian,
  };
}

function checkMatch(
  ds: LoadedDataset,
  a: RandomizationArtifact,
  split: Split,
  draw: SplitDraw,
  name: string,
): void {
  const where = `randomize: the artifact's ${name} split`;
  if (split.labels.shape[0] !== draw.count)
    throw new InputError(
      `${where} has ${draw.count} examples; expected the data set's ${split.labels.shape[0]}`,
    );
  const d = scope(() => digest(split.labels.to('cpu').toArray()));
  if (d !== draw.labelDigest)
    throw new InputError(
      `${where} was drawn for other labels (digest ${draw.labelDigest}); expected ${d}: a different subset or data set?`,
    );
  if (draw.pixelSeed !== null && draw.pixelCheck !== null) {
    const now = pixelCheck(a.spec, draw.pixelSeed, ds.shape, a.gaussian);
    if (now.some((v, i) => Math.abs(v - draw.pixelCheck![i]) > 1e-5 * (1 + Math.abs(v)))) {
      throw new Error(
        `${where}: this libtorch draws other pixels from the recorded seed (got ${now.slice(0, 3).join(',')}…, recorded ${draw.pixelCheck.slice(0, 3).join(',')}…); re-running would not reproduce the run`,
      );
    }
  }
}

/** Images with each chunk of images replaced (random-pixels, gaussian) or permuted (shuffled-pixels). */
function randomizeImages(images: Tensor, a: RandomizationArtifact, draw: SplitDraw | null): Tensor {
  const [n, c, h, w] = images.shape;
  const dev = images.device;
  const inputs = a.spec.inputs;
  if (inputs === 'shuffled-pixels') {
    const perm = tensor(a.pixelPermutation!).to('int64').to(dev);
    return images
      .reshape(n, c, h * w)
      .indexSelect(2, perm)
      .reshape(n, c, h, w);
  }
  if (inputs === 'true' || draw === null || draw.pixelSeed === null) return images.clone();
  const out = empty([n, c, h, w], { device: dev });
  for (let start = 0, chunk = 0; start < n; start += a.chunk, chunk++) {
    scope(() => {
      const len = Math.min(a.chunk, n - start);
      const part =
        inputs === 'gaussian'
          ? chunkGaussian(draw.pixelSeed!, chunk, len, [c, h, w], a.gaussian!).to(dev)
          : images
              .narrow(0, start, len)
              .reshape(len, c, h * w)
              .gather(
                2,
                chunkPermutations(draw.pixelSeed!, chunk, len, h * w)
                  .to(dev)
                  .reshape(len, 1, h * w)
                  .expand(len, c, h * w),
              )
              .reshape(len, c, h, w);
      out.narrow(0, start, len).copy_(part);
    });
  }
  return out;
}

function applySplit(split: Split, a: RandomizationArtifact, draw: SplitDraw | null): Split {
  const labels = draw?.labels
    ? tensor(Int32Array.from(draw.labels)).to('int64').to(split.labels.device)
    : split.labels.clone();
  return { images: randomizeImages(split.images, a, draw), labels };
}

/**
 * A new data set (the caller owns its tensors: disposeDataset) with the artifact's randomization:
 * the same artifact gives the same tensors. The test split changes only with corruptTest, except
 * shuffled pixels, which permute train and test alike.
 */
export function applyRandomization(ds: LoadedDataset, a: RandomizationArtifact): LoadedDataset {
  const sameShape = a.dataset.shape.every((v, i) => v === ds.shape[i]);
  if (!sameShape || a.dataset.classes !== ds.classes.length) {
    throw new InputError(
      `randomize: the artifact was drawn for ${a.dataset.name} of shape [${a.dataset.shape.join(', ')}] with ${a.dataset.classes} classes; expected [${ds.shape.join(', ')}] with ${ds.classes.length}`,
    );
  }
  checkMatch(ds, a, ds.train, a.train, 'train');
  if (a.test !== null) checkMatch(ds, a, ds.test, a.test, 'test');
  const splits = scope(() => ({
    train: applySplit(ds.train, a, a.train),
    test: applySplit(ds.test, a, a.test),
  }));
  keep(splits);
  return { ...ds, train: splits.train, test: splits.test };
}

// Preprocessing (PAPER.md §2): scale to [0,1], center crop, TF per-image standardization, data-set normalization.
import { InputError, Tensor, empty, scope, tensor } from '../engine/index.js';

/** What is done to the raw uint8 images, in this order; the resolved spec is recorded with every run. */
export interface PreprocessSpec {
  scale: boolean; // divide bytes by 255 so pixels lie in [0, 1]
  centerCrop: number | null; // side of a centered square crop (28 for CIFAR in the paper), null for none
  perImageStandardization: boolean; // TF's per_image_standardization: (x − mean) / max(std, 1/√N), population std
  normalize: boolean; // then subtract the training split's per-channel mean and divide by its std
  mean: number[] | null; // per-channel statistics used by normalize (resolved from the training split unless given)
  std: number[] | null;
}

/** genlab's defaults: the paper's CIFAR pipeline (crop 28, per-image whitening) and the same whitening for MNIST-like sets. */
export function defaultPreprocess(dataset: string): PreprocessSpec {
  const cifar = dataset.startsWith('cifar');
  return {
    scale: true,
    centerCrop: cifar ? 28 : null,
    perImageStandardization: true,
    normalize: false,
    mean: null,
    std: null,
  };
}

const KEYS = ['scale', 'centerCrop', 'perImageStandardization', 'normalize', 'mean', 'std'];

/** Merges user choices into the defaults, validating each key (unknown keys are errors). */
export function resolvePreprocess(dataset: string, partial: Partial<PreprocessSpec> = {}): PreprocessSpec {
  for (const k of Object.keys(partial)) {
    if (!KEYS.includes(k))
      throw new InputError(`preprocess: unknown key "${k}"; expected one of ${KEYS.join(', ')}`);
  }
  const spec = { ...defaultPreprocess(dataset), ...partial };
  for (const k of ['scale', 'perImageStandardization', 'normalize'] as const) {
    if (typeof spec[k] !== 'boolean')
      throw new InputError(`preprocess.${k}: expected true or false, got ${JSON.stringify(spec[k])}`);
  }
  const c = spec.centerCrop;
  if (c !== null && (!Number.isInteger(c) || c < 1))
    throw new InputError(
      `preprocess.centerCrop: expected a positive integer or null, got ${JSON.stringify(c)}`,
    );
  for (const k of ['mean', 'std'] as const) {
    const v = spec[k];
    if (v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))) {
      throw new InputError(`preprocess.${k}: expected an array of numbers or null, got ${JSON.stringify(v)}`);
    }
  }
  if (spec.std?.some((s) => s <= 0))
    throw new InputError(`preprocess.std: expected positive values, got ${JSON.stringify(spec.std)}`);
  return spec;
}

/** The centered size×size window of (N, C, H, W); offsets as TF's central crop: floor((H − size) / 2). */
export function centerCrop(x: Tensor, size: number): Tensor {
  const [, , h, w] = x.shape;
  if (size > h || size > w)
    throw new InputError(
      `preprocess.centerCrop: crop ${size} does not fit images of ${h}×${w}; expected at most ${Math.min(h, w)}`,
    );
  return x.narrow(2, Math.floor((h - size) / 2), size).narrow(3, Math.floor((w - size) / 2), size);
}

/** TF per_image_standardization over each image's C·H·W values: (x − mean) / max(std, 1/√N). */
export function perImageStandardization(x: Tensor): Tensor {
  return scope(() => {
    const n = x.numel / x.shape[0];
    const mean = x.mean([1, 2, 3], true);
    const std = x.std([1, 2, 3], false, true).clamp(1 / Math.sqrt(n));
    return x.sub(mean).div(std);
  });
}

/** Per-channel mean and population std of (N, C, H, W). */
export function channelStats(x: Tensor): { mean: number[]; std: number[] } {
  return scope(() => {
    const xd = x.to('float64');
    return { mean: xd.mean([0, 2, 3]).toArray(), std: xd.std([0, 2, 3], false).toArray() };
  });
}

const CHUNK = 8192; // images per step, to bound temporaries on large sets

/** Raw uint8 (N, C, H, W) → float32 (N, C, H', W') by spec, except normalize (see normalizeChannels). */
export function preprocessImages(raw: Tensor, spec: PreprocessSpec): Tensor {
  const [n, c, h, w] = raw.shape;
  const side = spec.centerCrop;
  const out = empty([n, c, side ?? h, side ?? w]);
  for (let start = 0; start < n; start += CHUNK) {
    scope(() => {
      const len = Math.min(CHUNK, n - start);
      let x = raw.narrow(0, start, len);
      if (side !== null) x = centerCrop(x, side);
      x = x.to('float32');
      if (spec.scale) x = x.div(255);
      if (spec.perImageStandardization) x = perImageStandardization(x);
      out.narrow(0, start, len).copy_(x);
    });
  }
  return out;
}

/** In place: x ← (x − mean[c]) / std[c]. */
export function normalizeChannels(x: Tensor, mean: readonly number[], std: readonly number[]): void {
  const c = x.shape[1];
  if (mean.length !== c || std.length !== c) {
    throw new InputError(
      `preprocess: normalization statistics have ${mean.length}/${std.length} channels; expected ${c}`,
    );
  }
  scope(() => {
    x.sub_(tensor(Float32Array.from(mean), [1, c, 1, 1]));
    x.div_(tensor(Float32Array.from(std), [1, c, 1, 1]));
  });
}

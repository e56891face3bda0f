// Section 5's preprocessing for kernels: raw pixels, a Gabor wavelet filter bank, or random convolutional features.
import {
  Generator,
  InputError,
  Tensor,
  cat,
  keep,
  randn,
  scope,
  tensor,
  unknownName,
} from '../engine/index.js';
import { F } from '../nn/index.js';

export const FEATURES = ['pixels', 'gabor', 'random-conv'] as const;
export type FeatureName = (typeof FEATURES)[number];

export interface FeatureSpec {
  name: FeatureName;
  scales: number; // gabor: wavelengths 2, 4, 8, … pixels (scales of the bank)
  orientations: number; // gabor: angles kπ/orientations
  filters: number; // random-conv: number of random filters
  filterSize: number; // random-conv: side of each filter (odd)
  pool: number; // average-pooling window (and stride) after the modulus / rectification
  seed: number; // random-conv: filter draws
}

export const DEFAULT_FEATURES: FeatureSpec = {
  name: 'pixels',
  scales: 3,
  orientations: 4,
  filters: 64,
  filterSize: 5,
  pool: 4,
  seed: 0,
};

export function checkFeatures(s: FeatureSpec): FeatureSpec {
  if (!FEATURES.includes(s.name)) throw unknownName('kernel: features', 'features', s.name, FEATURES);
  if (s.filterSize % 2 !== 1)
    throw new InputError(`kernel: --filter-size: expected an odd size, got ${s.filterSize}`);
  return s;
}

/** A complex Gabor kernel (real, imaginary) of wavelength λ and angle θ, σ = λ/2, side ~ 2.5σ each way, zero-mean real part. */
function gaborPair(lambda: number, theta: number): { re: Float64Array; im: Float64Array; side: number } {
  const sigma = lambda / 2;
  const half = Math.ceil(2.5 * sigma);
  const side = 2 * half + 1;
  const re = new Float64Array(side * side);
  const im = new Float64Array(side * side);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const [y, x] = [i - half, j - half];
      const u = x * Math.cos(theta) + y * Math.sin(theta);
      const env = Math.exp(-(x * x + y * y) / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma);
      re[i * side + j] = env * Math.cos((2 * Math.PI * u) / lambda);
      im[i * side + j] = env * Math.sin((2 * Math.PI * u) / lambda);
    }
  }
  const mean = re.reduce((a, b) => a + b, 0) / re.length;
  for (let k = 0; k < re.length; k++) re[k] -= mean; // no response to flat regions
  return { re, im, side };
}

/**
 * Gabor wavelet modulus |x ∗ ψ_{λ,θ}| per channel, average-pooled: (N, C·scales·orientations·H'·W').
 * One grouped convolution per scale carries every orientation's real and imaginary filter at once
 * (one pass over the images per scale, not one per filter).
 */
function gaborFeatures(x: Tensor, s: FeatureSpec): Tensor {
  const [n, c, h, w] = x.shape;
  const maps: Tensor[] = [];
  for (let k = 0; k < s.scales; k++) {
    const pairs = Array.from({ length: s.orientations }, (_, o) =>
      gaborPair(2 ** (k + 1), (o * Math.PI) / s.orientations),
    );
    const side = pairs[0].side;
    const bank = Float32Array.from(pairs.flatMap((p) => [...p.re, ...p.im]));
    const weight = tensor(bank, [2 * s.orientations, 1, side, side]).repeat(c, 1, 1, 1); // (C·2O, 1, side, side)
    const out = F.conv2d(x, weight, undefined, { padding: (side - 1) / 2, groups: c }); // (N, C·2O, H, W)
    maps.push(
      out
        .mul_(out)
        .reshape(n, c * s.orientations, 2, h, w)
        .sum(2)
        .sqrt(),
    ); // modulus (N, C·O, H, W), squared in place
  }
  return F.avgPool2d(cat(maps, 1), s.pool).flatten(1);
}

/** Random filters (Gaussian, unit norm per filter), rectified and average-pooled: (N, filters·H'·W'). */
function randomConvFeatures(x: Tensor, w: Tensor, s: FeatureSpec): Tensor {
  const out = F.conv2d(x, w, undefined, { padding: (s.filterSize - 1) / 2 }).clamp_(0); // ReLU in place: a fresh (N, F, H, W) costs a page fault per 4 KiB
  return F.avgPool2d(out, s.pool).flatten(1);
}

/**
 * Features of images (N, C, H, W) as float32 rows, computed in chunks of 1,024 images. Random-conv
 * filters are drawn once from the seed so training and test sets share them.
 */
export function computeFeatures(images: Tensor, s: FeatureSpec): Tensor {
  checkFeatures(s);
  if (s.name === 'pixels') return scope(() => images.flatten(1).to('float32'));
  const w = s.name === 'random-conv' ? keep(drawFilters(images.size(1), s)) : undefined;
  try {
    const parts: Tensor[] = [];
    for (let start = 0; start < images.size(0); start += 1024) {
      const len = Math.min(1024, images.size(0) - start);
      parts.push(
        scope(() => {
          const x = images.narrow(0, start, len).to('float32');
          return w ? randomConvFeatures(x, w, s) : gaborFeatures(x, s);
        }),
      );
    }
    return scope(() => cat(parts, 0));
  } finally {
    w?.dispose();
  }
}

function drawFilters(channels: number, s: FeatureSpec): Tensor {
  return scope(() => {
    const w = randn([s.filters, channels, s.filterSize, s.filterSize], { generator: new Generator(s.seed) });
    return w.div(w.square().sum([1, 2, 3], true).sqrt());
  });
}

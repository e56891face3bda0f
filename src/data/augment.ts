// Data augmentation (PAPER.md §5), batched on tensors: random crop, flip, brightness, contrast, saturation, hue.
import {
  Generator,
  InputError,
  Tensor,
  arange,
  rand,
  randint,
  scope,
  tensor,
  unknownName,
  where,
} from '../engine/index.js';

/**
 * What augmentBatch does to each training batch; every image draws its own parameters. Values are
 * in the units of the tensor it is given (genlab's images are preprocessed, see PreprocessSpec).
 */
export interface AugmentSpec {
  crop: boolean; // random crop: pad by cropPadding (zeros), then a random window of cropSize (default: the input size)
  cropPadding: number;
  cropSize?: number | null; // e.g. 28 from un-cropped 32×32 CIFAR, the paper's crop; null keeps the size
  flip: boolean; // horizontal flip with probability 1/2
  brightness: number; // add δ ~ U(−b, b) to every pixel; 0 is off
  contrast: [number, number]; // (x − mean_c) · f + mean_c, f ~ U(lo, hi), per-channel spatial mean; [1, 1] is off
  saturation: [number, number]; // blend with the grey image: grey + f · (x − grey), f ~ U(lo, hi); RGB only
  hue: number; // rotate chroma by 2π·δ, δ ~ U(−h, h) of a full turn (YIQ rotation); RGB only; 0 is off
}

/** The names accepted by --augment. */
export const AUGMENTATIONS: readonly string[] = [
  'crop',
  'flip',
  'brightness',
  'contrast',
  'saturation',
  'hue',
];

/** Everything off. */
export const NO_AUGMENTATION: AugmentSpec = {
  crop: false,
  cropPadding: 0,
  cropSize: null,
  flip: false,
  brightness: 0,
  contrast: [1, 1],
  saturation: [1, 1],
  hue: 0,
};

/**
 * Values when switched on. Brightness and contrast are the TF CIFAR-10 tutorial's
 * (random_brightness max_delta 63 of 255 → 63/255 on [0,1] pixels; random_contrast 0.2..1.8); the tutorial
 * has no saturation or hue, so those are TF's Inception distort_color values (0.5..1.5, 0.2). The crop pads
 * by 2, which shifts images by up to ±2 pixels: the offsets of the paper's 28-from-32 crop.
 */
export const AUGMENT_DEFAULTS: AugmentSpec = {
  crop: true,
  cropPadding: 2,
  cropSize: null,
  flip: true,
  brightness: 63 / 255,
  contrast: [0.2, 1.8],
  saturation: [0.5, 1.5],
  hue: 0.2,
};

/** The spec that switches on the named augmentations (the rest off). */
export function augmentSpec(names: readonly string[]): AugmentSpec {
  const spec: AugmentSpec = { ...NO_AUGMENTATION };
  for (const name of names) {
    if (!AUGMENTATIONS.includes(name)) throw unknownName('augment', 'augmentation', name, AUGMENTATIONS);
    if (name === 'crop') Object.assign(spec, { crop: true, cropPadding: AUGMENT_DEFAULTS.cropPadding });
    else (spec as unknown as Record<string, unknown>)[name] = AUGMENT_DEFAULTS[name as keyof AugmentSpec];
  }
  return spec;
}

function checkRange(r: [number, number], key: string): void {
  if (!Array.isArray(r) || r.length !== 2 || !(r[0] >= 0 && r[1] >= r[0] && Number.isFinite(r[1]))) {
    throw new InputError(`augment.${key}: expected [lo, hi] with 0 ≤ lo ≤ hi, got ${JSON.stringify(r)}`);
  }
}

/** Validates a spec (e.g. one read from a preset); throws InputError naming the key. */
export function checkAugmentSpec(spec: AugmentSpec): void {
  if (!Number.isInteger(spec.cropPadding) || spec.cropPadding < 0)
    throw new InputError(`augment.cropPadding: expected a non-negative integer, got ${spec.cropPadding}`);
  const s = spec.cropSize;
  if (s !== undefined && s !== null && (!Number.isInteger(s) || s < 1))
    throw new InputError(`augment.cropSize: expected a positive integer or null, got ${s}`);
  if (!(spec.brightness >= 0 && Number.isFinite(spec.brightness)))
    throw new InputError(`augment.brightness: expected a number ≥ 0, got ${spec.brightness}`);
  if (!(spec.hue >= 0 && spec.hue <= 0.5))
    throw new InputError(`augment.hue: expected a number in [0, 0.5], got ${spec.hue}`);
  checkRange(spec.contrast, 'contrast');
  checkRange(spec.saturation, 'saturation');
}

/** (n) uniform draws in [lo, hi), shaped (n, 1, 1, 1) on the batch's device. */
function uniform(n: number, lo: number, hi: number, g: Generator, device: string): Tensor {
  return rand([n], { generator: g })
    .mul(hi - lo)
    .add(lo)
    .reshape(n, 1, 1, 1)
    .to(device);
}

/** A random out×out window of each image (after zero padding), by two gathers: rows, then columns. */
function randomCrop(x: Tensor, pad: number, size: number | null | undefined, g: Generator): Tensor {
  const [n, c, h, w] = x.shape;
  const xp = pad > 0 ? x.pad([pad, pad, pad, pad]) : x;
  const [hp, wp] = [h + 2 * pad, w + 2 * pad];
  const [oh, ow] = [size ?? h, size ?? w];
  if (oh > hp || ow > wp)
    throw new InputError(`augment.cropSize: ${oh}×${ow} does not fit padded images of ${hp}×${wp}`);
  const dev = x.device;
  const oy = randint(0, hp - oh + 1, [n], { generator: g })
    .to('float64')
    .to(dev);
  const ox = randint(0, wp - ow + 1, [n], { generator: g })
    .to('float64')
    .to(dev);
  // Offsets and positions in float64, then int64: the addon's add passes alpha as a double, which libtorch refuses for integers.
  const rows = oy
    .reshape(n, 1)
    .add(arange(0, oh, 1, { device: dev, dtype: 'float64' }).reshape(1, oh))
    .to('int64'); // (n, oh)
  const cols = ox
    .reshape(n, 1)
    .add(arange(0, ow, 1, { device: dev, dtype: 'float64' }).reshape(1, ow))
    .to('int64'); // (n, ow)
  const byRows = xp.gather(2, rows.reshape(n, 1, oh, 1).expand(n, c, oh, wp)); // (n, c, oh, wp)
  return byRows.gather(3, cols.reshape(n, 1, 1, ow).expand(n, c, oh, ow)); // (n, c, oh, ow)
}

// RGB ↔ YIQ (NTSC). A hue rotation by θ is Tinv · R(θ) · T = A + cos θ · B + sin θ · S.
const T = [
  [0.299, 0.587, 0.114],
  [0.596, -0.274, -0.322],
  [0.211, -0.523, 0.312],
];
const TINV = [
  [1, 0.956, 0.621],
  [1, -0.272, -0.647],
  [1, -1.106, 1.703],
];
function conj(m: number[][]): number[] {
  const out: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += TINV[i][a] * m[a][b] * T[b][j];
      out.push(s);
    }
  }
  return out;
}
const HUE_A = conj([
  [1, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
]);
const HUE_B = conj([
  [0, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
]);
const HUE_S = conj([
  [0, 0, 0],
  [0, 0, -1],
  [0, 1, 0],
]);

function rotateHue(x: Tensor, maxDelta: number, g: Generator): Tensor {
  const [n, c, h, w] = x.shape;
  const theta = rand([n], { generator: g })
    .mul(4 * Math.PI * maxDelta)
    .sub(2 * Math.PI * maxDelta)
    .reshape(n, 1, 1);
  const m = (k: number[]): Tensor => tensor(Float32Array.from(k), [1, 3, 3]);
  const rot = m(HUE_A)
    .add(theta.cos().mul(m(HUE_B)))
    .add(theta.sin().mul(m(HUE_S)))
    .to(x.device); // (n, 3, 3)
  return rot.matmul(x.reshape(n, c, h * w)).reshape(n, c, h, w);
}

function grey(x: Tensor): Tensor {
  return x.mul(tensor(Float32Array.from([0.299, 0.587, 0.114]), [1, 3, 1, 1]).to(x.device)).sum(1, true); // (n, 1, h, w)
}

/**
 * Augments a batch (N, C, H, W) with fresh draws from generator; returns a new tensor. Saturation
 * and hue act on 3-channel images only (a grey image has neither). No per-example JS loops.
 */
export function augmentBatch(x: Tensor, spec: AugmentSpec, generator: Generator): Tensor {
  checkAugmentSpec(spec);
  if (x.ndim !== 4)
    throw new InputError(`augment: expected a batch (N, C, H, W), got shape [${x.shape.join(', ')}]`);
  return scope(() => {
    const n = x.shape[0];
    const dev = x.device;
    let y = x;
    if (spec.crop) y = randomCrop(y, spec.cropPadding, spec.cropSize, generator);
    if (spec.flip) y = where(rand([n], { generator }).lt(0.5).reshape(n, 1, 1, 1).to(dev), y.flip(3), y);
    if (spec.brightness > 0) y = y.add(uniform(n, -spec.brightness, spec.brightness, generator, dev));
    if (spec.contrast[0] !== 1 || spec.contrast[1] !== 1) {
      const mean = y.mean([2, 3], true);
      y = y
        .sub(mean)
        .mul(uniform(n, spec.contrast[0], spec.contrast[1], generator, dev))
        .add(mean);
    }
    const rgb = y.shape[1] === 3;
    if (rgb && (spec.saturation[0] !== 1 || spec.saturation[1] !== 1)) {
      const g = grey(y);
      y = y
        .sub(g)
        .mul(uniform(n, spec.saturation[0], spec.saturation[1], generator, dev))
        .add(g);
    }
    if (rgb && spec.hue > 0) y = rotateHue(y, spec.hue, generator);
    return y === x ? x.clone() : y;
  });
}

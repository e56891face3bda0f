// The models and rows of `genlab bench engine` (bench/engine_ref.py defines the same models under the same names).
import { Generator, noGrad, scope, zeros, type Tensor } from '../engine/index.js';
import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  LocalResponseNorm,
  MaxPool2d,
  ReLU,
  Sequential,
  type Module,
} from '../nn/index.js';
import { InceptionSmall } from '../models/inception.js';

export interface BenchModel {
  name: string;
  input: [number, number, number]; // (C, H, W) of one example
  build(g: Generator): Module;
  flops?: number; // multiply-adds ×2 of one example's forward pass (a training step costs ≈ 3×); see flopsOf
  conv: boolean; // a conv net: its one-thread rows count towards minConvFraction
}

const mlp = (sizes: number[], g: Generator): Module => {
  const layers: Module[] = [new Flatten()];
  sizes.slice(1).forEach((n, i) => {
    layers.push(new Linear(sizes[i], n, { generator: g }));
    if (i < sizes.length - 2) layers.push(new ReLU());
  });
  return new Sequential(...layers);
};
const denseFlops = (sizes: number[]): number => sizes.slice(1).reduce((s, n, i) => s + 2 * sizes[i] * n, 0);
const convFlops = (hw: number, cin: number, cout: number, k: number): number =>
  2 * hw * hw * cout * cin * k * k;

/** The benchmark's models; engine_ref.py defines the same under the same names. */
export const MODELS: Record<string, BenchModel> = {
  'mlp-784-512-10': {
    name: 'mlp-784-512-10',
    input: [1, 28, 28],
    build: (g) => mlp([784, 512, 10], g),
    flops: denseFlops([784, 512, 10]),
    conv: false,
  },
  'mlp-3x512': {
    name: 'mlp-3x512',
    input: [3, 28, 28],
    build: (g) => mlp([2352, 512, 512, 512, 10], g),
    flops: denseFlops([2352, 512, 512, 512, 10]),
    conv: false,
  },
  // The paper's small AlexNet (TensorFlow's CIFAR-10 tutorial model) on 3×28×28, SAME convolutions:
  // (3,28,28) conv5(64) → (64,28,28) pool3/2 → (64,13,13) conv5(64) → pool3/2 → (64,6,6) → 384 → 192 → 10
  'alexnet-small': {
    name: 'alexnet-small',
    input: [3, 28, 28],
    build: (g) =>
      new Sequential(
        new Conv2d(3, 64, 5, { padding: 'same', generator: g }),
        new ReLU(),
        new MaxPool2d(3, { stride: 2 }),
        new LocalResponseNorm(5),
        new Conv2d(64, 64, 5, { padding: 'same', generator: g }),
        new ReLU(),
        new LocalResponseNorm(5),
        new MaxPool2d(3, { stride: 2 }),
        new Flatten(),
        new Linear(64 * 6 * 6, 384, { generator: g }),
        new ReLU(),
        new Linear(384, 192, { generator: g }),
        new ReLU(),
        new Linear(192, 10, { generator: g }),
      ),
    flops: convFlops(28, 3, 64, 5) + convFlops(13, 64, 64, 5) + denseFlops([2304, 384, 192, 10]),
    conv: true,
  },
  // (3,28,28) conv3(32) BN ReLU pool2 → (32,14,14) conv3(64) BN ReLU pool2 → (64,7,7) → 10
  'cnn-bn': {
    name: 'cnn-bn',
    input: [3, 28, 28],
    build: (g) =>
      new Sequential(
        new Conv2d(3, 32, 3, { padding: 1, generator: g }),
        new BatchNorm2d(32),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(32, 64, 3, { padding: 1, generator: g }),
        new BatchNorm2d(64),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(64 * 7 * 7, 10, { generator: g }),
      ),
    flops: convFlops(28, 3, 32, 3) + convFlops(14, 32, 64, 3) + denseFlops([3136, 10]),
    conv: true,
  },
  // The paper's small Inception with BatchNorm (src/models/inception.ts): 1×1 and 3×3 branches.
  'inception-small': {
    name: 'inception-small',
    input: [3, 28, 28],
    build: (g) => new InceptionSmall({ input: [3, 28, 28], classes: 10, batchNorm: true, generator: g }),
    conv: true,
  },
};

/** A model's forward FLOPs per example: as written in MODELS, else counted once by countFlops. */
export function flopsOf(m: BenchModel): number {
  return (m.flops ??= countFlops(m));
}

/**
 * Multiply-adds ×2 of one example's forward pass, read off the convolutions and linear layers that
 * one forward pass of a batch of one runs (their weights' shapes and the convolutions' output sizes).
 */
export function countFlops(m: BenchModel): number {
  let flops = 0;
  const conv = Conv2d.prototype.forward;
  const linear = Linear.prototype.forward;
  Conv2d.prototype.forward = function (this: Conv2d, x: Tensor): Tensor {
    const y = conv.call(this, x);
    const [o, cPerGroup, kh, kw] = this.weight.shape;
    flops += 2 * o * cPerGroup * kh * kw * y.shape[2] * y.shape[3];
    return y;
  };
  Linear.prototype.forward = function (this: Linear, x: Tensor): Tensor {
    flops += 2 * this.inFeatures * this.outFeatures;
    return linear.call(this, x);
  };
  try {
    scope(() => {
      const model = m.build(new Generator(0));
      model.eval();
      noGrad(() => model.forward(zeros([1, ...m.input])));
      model.dispose();
    });
  } finally {
    Conv2d.prototype.forward = conv;
    Linear.prototype.forward = linear;
  }
  return flops;
}

/**
 * The rows of the benchmark: a model at a batch size, on the run's threads or on `threads` (rows
 * asking for more threads than the machine has CPUs are left out); `steps` caps the timed steps of
 * a slow model's repetition.
 */
export interface BenchRowSpec {
  model: string;
  batch: number;
  threads?: number;
  steps?: number;
}
export const ROWS: BenchRowSpec[] = [
  { model: 'mlp-784-512-10', batch: 32 },
  { model: 'mlp-784-512-10', batch: 128 },
  { model: 'mlp-3x512', batch: 128 },
  { model: 'alexnet-small', batch: 128 },
  { model: 'cnn-bn', batch: 128 },
  { model: 'inception-small', batch: 128, steps: 3 },
  { model: 'alexnet-small', batch: 128, threads: 2 },
  { model: 'inception-small', batch: 128, threads: 2, steps: 3 },
];

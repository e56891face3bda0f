// Stateless network math (PyTorch's torch.nn.functional): modules own state, these do the math.
import { native, Tensor, rand, type Generator } from '../engine/index.js';

export type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** x (N, in) · weightᵀ (in, out) + bias. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, bias?.handle));
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}
/** x (N, C, H, W), weight (O, C/groups, kh, kw). */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, o: Conv2dOptions = {}): Tensor {
  return new Tensor(
    native.conv2d(
      x.handle,
      weight.handle,
      bias?.handle,
      pair(o.stride ?? 1),
      pair(o.padding ?? 0),
      pair(o.dilation ?? 1),
      o.groups ?? 1,
    ),
  );
}

export interface PoolOptions {
  stride?: Pair; // defaults to the kernel size, as in PyTorch
  padding?: Pair;
  ceilMode?: boolean;
}
export function maxPool2d(x: Tensor, kernel: Pair, o: PoolOptions = {}): Tensor {
  return new Tensor(
    native.maxPool2d(
      x.handle,
      pair(kernel),
      pair(o.stride ?? kernel),
      pair(o.padding ?? 0),
      o.ceilMode ?? false,
    ),
  );
}
export function avgPool2d(
  x: Tensor,
  kernel: Pair,
  o: PoolOptions & { countIncludePad?: boolean } = {},
): Tensor {
  return new Tensor(
    native.avgPool2d(
      x.handle,
      pair(kernel),
      pair(o.stride ?? kernel),
      pair(o.padding ?? 0),
      o.ceilMode ?? false,
      o.countIncludePad ?? true,
    ),
  );
}

export interface BatchNormArgs {
  weight?: Tensor;
  bias?: Tensor;
  runningMean?: Tensor;
  runningVar?: Tensor;
  training: boolean;
  momentum: number;
  eps: number;
}
/** In training, normalizes by batch statistics and updates the running ones in place. */
export function batchNorm(x: Tensor, a: BatchNormArgs): Tensor {
  return new Tensor(
    native.batchNorm(
      x.handle,
      a.weight?.handle,
      a.bias?.handle,
      a.runningMean?.handle,
      a.runningVar?.handle,
      a.training,
      a.momentum,
      a.eps,
    ),
  );
}

/** PyTorch's LRN: x / (k + alpha/size · Σ x²)^beta over `size` neighbouring channels. */
export function localResponseNorm(x: Tensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): Tensor {
  return new Tensor(native.localResponseNorm(x.handle, size, alpha, beta, k));
}

/** Inverted dropout with a seeded generator: zero with probability p, scale the rest by 1/(1−p). */
export function dropout(x: Tensor, p: number, training: boolean, generator?: Generator): Tensor {
  if (!training || p === 0) return x;
  if (p >= 1) return x.mul(0);
  const mask = rand(x.shape, { generator, device: x.device }).ge(p);
  const out = x.mul(mask).div(1 - p);
  mask.dispose();
  return out;
}

export function relu(x: Tensor): Tensor {
  return x.relu();
}
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return new Tensor(native.logSoftmax(x.handle, dim));
}
export function softmax(x: Tensor, dim = -1): Tensor {
  return new Tensor(native.softmax(x.handle, dim));
}

export type Reduction = 'mean' | 'sum' | 'none';
/** logits (N, C), target (N) int64 class indices. */
export function crossEntropy(logits: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return new Tensor(native.crossEntropy(logits.handle, target.handle, reduction));
}
export function nllLoss(logp: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return new Tensor(native.nllLoss(logp.handle, target.handle, reduction));
}
export function mseLoss(a: Tensor, b: Tensor, reduction: Reduction = 'mean'): Tensor {
  return new Tensor(native.mseLoss(a.handle, b.handle, reduction));
}

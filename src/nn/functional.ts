// Stateless network math (PyTorch's torch.nn.functional): modules own state, these do the math.
import { Tensor, nnOps, rand, type Generator } from '../engine/index.js';

export type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** x (N, in) · weightᵀ (in, out) + bias. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return nnOps.linear(x, weight, bias);
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}
/** x (N, C, H, W), weight (O, C/groups, kh, kw). */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, o: Conv2dOptions = {}): Tensor {
  return nnOps.conv2d(
    x,
    weight,
    bias,
    pair(o.stride ?? 1),
    pair(o.padding ?? 0),
    pair(o.dilation ?? 1),
    o.groups ?? 1,
  );
}

export interface PoolOptions {
  stride?: Pair; // defaults to the kernel size, as in PyTorch
  padding?: Pair;
  ceilMode?: boolean;
}
export function maxPool2d(x: Tensor, kernel: Pair, o: PoolOptions = {}): Tensor {
  return nnOps.maxPool2d(
    x,
    pair(kernel),
    pair(o.stride ?? kernel),
    pair(o.padding ?? 0),
    o.ceilMode ?? false,
  );
}
export function avgPool2d(
  x: Tensor,
  kernel: Pair,
  o: PoolOptions & { countIncludePad?: boolean } = {},
): Tensor {
  return nnOps.avgPool2d(
    x,
    pair(kernel),
    pair(o.stride ?? kernel),
    pair(o.padding ?? 0),
    o.ceilMode ?? false,
    o.countIncludePad ?? true,
  );
}

export type BatchNormArgs = nnOps.BatchNormArgs;
/** In training, normalizes by batch statistics and updates the running ones in place. */
export function batchNorm(x: Tensor, a: BatchNormArgs): Tensor {
  return nnOps.batchNorm(x, a);
}

/** PyTorch's LRN: x / (k + alpha/size · Σ x²)^beta over `size` neighbouring channels. */
export function localResponseNorm(x: Tensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): Tensor {
  return nnOps.localResponseNorm(x, size, alpha, beta, k);
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
  return nnOps.logSoftmax(x, dim);
}
export function softmax(x: Tensor, dim = -1): Tensor {
  return nnOps.softmax(x, dim);
}

export type Reduction = nnOps.Reduction;
/** logits (N, C), target (N) int64 class indices. */
export function crossEntropy(logits: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return nnOps.crossEntropy(logits, target, reduction);
}
export function nllLoss(logp: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return nnOps.nllLoss(logp, target, reduction);
}
export function mseLoss(a: Tensor, b: Tensor, reduction: Reduction = 'mean'): Tensor {
  return nnOps.mseLoss(a, b, reduction);
}

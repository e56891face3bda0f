// Network kernels on tensors (torch's conv2d, max_pool2d, batch_norm, the losses), every argument
// resolved: nn/functional.ts gives them PyTorch's defaults and is their only caller above the engine.
import { native } from './native.js';
import { Tensor } from './tensor.js';

export type Reduction = 'mean' | 'sum' | 'none';
type Pair = [number, number];

/** x (N, in) · weightᵀ (in, out) + bias. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, bias?.handle));
}

/** x (N, C, H, W), weight (O, C/groups, kh, kw), bias (O). */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  stride: Pair,
  padding: Pair,
  dilation: Pair,
  groups: number,
): Tensor {
  return new Tensor(native.conv2d(x.handle, weight.handle, bias?.handle, stride, padding, dilation, groups));
}

export function maxPool2d(x: Tensor, kernel: Pair, stride: Pair, padding: Pair, ceilMode: boolean): Tensor {
  return new Tensor(native.maxPool2d(x.handle, kernel, stride, padding, ceilMode));
}

export function avgPool2d(
  x: Tensor,
  kernel: Pair,
  stride: Pair,
  padding: Pair,
  ceilMode: boolean,
  countIncludePad: boolean,
): Tensor {
  return new Tensor(native.avgPool2d(x.handle, kernel, stride, padding, ceilMode, countIncludePad));
}

export interface BatchNormArgs {
  weight?: Tensor;
  bias?: Tensor;
  runningMean?: Tensor;
  runningVar?: Tensor;
  training: boolean;
  momentum: number;
  eps: number;
  relu?: boolean; // max(·, 0) of the result, fused (what a ReLU after the layer gives)
}
/**
 * In training, normalizes by batch statistics and updates the running ones in place. Float32
 * (N, C, H, W) CPU tensors take genlab's fused kernel (native/src/ops-batchnorm.cc) unless
 * setCpuConv('libtorch'); everything else libtorch's batch_norm.
 */
export function batchNorm(x: Tensor, a: BatchNormArgs): Tensor {
  const h = (t?: Tensor) => t?.handle;
  return new Tensor(
    native.batchNorm(
      x.handle,
      h(a.weight),
      h(a.bias),
      h(a.runningMean),
      h(a.runningVar),
      a.training,
      a.momentum,
      a.eps,
      a.relu ?? false,
    ),
  );
}

/** PyTorch's LRN: x / (k + alpha/size · Σ x²)^beta over `size` neighbouring channels. */
export function localResponseNorm(x: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
  return new Tensor(native.localResponseNorm(x.handle, size, alpha, beta, k));
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  return new Tensor(native.logSoftmax(x.handle, dim));
}
export function softmax(x: Tensor, dim: number): Tensor {
  return new Tensor(native.softmax(x.handle, dim));
}

/** logits (N, C), target (N) int64 class indices. */
export function crossEntropy(logits: Tensor, target: Tensor, reduction: Reduction): Tensor {
  return new Tensor(native.crossEntropy(logits.handle, target.handle, reduction));
}
export function nllLoss(logp: Tensor, target: Tensor, reduction: Reduction): Tensor {
  return new Tensor(native.nllLoss(logp.handle, target.handle, reduction));
}
export function mseLoss(a: Tensor, b: Tensor, reduction: Reduction): Tensor {
  return new Tensor(native.mseLoss(a.handle, b.handle, reduction));
}

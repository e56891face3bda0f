// Initializations: PyTorch's defaults, drawn from a seeded generator in PyTorch's own order, and TensorFlow's.
import { empty, zeros, type Generator, type Tensor } from '../engine/index.js';

/**
 * kaiming_uniform_(a = √5), PyTorch's default for Linear and Conv2d weights: U(−b, b) with
 * b = gain·√(3 / fan_in), gain = √(2 / (1 + a²)) = √(1/3), so b = 1/√fan_in.
 */
export function defaultWeight(
  shape: number[],
  fanIn: number,
  generator?: Generator,
  device?: string,
): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const w = empty(shape, { device });
  w.uniform_(-bound, bound, generator);
  return w;
}

/** PyTorch's default bias: U(−1/√fan_in, 1/√fan_in). */
export function defaultBias(n: number, fanIn: number, generator?: Generator, device?: string): Tensor {
  return defaultWeight([n], fanIn, generator, device);
}

/**
 * How a layer's weights start; biases start at zero except under 'pytorch'.
 * - 'pytorch': PyTorch's defaults (above), weight variance 1 / (3·fan_in).
 * - 'glorot-uniform': TensorFlow's default for dense and convolutional layers, the framework of the
 *   paper's runs: U(−b, b) with b = √(6 / (fan_in + fan_out)), variance 2 / (fan_in + fan_out).
 * - 'he-normal': N(0, 2 / fan_in), which keeps a ReLU network's signal variance from layer to layer
 *   (He et al. 2015): what a deep net without batch norm needs to train at all.
 */
export type WeightInit = 'pytorch' | 'glorot-uniform' | 'he-normal';
export const WEIGHT_INITS: readonly WeightInit[] = ['pytorch', 'glorot-uniform', 'he-normal'];

/** A layer's weight and bias under `init`; fan_out = out channels × kernel area. */
export function initWeightAndBias(
  init: WeightInit,
  weightShape: number[],
  fanIn: number,
  fanOut: number,
  bias: boolean,
  generator?: Generator,
  device?: string,
): { weight: Tensor; bias?: Tensor } {
  if (init === 'pytorch') {
    const weight = defaultWeight(weightShape, fanIn, generator, device);
    return { weight, bias: bias ? defaultBias(weightShape[0], fanIn, generator, device) : undefined };
  }
  const weight = empty(weightShape, { device });
  if (init === 'he-normal') weight.normal_(0, Math.sqrt(2 / fanIn), generator);
  else {
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    weight.uniform_(-bound, bound, generator);
  }
  return { weight, bias: bias ? zeros([weightShape[0]], { device }) : undefined };
}

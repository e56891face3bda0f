// PyTorch's default initializations, drawn from a seeded generator in PyTorch's own order.
import { empty, type Generator, type Tensor } from '../engine/index.js';

/**
 * kaiming_uniform_(a = √5), PyTorch's default for Linear and Conv2d weights: U(−b, b) with
 * b = gain·√(3 / fan_in), gain = √(2 / (1 + a²)) = √(1/3), so b = 1/√fan_in.
 */
export function defaultWeight(shape: number[], fanIn: number, generator?: Generator, device?: string): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const w = empty(shape, { device });
  w.uniform_(-bound, bound, generator);
  return w;
}

/** PyTorch's default bias: U(−1/√fan_in, 1/√fan_in). */
export function defaultBias(n: number, fanIn: number, generator?: Generator, device?: string): Tensor {
  return defaultWeight([n], fanIn, generator, device);
}

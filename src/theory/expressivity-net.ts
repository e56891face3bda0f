// Theorem 1's network built from genlab's own layers (float64), its depth-k variant, and its evaluation as a network.
import { InputError, Tensor, noGrad, scope, tensor } from '../engine/index.js';
import { Linear, Module, ReLU, Sequential } from '../nn/index.js';
import type { Theorem1 } from './expressivity.js';

/** x (N, 1) ↦ x − b (N, m): the hidden units' biases, one parameter each (their input weights are all 1, fixed). */
export class Shift extends Module {
  constructor(b: Tensor) {
    super();
    this.registerParameter('bias', b.clone());
  }
  forward(x: Tensor): Tensor {
    return x.sub(this.param('bias'));
  }
}

/** A float64 Linear layer holding the given weight (out, in) and optional bias (out). */
function float64Linear(weight: Tensor, bias?: Tensor): Linear {
  const [outF, inF] = weight.shape;
  const layer = new Linear(inF, outF, { bias: bias !== undefined }).to('float64');
  layer.loadStateDict(
    new Map(
      bias
        ? [
            ['weight', weight],
            ['bias', bias],
          ]
        : [['weight', weight]],
    ),
    'expressivity: layer',
  );
  return layer;
}

export interface BuiltNetwork {
  net: Sequential;
  weights: number; // the construction's weights (nonzero parameters): 2n + d for depth 1
  parameters: number; // the dense layers' parameter count (equal to weights for depth 1)
  width: number; // widest hidden layer
}

/**
 * Theorem 1: c(x) = Σⱼ wⱼ·relu(⟨a, x⟩ − bⱼ) as Linear(d→1, no bias) → Shift(b) → ReLU → Linear(m→1, no bias):
 * d + m + m = 2n + d parameters.
 */
export function theorem1Network(c: Theorem1): BuiltNetwork {
  return scope(() => {
    const d = c.a.size(0);
    const m = c.w.size(0);
    const net = new Sequential(
      float64Linear(c.a.reshape(1, d)),
      new Shift(c.b),
      new ReLU(),
      float64Linear(c.w.reshape(1, m)),
    );
    return { net, weights: net.numParameters(), parameters: net.numParameters(), width: m };
  });
}

export const MAX_DEPTH_WIDTH = 4096; // dense (width × width) layers are built in JS memory

/**
 * The depth-k variant (Section 4): the sorted points split into k groups of about n/k; hidden layer l
 * holds group l's units relu(u − (bⱼ − c₀)) beside a carried copy u = relu(⟨a, x⟩ − c₀) (c₀ ≤ b₁, so
 * clipping changes nothing) and the running sum as relu(±(pos − neg + Σ wⱼ hⱼ)). Width n/k + 3,
 * at most 4n + d + O(k) nonzero weights (O(n + d), the paper's count), the same function as the two-layer network.
 */
export function depthNetwork(c: Theorem1, depth: number): BuiltNetwork {
  if (depth === 1) return theorem1Network(c);
  const m = c.w.size(0);
  const group = Math.ceil(m / depth);
  const width = group + 3;
  if (width > MAX_DEPTH_WIDTH) {
    throw new InputError(
      `expressivity: --depth ${depth} gives hidden layers of width ${width}; expected at most ${MAX_DEPTH_WIDTH} — use --depth ≥ ${Math.ceil(m / (MAX_DEPTH_WIDTH - 3))}`,
    );
  }
  const b = c.b.toArray();
  const w = c.w.toArray();
  const c0 = b[0] - 1;
  const [U, P, N] = [group, group + 1, group + 2];
  return scope(() => {
    const layers: Module[] = [float64Linear(c.a.reshape(1, c.a.size(0)))];
    for (let l = 0; l < depth; l++) {
      const inF = l === 0 ? 1 : width;
      const W = new Float64Array(width * inF);
      const bias = new Float64Array(width);
      const uCol = l === 0 ? 0 : U;
      for (let j = 0; j < group && l * group + j < m; j++) {
        W[j * inF + uCol] = 1;
        bias[j] = -(b[l * group + j] - (l === 0 ? 0 : c0)); // layer 1 reads z, later layers u = z − c₀
      }
      W[U * inF + uCol] = 1;
      if (l === 0) bias[U] = -c0;
      else addRunningSum(W, inF, (l - 1) * group, group, w, [P, N]);
      layers.push(float64Linear(tensor(W, [width, inF]), tensor(bias, [width])), new ReLU());
    }
    const out = new Float64Array(width);
    addRunningSum(out, width, (depth - 1) * group, group, w, [0, -1]);
    layers.push(float64Linear(tensor(out, [1, width])));
    const net = new Sequential(...layers);
    const weights = noGrad(() => net.parameters().reduce((s, p) => s + p.countNonzero().item(), 0));
    return { net, weights, parameters: net.numParameters(), width };
  });
}

/** Rows pos (and neg = −pos, when ≥ 0) of W (·, inF): pos − neg + Σ_{j in group} wⱼ·hⱼ. */
function addRunningSum(
  W: Float64Array,
  inF: number,
  start: number,
  group: number,
  w: number[],
  [P, N]: number[],
): void {
  const [Pc, Nc] = [group + 1, group + 2];
  const rows =
    N >= 0
      ? [
          [P, 1],
          [N, -1],
        ]
      : [[P, 1]];
  for (const [row, s] of rows) {
    for (let j = 0; j < group && start + j < w.length; j++) W[row * inF + j] = s * w[start + j];
    if (start > 0) {
      W[row * inF + Pc] = s;
      W[row * inF + Nc] = -s;
    }
  }
}

/** The network's outputs (N) for inputs (N, d), in row chunks that keep each (chunk, width) float64 activation near 8 MiB (cache-sized: faster than large ones). */
export function evaluateNetwork(
  net: Module,
  x: Tensor,
  width: number,
  onChunk?: (done: number) => void,
): Tensor {
  const n = x.size(0);
  const rows = Math.max(1, Math.floor(2 ** 20 / Math.max(1, width)));
  const parts: number[] = [];
  for (let start = 0; start < n; start += rows) {
    const len = Math.min(rows, n - start);
    const out = scope(() =>
      noGrad(() =>
        net
          .forward(x.narrow(0, start, len).to('float64'))
          .reshape(-1)
          .toArray(),
      ),
    );
    for (const v of out) parts.push(v);
    onChunk?.(start + len);
  }
  return tensor(Float64Array.from(parts), [n]);
}

/** Classes from the scalar output: the nearest label value in 0…k−1 (Theorem 1 fits the label value). */
export function outputClasses(out: Tensor, classes: number): Tensor {
  return scope(() =>
    out
      .round()
      .clamp(0, classes - 1)
      .to('int64'),
  );
}

// Layers with PyTorch's semantics and default initializations.
import { ones, zeros, type Generator, type Tensor } from '../engine/index.js';
import { Module } from './module.js';
import * as F from './functional.js';
import { initWeightAndBias, type WeightInit } from './init.js';

export interface InitOptions {
  generator?: Generator; // draws initial weights; PyTorch's order, so a seed matches torch.manual_seed
  device?: string;
  init?: WeightInit; // default 'pytorch'
}

export class Linear extends Module {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: InitOptions & { bias?: boolean } = {},
  ) {
    super();
    const p = initWeightAndBias(
      opts.init ?? 'pytorch',
      [outFeatures, inFeatures],
      inFeatures,
      outFeatures,
      opts.bias ?? true,
      opts.generator,
      opts.device,
    );
    this.registerParameter('weight', p.weight);
    if (p.bias) this.registerParameter('bias', p.bias);
  }
  get weight(): Tensor {
    return this.param('weight');
  }
  get bias(): Tensor | undefined {
    return this.optionalParam('bias');
  }
  forward(x: Tensor): Tensor {
    // (N, in) -> (N, out)
    return F.linear(x, this.weight, this.bias);
  }
}

export interface Conv2dConfig extends InitOptions {
  stride?: F.Pair;
  padding?: F.Pair | 'same';
  groups?: number;
  bias?: boolean;
}
export class Conv2d extends Module {
  private readonly stride: F.Pair;
  private readonly padding: F.Pair;
  private readonly groups: number;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    c: Conv2dConfig = {},
  ) {
    super();
    this.groups = c.groups ?? 1;
    this.stride = c.stride ?? 1;
    if (c.padding === 'same') {
      // SAME padding for odd kernels at stride 1 (TensorFlow's, as the paper's models use).
      if (kernelSize % 2 === 0)
        throw new Error(`conv2d: padding "same" needs an odd kernel; got ${kernelSize}`);
      this.padding = (kernelSize - 1) / 2;
    } else this.padding = c.padding ?? 0;
    const fanIn = (inChannels / this.groups) * kernelSize * kernelSize;
    const fanOut = outChannels * kernelSize * kernelSize;
    const shape = [outChannels, inChannels / this.groups, kernelSize, kernelSize];
    const p = initWeightAndBias(
      c.init ?? 'pytorch',
      shape,
      fanIn,
      fanOut,
      c.bias ?? true,
      c.generator,
      c.device,
    );
    this.registerParameter('weight', p.weight);
    if (p.bias) this.registerParameter('bias', p.bias);
  }
  /** (O, C/groups, kh, kw) */
  get weight(): Tensor {
    return this.param('weight');
  }
  forward(x: Tensor): Tensor {
    // (N, C, H, W) -> (N, O, H', W')
    return F.conv2d(x, this.param('weight'), this.optionalParam('bias'), {
      stride: this.stride,
      padding: this.padding,
      groups: this.groups,
    });
  }
}

export interface BatchNormConfig {
  eps?: number;
  momentum?: number;
  affine?: boolean; // learnable scale and shift (PyTorch's default); overridden by scale/center
  scale?: boolean; // learnable scale γ
  center?: boolean; // learnable shift β (TensorFlow's default is center without scale)
  device?: string;
}
export class BatchNorm2d extends Module {
  readonly eps: number;
  readonly momentum: number;
  constructor(
    readonly numFeatures: number,
    c: BatchNormConfig = {},
  ) {
    super();
    this.eps = c.eps ?? 1e-5;
    this.momentum = c.momentum ?? 0.1;
    const affine = c.affine ?? true;
    if (c.scale ?? affine) this.registerParameter('weight', ones([numFeatures], { device: c.device }));
    if (c.center ?? affine) this.registerParameter('bias', zeros([numFeatures], { device: c.device }));
    this.registerBuffer('running_mean', zeros([numFeatures], { device: c.device }));
    this.registerBuffer('running_var', ones([numFeatures], { device: c.device }));
  }
  forward(x: Tensor): Tensor {
    return this.normalize(x, false);
  }
  /** relu(forward(x)) in one pass (and one pass back): what this layer and a ReLU after it give. */
  forwardRelu(x: Tensor): Tensor {
    return this.normalize(x, true);
  }
  private normalize(x: Tensor, relu: boolean): Tensor {
    return F.batchNorm(x, {
      weight: this.optionalParam('weight'),
      bias: this.optionalParam('bias'),
      runningMean: this.buffer('running_mean'),
      runningVar: this.buffer('running_var'),
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
      relu,
    });
  }
}

export class Dropout extends Module {
  constructor(
    readonly p: number,
    private generator?: Generator,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`dropout: expected 0 ≤ p < 1, got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, this.generator);
  }
}

export class MaxPool2d extends Module {
  constructor(
    readonly kernel: F.Pair,
    readonly opts: F.PoolOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernel, this.opts);
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernel: F.Pair,
    readonly opts: F.PoolOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernel, this.opts);
  }
}

/** PyTorch's LocalResponseNorm (alpha is divided by size, unlike TensorFlow's). */
export class LocalResponseNorm extends Module {
  constructor(
    readonly size: number,
    readonly alpha = 1e-4,
    readonly beta = 0.75,
    readonly k = 1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.localResponseNorm(x, this.size, this.alpha, this.beta, this.k);
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** (N, …) -> (N, prod(…)). */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return x.flatten(1, -1);
  }
}

/** Layers whose backward needs their input but not their output, so a ReLU may overwrite the output
 * (a ReLU after BatchNorm2d is fused into it instead: forwardRelu). */
const reluInPlaceAfter = (m: Module): boolean => m instanceof Linear || m instanceof Conv2d;

/** Runs its children in order; they are named "0", "1", … as in PyTorch. */
export class Sequential extends Module {
  private readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  /**
   * Each intermediate output is freed as soon as the next layer has consumed it (autograd keeps what
   * backward needs), as Python's reference counting does: the next allocations then reuse memory
   * that is still in cache, and a step's peak memory stays near PyTorch's.
   */
  forward(x: Tensor): Tensor {
    let out = x;
    const step = (next: Tensor) => {
      if (out !== x && next !== out) out.dispose();
      out = next;
    };
    for (let i = 0; i < this.layers.length; i++) {
      const m = this.layers[i];
      const after = this.layers[i + 1];
      if (m instanceof BatchNorm2d && after instanceof ReLU) {
        step(m.forwardRelu(out)); // batch norm and the ReLU in one pass
        i++;
        continue;
      }
      // ReLU then max pooling: pool first and take the ReLU of the pooled values, on a quarter of the
      // data and with the same values and gradients (max commutes with ReLU, and where the two
      // orders pick different maxima the pooled value is ≤ 0, so its gradient is 0 both ways).
      if (m instanceof ReLU && after instanceof MaxPool2d) {
        step(after.forward(out));
        out.relu_(); // the pool's backward reads its input and indices, not its output
        i++;
        continue;
      }
      // A ReLU right after a layer whose backward does not read its own output runs in place on that
      // output, which only this loop holds: one activation fewer to allocate and stream through
      // memory (PyTorch's nn.ReLU(inplace=True), chosen here where it is safe).
      if (m instanceof ReLU && out !== x && i > 0 && reluInPlaceAfter(this.layers[i - 1])) {
        out.relu_();
        continue;
      }
      step(m.forward(out));
    }
    return out;
  }
  get length(): number {
    return this.layers.length;
  }
  at(i: number): Module {
    return this.layers[i];
  }
}

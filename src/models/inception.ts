// The paper's small Inception for CIFAR-10 (§3), with or without BatchNorm: 1,649,402 weights on 3×28×28.
import { cat, type Generator, type Tensor } from '../engine/index.js';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  type InitOptions,
} from '../nn/index.js';

export interface InceptionConfig extends InitOptions {
  input: [number, number, number];
  classes: number;
  batchNorm: boolean;
  /**
   * BN's learnable parameters. 'shift' (default): a shift β and no scale, TensorFlow's batch_norm
   * default, and the only reading that gives the paper's count with BN on and off alike (one
   * per-channel vector per conv: BN's β, or the conv's bias without BN). 'affine': β and γ.
   */
  bnParams?: 'shift' | 'affine';
  dropout?: number;
  dropoutGenerator?: Generator; // before the classifier (off in the paper's CIFAR-10 runs)
}

/** conv → BN → ReLU (or conv with bias → ReLU without BN). */
class ConvModule extends Module {
  private readonly conv: Conv2d;
  private readonly bn?: BatchNorm2d;
  constructor(cin: number, cout: number, k: number, stride: number, c: InceptionConfig) {
    super();
    this.conv = this.registerModule(
      'conv',
      new Conv2d(cin, cout, k, { ...c, stride, padding: (k - 1) / 2, bias: !c.batchNorm }),
    );
    if (c.batchNorm) {
      const affine = c.bnParams === 'affine';
      this.bn = this.registerModule(
        'bn',
        new BatchNorm2d(cout, { scale: affine, center: true, eps: 1e-3, momentum: 0.01, device: c.device }),
      );
    }
  }
  // Intermediates are freed as soon as they are consumed. Without BN the ReLU overwrites the
  // convolution's output, which its backward does not read (see Sequential.forward); with BN it is
  // fused into batch norm (BatchNorm2d.forwardRelu).
  forward(x: Tensor): Tensor {
    const y = this.conv.forward(x);
    if (!this.bn) return y.relu_();
    const z = this.bn.forwardRelu(y);
    y.dispose();
    return z;
  }
}

/** Inc(c1, c3): a 1×1 conv module with c1 filters beside a 3×3 one with c3, concatenated. */
class InceptionBlock extends Module {
  readonly outChannels: number;
  private readonly b1: ConvModule;
  private readonly b3: ConvModule;
  constructor(cin: number, c1: number, c3: number, c: InceptionConfig) {
    super();
    this.b1 = this.registerModule('branch1x1', new ConvModule(cin, c1, 1, 1, c));
    this.b3 = this.registerModule('branch3x3', new ConvModule(cin, c3, 3, 1, c));
    this.outChannels = c1 + c3;
  }
  forward(x: Tensor): Tensor {
    return cat([this.b1.forward(x), this.b3.forward(x)], 1);
  }
}

/** Down(c3): a 3×3 stride-2 conv module with c3 filters beside a 3×3 stride-2 max-pool. */
class DownsampleBlock extends Module {
  readonly outChannels: number;
  private readonly conv: ConvModule;
  private readonly pool = new MaxPool2d(3, { stride: 2, padding: 1 });
  constructor(cin: number, c3: number, c: InceptionConfig) {
    super();
    this.conv = this.registerModule('conv', new ConvModule(cin, c3, 3, 2, c));
    this.outChannels = c3 + cin;
  }
  forward(x: Tensor): Tensor {
    return cat([this.conv.forward(x), this.pool.forward(x)], 1);
  }
}

type Stage = ['inc', number, number] | ['down', number];
// conv3×3(96) → Inc(32,32) → Inc(32,48) → Down(80) → Inc(112,48) → Inc(96,64) → Inc(80,80) →
// Inc(48,96) → Down(96) → Inc(176,160) → Inc(176,160) → 7×7 mean pool → FC 10
const STAGES: Stage[] = [
  ['inc', 32, 32],
  ['inc', 32, 48],
  ['down', 80],
  ['inc', 112, 48],
  ['inc', 96, 64],
  ['inc', 80, 80],
  ['inc', 48, 96],
  ['down', 96],
  ['inc', 176, 160],
  ['inc', 176, 160],
];

export class InceptionSmall extends Module {
  private readonly blocks: Module[] = [];
  private readonly pool: AvgPool2d;
  private readonly dropout?: Dropout;
  private readonly fc: Linear;
  constructor(c: InceptionConfig) {
    super();
    const [ch, h, w] = c.input;
    this.blocks.push(this.registerModule('stem', new ConvModule(ch, 96, 3, 1, c)));
    let channels = 96;
    STAGES.forEach((s, i) => {
      const block =
        s[0] === 'inc' ? new InceptionBlock(channels, s[1], s[2], c) : new DownsampleBlock(channels, s[1], c);
      this.blocks.push(this.registerModule(`${s[0]}${i}`, block));
      channels = block.outChannels;
    });
    // Two stride-2 stages: 28 → 14 → 7; the mean pool covers what is left (7×7 at 28×28).
    const side = (n: number) => Math.ceil(Math.ceil(n / 2) / 2);
    this.pool = new AvgPool2d([side(h), side(w)]);
    if (c.dropout)
      this.dropout = this.registerModule(
        'dropout',
        new Dropout(c.dropout, c.dropoutGenerator ?? c.generator),
      );
    this.fc = this.registerModule('fc', new Linear(channels, c.classes, c));
  }
  forward(x: Tensor): Tensor {
    // (N, C, 28, 28) -> (N, classes)
    let y = x;
    for (const b of this.blocks) {
      const next = b.forward(y);
      if (y !== x) y.dispose();
      y = next;
    }
    const pooled = this.pool.forward(y);
    y.dispose();
    y = new Flatten().forward(pooled);
    if (this.dropout) y = this.dropout.forward(y);
    return this.fc.forward(y);
  }
}

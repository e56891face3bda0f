// The paper's small AlexNet: TensorFlow's CIFAR-10 tutorial model (§3), 1,387,786 weights on 3×28×28.
import {
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  LocalResponseNorm,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  type InitOptions,
} from '../nn/index.js';
import type { Generator, Tensor } from '../engine/index.js';

export interface AlexNetConfig extends InitOptions {
  input: [number, number, number];
  classes: number;
  dropout?: number;
  dropoutGenerator?: Generator; // before the last layer (off in the paper)
  /** Where LRN sits in block 1: 'after-pool' (the TF tutorial: conv → pool → LRN) or 'before-pool'. */
  lrnPlacement?: 'after-pool' | 'before-pool';
}

/**
 * conv5×5(64) → ReLU → maxpool 3×3/2 → LRN → conv5×5(64) → ReLU → LRN → maxpool 3×3/2 →
 * FC 384 → FC 192 → FC 10. SAME padding; the pools pad 1 on each side, so 28 → 14 → 7 as in
 * TensorFlow's SAME pooling (which pads 0 before and 1 after). TensorFlow's LRN (depth radius 4,
 * bias 1, alpha 0.001/9, beta 0.75) sums over 9 channels; PyTorch's divides alpha by size, so
 * alpha = 0.001/9 · 9 = 0.001 here gives the same function.
 */
export class AlexNetSmall extends Module {
  private readonly net: Sequential;
  constructor(c: AlexNetConfig) {
    super();
    const [ch, h, w] = c.input;
    const lrn = () => new LocalResponseNorm(9, 0.001, 0.75, 1);
    const pool = () => new MaxPool2d(3, { stride: 2, padding: 1 });
    const block1 = c.lrnPlacement === 'before-pool' ? [lrn(), pool()] : [pool(), lrn()];
    const side = (n: number) => Math.floor((n + 2 - 3) / 2) + 1;
    const flat = 64 * side(side(h)) * side(side(w));
    const layers: Module[] = [
      new Conv2d(ch, 64, 5, { ...c, padding: 'same' }),
      new ReLU(),
      ...block1,
      new Conv2d(64, 64, 5, { ...c, padding: 'same' }),
      new ReLU(),
      lrn(),
      pool(),
      new Flatten(),
      new Linear(flat, 384, c),
      new ReLU(),
      new Linear(384, 192, c),
      new ReLU(),
    ];
    if (c.dropout) layers.push(new Dropout(c.dropout, c.dropoutGenerator ?? c.generator));
    layers.push(new Linear(192, c.classes, c));
    this.net = this.registerModule('net', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    // (N, C, 28, 28) -> (N, classes)
    return this.net.forward(x);
  }
}

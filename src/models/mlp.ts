// Multilayer perceptrons of the paper (MLP 1×512, MLP 3×512) and any depth × width.
import { Dropout, Flatten, Linear, Module, ReLU, Sequential, type InitOptions } from '../nn/index.js';
import type { Generator, Tensor } from '../engine/index.js';

export interface MlpConfig extends InitOptions {
  input: [number, number, number]; // C, H, W
  classes: number;
  depth: number; // hidden layers
  width: number; // units per hidden layer
  dropout?: number;
  dropoutGenerator?: Generator; // after each hidden ReLU (the paper uses none on MLPs)
}

/** Flatten → (Linear → ReLU)×depth → Linear; Table 1: 1×512 has 1,209,866 weights on 3×28×28. */
export class Mlp extends Module {
  private readonly net: Sequential;
  constructor(c: MlpConfig) {
    super();
    const layers: Module[] = [new Flatten()];
    let inFeatures = c.input[0] * c.input[1] * c.input[2];
    for (let i = 0; i < c.depth; i++) {
      layers.push(new Linear(inFeatures, c.width, c), new ReLU());
      if (c.dropout) layers.push(new Dropout(c.dropout, c.dropoutGenerator ?? c.generator));
      inFeatures = c.width;
    }
    layers.push(new Linear(inFeatures, c.classes, c));
    this.net = this.registerModule('net', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    // (N, C, H, W) -> (N, classes)
    return this.net.forward(x);
  }
}

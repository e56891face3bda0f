// SGD with momentum, dampening, Nesterov and weight decay, with PyTorch's exact update rule.
import { keep, noGrad, scope, type Tensor } from '../engine/index.js';

export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * For each parameter p with gradient g (torch.optim.SGD):
 *   d = g + weightDecay·p
 *   if momentum ≠ 0:  b = d on the first step, else b = momentum·b + (1 − dampening)·d
 *                     d = nesterov ? d + momentum·b : b
 *   p = p − lr·d
 */
export class SGD {
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly buffers = new Map<Tensor, Tensor>();

  constructor(
    readonly params: Tensor[],
    o: SgdOptions,
  ) {
    check(o.lr, 'learning rate', 0);
    this.lr = o.lr;
    this.momentum = check(o.momentum ?? 0, 'momentum', 0);
    this.dampening = check(o.dampening ?? 0, 'dampening', 0);
    this.weightDecay = check(o.weightDecay ?? 0, 'weight decay', 0);
    this.nesterov = o.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error('sgd: Nesterov momentum requires a momentum > 0 and zero dampening');
    }
  }

  zeroGrad(): void {
    for (const p of this.params) p.clearGrad();
  }

  step(): void {
    noGrad(() => {
      for (const p of this.params) scope(() => this.update(p));
    });
  }

  private update(p: Tensor): void {
    const g = p.grad;
    if (!g) return;
    let d = this.weightDecay !== 0 ? g.add(p, this.weightDecay) : g;
    if (this.momentum !== 0) {
      let b = this.buffers.get(p);
      if (!b) {
        b = keep(d.clone());
        this.buffers.set(p, b);
      } else {
        b.mul_(this.momentum).add_(d, 1 - this.dampening);
      }
      d = this.nesterov ? d.add(b, this.momentum) : b;
    }
    p.add_(d, -this.lr);
  }

  /** Momentum buffers by parameter index (for checkpoints); absent entries had no step yet. */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.params.forEach((p, i) => {
      const b = this.buffers.get(p);
      if (b) out.set(`momentum_buffer.${i}`, b);
    });
    return out;
  }
  loadStateDict(state: Map<string, Tensor>): void {
    for (const [k, t] of state) {
      const m = /^momentum_buffer\.(\d+)$/.exec(k);
      const p = m ? this.params[Number(m[1])] : undefined;
      if (!p) throw new Error(`sgd: unexpected optimizer state key "${k}"`);
      if (t.shape.join('x') !== p.shape.join('x'))
        throw new Error(`sgd: "${k}" has shape [${t.shape.join(', ')}]; expected [${p.shape.join(', ')}]`);
      this.buffers.get(p)?.dispose();
      this.buffers.set(p, keep(scope(() => noGrad(() => t.to(p.device).clone())))); // the copy to p.device is freed
    }
  }
  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}

function check(v: number, what: string, min: number): number {
  if (!Number.isFinite(v) || v < min)
    throw new Error(`sgd: invalid ${what}: ${v}; expected a finite number ≥ ${min}`);
  return v;
}

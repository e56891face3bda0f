// Module: owns parameters (trainable) and buffers (state), registered explicitly under dotted names.
import { Tensor, keep, noGrad } from '../engine/index.js';

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;

  /** Registers a trainable tensor; the module owns it from now on. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.checkName(name);
    keep(t);
    t.requiresGrad_(true);
    this.params.set(name, t);
    return t;
  }
  /** Registers a non-trainable state tensor (e.g. BatchNorm's running statistics). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.checkName(name);
    keep(t);
    this.buffers.set(name, t);
    return t;
  }
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this.children.set(name, m);
    return m;
  }
  private checkName(name: string): void {
    if (name === '' || name.includes('.'))
      throw new Error(`module: bad name "${name}"; expected a non-empty name without dots`);
    if (this.params.has(name) || this.buffers.has(name) || this.children.has(name))
      throw new Error(`module: "${name}" registered twice`);
  }

  protected param(name: string): Tensor {
    const t = this.params.get(name);
    if (!t) throw new Error(`module: no parameter "${name}"`);
    return t;
  }
  protected optionalParam(name: string): Tensor | undefined {
    return this.params.get(name);
  }
  protected buffer(name: string): Tensor | undefined {
    return this.buffers.get(name);
  }
  protected child(name: string): Module {
    const m = this.children.get(name);
    if (!m) throw new Error(`module: no submodule "${name}"`);
    return m;
  }

  namedChildren(): [string, Module][] {
    return [...this.children.entries()];
  }
  /** Parameters in registration order, named like PyTorch's ("0.weight", "conv.bias"). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.params].map(([n, t]) => [prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.buffers].map(([n, t]) => [prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedBuffers(`${prefix}${n}.`));
    return out;
  }
  /** Parameters and buffers by name (the tensors themselves, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }
  /** Copies values in; every key must match in name and shape (strict). */
  loadStateDict(state: Map<string, Tensor>, where = 'state dict'): void {
    const own = this.stateDict();
    for (const k of state.keys()) {
      if (!own.has(k))
        throw new Error(`${where}: unexpected key "${k}"; expected one of ${[...own.keys()].join(', ')}`);
    }
    noGrad(() => {
      for (const [k, t] of own) {
        const src = state.get(k);
        if (!src) throw new Error(`${where}: missing key "${k}"`);
        if (src.shape.join('x') !== t.shape.join('x')) {
          throw new Error(
            `${where}: "${k}" has shape [${src.shape.join(', ')}]; expected [${t.shape.join(', ')}]`,
          );
        }
        t.copy_(src);
      }
    });
  }
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  train(on = true): this {
    this.training = on;
    for (const m of this.children.values()) m.train(on);
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Moves every parameter and buffer to a device (replacing the tensors). */
  to(device: string): this {
    for (const map of [this.params, this.buffers]) {
      for (const [n, t] of map) {
        if (t.device === device) continue;
        const moved = keep(noGrad(() => t.to(device)));
        if (map === this.params) moved.requiresGrad_(true);
        t.dispose();
        map.set(n, moved);
      }
    }
    for (const m of this.children.values()) m.to(device);
    return this;
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.clearGrad();
  }

  /** Frees every tensor the module owns. */
  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    for (const t of this.buffers.values()) t.dispose();
    for (const m of this.children.values()) m.dispose();
  }
}

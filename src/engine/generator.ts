// Seeded randomness: libtorch generators for tensor draws, and a small JS PRNG for index work.
import { native, type GeneratorHandle } from './native.js';
import { Tensor } from './tensor.js';

/** A libtorch CPU generator: one per run and purpose, so that seeds never interfere. */
export class Generator {
  readonly handle: GeneratorHandle;
  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new Error(`generator: seed must be a non-negative integer, got ${seed}`);
    this.handle = native.newGenerator(seed);
  }
  /** The generator's state as a uint8 tensor (to checkpoint). */
  getState(): Tensor {
    return new Tensor(native.generatorGetState(this.handle));
  }
  setState(state: Tensor): void {
    native.generatorSetState(this.handle, state.handle);
  }
}

/**
 * Derives an independent 32-bit seed from a base seed and labels (e.g. seed, "shuffle", epoch),
 * so every purpose and epoch has its own stream and a resumed run redraws nothing differently.
 */
export function deriveSeed(base: number, ...labels: (string | number)[]): number {
  let x = (Math.floor(base) ^ 0x9e3779b9) >>> 0;
  for (const l of labels) {
    const s = String(l);
    for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 0x01000193) >>> 0;
    x = mix32(x);
  }
  return x;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** mulberry32: a fast, seeded PRNG in JS for one-off index work (not per batch). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform on [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

// Tensor: a typed facade over one libtorch tensor handle, with PyTorch's names (in-place ops end in _).
import { native, type Handle } from './native.js';
import { markOwned, type Owned } from './scope.js';
import { DTYPES, type Device, type DType } from './dtype.js';
import type { Generator } from './generator.js';

type Other = Tensor | number;
const h = (x: Other): Handle | number => (typeof x === 'number' ? x : x.handle);

/** The values of a tensor, in the TypedArray of its dtype (bool as Uint8Array). */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export class Tensor implements Owned {
  private h: Handle | null;
  private cachedShape: number[] | undefined;

  /** Wraps a handle the caller owns; the tensor joins the innermost open scope. */
  constructor(handle: Handle) {
    this.h = handle;
    markOwned(this);
  }

  get handle(): Handle {
    if (this.h === null) throw new Error('tensor: used after dispose()');
    return this.h;
  }

  get disposed(): boolean {
    return this.h === null;
  }

  /** Frees the native tensor now. Idempotent. */
  dispose(): void {
    if (this.h !== null) {
      native.dispose(this.h);
      this.h = null;
    }
  }

  get shape(): readonly number[] {
    if (this.cachedShape === undefined) this.cachedShape = native.shape(this.handle);
    return this.cachedShape;
  }
  get dtype(): DType {
    return native.dtype(this.handle);
  }
  get device(): Device {
    return native.device(this.handle);
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  size(dim: number): number {
    const s = this.shape;
    const d = dim < 0 ? s.length + dim : dim;
    if (d < 0 || d >= s.length)
      throw new Error(`tensor.size: dim ${dim} out of range for ${s.length} dimensions`);
    return s[d];
  }

  // ---- values ----
  /** A copy of the values on the CPU, in the dtype's TypedArray. */
  data(): TensorData {
    if (this.dtype === 'bfloat16') {
      const f = this.to('float32'); // bfloat16 values are float32's upper halves: exact in float32
      try {
        return f.data();
      } finally {
        f.dispose();
      }
    }
    const buf = native.toBuffer(this.handle);
    switch (this.dtype) {
      case 'float32':
        return new Float32Array(buf);
      case 'float64':
        return new Float64Array(buf);
      case 'int64':
        return new BigInt64Array(buf);
      case 'int32':
        return new Int32Array(buf);
      default:
        return new Uint8Array(buf);
    }
  }
  /** The values as plain numbers (int64 converted). */
  toArray(): number[] {
    const d = this.data();
    return d instanceof BigInt64Array ? Array.from(d, Number) : Array.from(d);
  }
  /** The single value of a one-element tensor. */
  item(): number {
    return Number(native.item(this.handle));
  }

  // ---- arithmetic (broadcasting) ----
  add(o: Other, alpha = 1): Tensor {
    return new Tensor(native.add(this.handle, h(o), alpha));
  }
  sub(o: Other, alpha = 1): Tensor {
    return new Tensor(native.sub(this.handle, h(o), alpha));
  }
  mul(o: Other): Tensor {
    return new Tensor(native.mul(this.handle, h(o)));
  }
  div(o: Other): Tensor {
    return new Tensor(native.div(this.handle, h(o)));
  }
  pow(o: Other): Tensor {
    return new Tensor(native.pow(this.handle, h(o)));
  }
  remainder(o: Other): Tensor {
    return new Tensor(native.remainder(this.handle, h(o)));
  }
  maximum(o: Tensor): Tensor {
    return new Tensor(native.maximum(this.handle, o.handle));
  }
  minimum(o: Tensor): Tensor {
    return new Tensor(native.minimum(this.handle, o.handle));
  }
  neg(): Tensor {
    return new Tensor(native.neg(this.handle));
  }
  exp(): Tensor {
    return new Tensor(native.exp(this.handle));
  }
  log(): Tensor {
    return new Tensor(native.log(this.handle));
  }
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this.handle));
  }
  rsqrt(): Tensor {
    return new Tensor(native.rsqrt(this.handle));
  }
  abs(): Tensor {
    return new Tensor(native.abs(this.handle));
  }
  relu(): Tensor {
    return new Tensor(native.relu(this.handle));
  }
  /** In place: this ← max(this, 0); returns this. */
  relu_(): this {
    native.relu_(this.handle);
    return this;
  }
  sigmoid(): Tensor {
    return new Tensor(native.sigmoid(this.handle));
  }
  tanh(): Tensor {
    return new Tensor(native.tanh(this.handle));
  }
  sign(): Tensor {
    return new Tensor(native.sign(this.handle));
  }
  floor(): Tensor {
    return new Tensor(native.floor(this.handle));
  }
  round(): Tensor {
    return new Tensor(native.round(this.handle));
  }
  square(): Tensor {
    return new Tensor(native.square(this.handle));
  }
  reciprocal(): Tensor {
    return new Tensor(native.reciprocal(this.handle));
  }
  sin(): Tensor {
    return new Tensor(native.sin(this.handle));
  }
  cos(): Tensor {
    return new Tensor(native.cos(this.handle));
  }
  isfinite(): Tensor {
    return new Tensor(native.isfinite(this.handle));
  }
  isnan(): Tensor {
    return new Tensor(native.isnan(this.handle));
  }
  clamp(min?: number, max?: number): Tensor {
    return new Tensor(native.clamp(this.handle, min, max));
  }

  // ---- comparisons and logic (bool results) ----
  eq(o: Other): Tensor {
    return new Tensor(native.eq(this.handle, h(o)));
  }
  ne(o: Other): Tensor {
    return new Tensor(native.ne(this.handle, h(o)));
  }
  lt(o: Other): Tensor {
    return new Tensor(native.lt(this.handle, h(o)));
  }
  le(o: Other): Tensor {
    return new Tensor(native.le(this.handle, h(o)));
  }
  gt(o: Other): Tensor {
    return new Tensor(native.gt(this.handle, h(o)));
  }
  ge(o: Other): Tensor {
    return new Tensor(native.ge(this.handle, h(o)));
  }
  logicalAnd(o: Tensor): Tensor {
    return new Tensor(native.logicalAnd(this.handle, o.handle));
  }
  logicalOr(o: Tensor): Tensor {
    return new Tensor(native.logicalOr(this.handle, o.handle));
  }
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this.handle));
  }
  allclose(o: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
    return native.allclose(this.handle, o.handle, rtol, atol);
  }

  // ---- in place (return this) ----
  add_(o: Other, alpha = 1): this {
    native.add_(this.handle, h(o), alpha);
    return this;
  }
  sub_(o: Other, alpha = 1): this {
    native.add_(this.handle, h(o), -alpha);
    return this;
  }
  mul_(o: Other): this {
    native.mul_(this.handle, h(o));
    return this;
  }
  div_(o: Other): this {
    native.div_(this.handle, h(o));
    return this;
  }
  copy_(src: Tensor): this {
    native.copy_(this.handle, src.handle);
    return this;
  }
  zero_(): this {
    native.zero_(this.handle);
    return this;
  }
  fill_(v: number): this {
    native.fill_(this.handle, v);
    return this;
  }
  clamp_(min?: number, max?: number): this {
    native.clamp_(this.handle, min, max);
    return this;
  }
  exp_(): this {
    native.exp_(this.handle);
    return this;
  }
  addcmul_(a: Tensor, b: Tensor, value = 1): this {
    native.addcmul_(this.handle, a.handle, b.handle, value);
    return this;
  }
  /** Fills with U(low, high) draws from the generator (or libtorch's global one). */
  uniform_(low: number, high: number, generator?: Generator): this {
    native.uniform_(this.handle, low, high, generator?.handle);
    return this;
  }
  normal_(mean = 0, std = 1, generator?: Generator): this {
    native.normal_(this.handle, mean, std, generator?.handle);
    return this;
  }

  // ---- reductions ----
  sum(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.sum(this.handle, dimList(dims), keepdim));
  }
  mean(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.mean(this.handle, dimList(dims), keepdim));
  }
  var(dims?: number | number[], unbiased = true, keepdim = false): Tensor {
    return new Tensor(native.var(this.handle, dimList(dims), unbiased, keepdim));
  }
  std(dims?: number | number[], unbiased = true, keepdim = false): Tensor {
    return new Tensor(native.std(this.handle, dimList(dims), unbiased, keepdim));
  }
  logsumexp(dims: number | number[], keepdim = false): Tensor {
    return new Tensor(native.logsumexp(this.handle, dimList(dims) ?? [], keepdim));
  }
  max(): Tensor {
    return new Tensor(native.max(this.handle));
  }
  min(): Tensor {
    return new Tensor(native.min(this.handle));
  }
  maxDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    return pair(native.maxDim(this.handle, dim, keepdim));
  }
  minDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    return pair(native.minDim(this.handle, dim, keepdim));
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.handle, dim, keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmin(this.handle, dim, keepdim));
  }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    return pair(native.topk(this.handle, k, dim, largest, sorted));
  }
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    return pair(native.sort(this.handle, dim, descending));
  }
  argsort(dim = -1, descending = false): Tensor {
    return new Tensor(native.argsort(this.handle, dim, descending));
  }
  cumsum(dim: number): Tensor {
    return new Tensor(native.cumsum(this.handle, dim));
  }
  norm(p = 2): Tensor {
    return new Tensor(native.norm(this.handle, p));
  }
  countNonzero(): Tensor {
    return new Tensor(native.countNonzero(this.handle));
  }
  bincount(minlength = 0): Tensor {
    return new Tensor(native.bincount(this.handle, minlength));
  }

  // ---- shapes, views, copies ----
  reshape(...shape: number[]): Tensor {
    return new Tensor(native.reshape(this.handle, shape));
  }
  view(...shape: number[]): Tensor {
    return this.reshape(...shape);
  }
  permute(...dims: number[]): Tensor {
    return new Tensor(native.permute(this.handle, dims));
  }
  transpose(a: number, b: number): Tensor {
    return new Tensor(native.transpose(this.handle, a, b));
  }
  /** Matrix transpose of a 2-D tensor. */
  t(): Tensor {
    return this.transpose(0, 1);
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this.handle));
  }
  squeeze(dim: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, dim));
  }
  expand(...shape: number[]): Tensor {
    return new Tensor(native.expand(this.handle, shape));
  }
  flatten(start = 0, end = -1): Tensor {
    return new Tensor(native.flatten(this.handle, start, end));
  }
  flip(...dims: number[]): Tensor {
    return new Tensor(native.flip(this.handle, dims));
  }
  repeat(...reps: number[]): Tensor {
    return new Tensor(native.repeat(this.handle, reps));
  }
  clone(): Tensor {
    return new Tensor(native.clone(this.handle));
  }
  /** Constant padding of the last dimensions: [left, right, top, bottom, …]. */
  pad(pads: number[], value = 0): Tensor {
    return new Tensor(native.pad(this.handle, pads, value));
  }
  /** A copy in another dtype or on another device. */
  to(target: DType | Device): Tensor {
    return isDType(target)
      ? new Tensor(native.toDtype(this.handle, target))
      : new Tensor(native.toDevice(this.handle, target));
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  long(): Tensor {
    return this.to('int64');
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, dim, start, length));
  }
  slice(dim: number, start: number, end: number, step = 1): Tensor {
    return new Tensor(native.slice(this.handle, dim, start, end, step));
  }
  select(dim: number, index: number): Tensor {
    return new Tensor(native.select(this.handle, dim, index));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, dim, index.handle));
  }
  scatter(dim: number, index: Tensor, src: Other): Tensor {
    return new Tensor(native.scatter(this.handle, dim, index.handle, h(src)));
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    return new Tensor(native.maskedFill(this.handle, mask.handle, value));
  }
  maskedSelect(mask: Tensor): Tensor {
    return new Tensor(native.maskedSelect(this.handle, mask.handle));
  }
  nonzero(): Tensor {
    return new Tensor(native.nonzero(this.handle));
  }
  indexCopy_(dim: number, index: Tensor, src: Tensor): this {
    native.indexCopy_(this.handle, dim, index.handle, src.handle);
    return this;
  }
  matmul(o: Tensor): Tensor {
    return new Tensor(native.matmul(this.handle, o.handle));
  }

  // ---- autograd ----
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  requiresGrad_(on = true): this {
    native.setRequiresGrad(this.handle, on);
    return this;
  }
  /** A new tensor sharing this one's gradient, or undefined before any backward(). */
  get grad(): Tensor | undefined {
    const g = native.grad(this.handle);
    return g === undefined ? undefined : new Tensor(g);
  }
  /** Drops the accumulated gradient (PyTorch's zero_grad(set_to_none=True)). */
  clearGrad(): void {
    native.clearGrad(this.handle);
  }
  backward(grad?: Tensor): void {
    native.backward(this.handle, grad?.handle);
  }
  detach(): Tensor {
    return new Tensor(native.detach(this.handle));
  }

  toString(): string {
    return this.h === null
      ? 'Tensor(disposed)'
      : `Tensor(${this.dtype}, [${this.shape.join(', ')}], ${this.device})`;
  }
}

function pair([a, b]: [Handle, Handle]): { values: Tensor; indices: Tensor } {
  return { values: new Tensor(a), indices: new Tensor(b) };
}

function dimList(dims: number | number[] | undefined): number[] | undefined {
  return dims === undefined ? undefined : typeof dims === 'number' ? [dims] : dims;
}

const DTYPE_NAMES = new Set<string>(DTYPES);
function isDType(x: string): x is DType {
  return DTYPE_NAMES.has(x);
}

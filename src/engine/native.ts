// The typed mirror of the native addon: one declaration per export, nothing else.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * An opaque handle on one libtorch tensor; only the addon looks inside. Every handle carries its kind
 * (an N-API type tag), so an op given a handle of another kind throws a TypeError naming both kinds.
 */
export type Handle = { readonly __brand: 'TensorHandle' };
/** An opaque handle on one libtorch CPU generator. */
export type GeneratorHandle = { readonly __brand: 'GeneratorHandle' };
export type NativeDType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool' | 'bfloat16';
type H = Handle;
type G = GeneratorHandle | undefined;
type Num = H | number;
type Reduction = 'mean' | 'sum' | 'none';

export interface NativeAddon {
  // handles and settings
  dispose(t: H): void;
  liveCount(): number;
  shape(t: H): number[];
  dtype(t: H): NativeDType;
  device(t: H): string;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  allocatorCachedBytes(): number;
  allocatorRelease(): void;
  allocatorCacheLimit(): number;
  allocatorSetCacheLimit(bytes: number): void;
  setBlasThreads(n: number): boolean;
  getBlasThreads(): number;
  hasFastSgemm(): boolean;
  setFastSgemm(on: boolean): boolean;
  hasFastConv(): boolean;
  setFastConv(on: boolean): void;
  hardwareConcurrency(): number;
  cudaIsAvailable(): boolean;
  cudaDeviceCount(): number;
  cudaSynchronize(): void;
  version(): { torch: string; cudaBuild: boolean; parallel: string; openmp: boolean; simd: string };
  newGenerator(seed: number): GeneratorHandle;
  generatorGetState(g: GeneratorHandle): H;
  generatorSetState(g: GeneratorHandle, state: H): void;
  // creation
  fromBuffer(data: ArrayBufferView, shape: number[], dtype: NativeDType, device?: string): H;
  toBuffer(t: H): ArrayBuffer;
  item(t: H): number | boolean;
  zeros(shape: number[], dtype: NativeDType, device?: string): H;
  ones(shape: number[], dtype: NativeDType, device?: string): H;
  empty(shape: number[], dtype: NativeDType, device?: string): H;
  full(shape: number[], value: number, dtype: NativeDType, device?: string): H;
  arange(start: number, end: number, step: number, dtype: NativeDType, device?: string): H;
  eye(n: number, m: number, dtype: NativeDType, device?: string): H;
  zerosLike(t: H): H;
  onesLike(t: H): H;
  rand(shape: number[], g: G, dtype: NativeDType, device?: string): H;
  randn(shape: number[], g: G, dtype: NativeDType, device?: string): H;
  randint(low: number, high: number, shape: number[], g: G, device?: string): H;
  randperm(n: number, g: G, device?: string): H;
  uniform_(t: H, low: number, high: number, g: G): void;
  normal_(t: H, mean: number, std: number, g: G): void;
  // arithmetic and comparisons
  add(a: H, b: Num, alpha?: number): H;
  sub(a: H, b: Num, alpha?: number): H;
  mul(a: H, b: Num): H;
  div(a: H, b: Num): H;
  pow(a: H, b: Num): H;
  remainder(a: H, b: Num): H;
  maximum(a: H, b: H): H;
  minimum(a: H, b: H): H;
  eq(a: H, b: Num): H;
  ne(a: H, b: Num): H;
  lt(a: H, b: Num): H;
  le(a: H, b: Num): H;
  gt(a: H, b: Num): H;
  ge(a: H, b: Num): H;
  logicalAnd(a: H, b: H): H;
  logicalOr(a: H, b: H): H;
  logicalNot(a: H): H;
  add_(a: H, b: Num, alpha?: number): void;
  mul_(a: H, b: Num): void;
  div_(a: H, b: Num): void;
  copy_(dst: H, src: H): void;
  zero_(t: H): void;
  fill_(t: H, v: number): void;
  clamp_(t: H, min: number | undefined, max: number | undefined): void;
  addcmul_(t: H, a: H, b: H, value: number): void;
  neg(t: H): H;
  exp(t: H): H;
  log(t: H): H;
  sqrt(t: H): H;
  rsqrt(t: H): H;
  abs(t: H): H;
  relu(t: H): H;
  sigmoid(t: H): H;
  tanh(t: H): H;
  sign(t: H): H;
  floor(t: H): H;
  round(t: H): H;
  square(t: H): H;
  reciprocal(t: H): H;
  sin(t: H): H;
  cos(t: H): H;
  isfinite(t: H): H;
  isnan(t: H): H;
  clamp(t: H, min: number | undefined, max: number | undefined): H;
  where(cond: H, a: H, b: H): H;
  // reductions and sorting
  sum(t: H, dims?: number[], keepdim?: boolean): H;
  mean(t: H, dims?: number[], keepdim?: boolean): H;
  var(t: H, dims: number[] | undefined, unbiased: boolean, keepdim: boolean): H;
  std(t: H, dims: number[] | undefined, unbiased: boolean, keepdim: boolean): H;
  logsumexp(t: H, dims: number[], keepdim: boolean): H;
  max(t: H): H;
  min(t: H): H;
  maxDim(t: H, dim: number, keepdim: boolean): [H, H];
  minDim(t: H, dim: number, keepdim: boolean): [H, H];
  argmax(t: H, dim?: number, keepdim?: boolean): H;
  argmin(t: H, dim?: number, keepdim?: boolean): H;
  topk(t: H, k: number, dim: number, largest: boolean, sorted: boolean): [H, H];
  sort(t: H, dim: number, descending: boolean): [H, H];
  argsort(t: H, dim: number, descending: boolean): H;
  cumsum(t: H, dim: number): H;
  norm(t: H, p: number): H;
  countNonzero(t: H): H;
  bincount(t: H, minlength: number): H;
  allclose(a: H, b: H, rtol: number, atol: number): boolean;
  // shapes and indexing
  reshape(t: H, shape: number[]): H;
  permute(t: H, dims: number[]): H;
  transpose(t: H, a: number, b: number): H;
  contiguous(t: H): H;
  squeeze(t: H, dim: number): H;
  unsqueeze(t: H, dim: number): H;
  expand(t: H, shape: number[]): H;
  flatten(t: H, start: number, end: number): H;
  flip(t: H, dims: number[]): H;
  repeat(t: H, reps: number[]): H;
  clone(t: H): H;
  cat(ts: H[], dim: number): H;
  stack(ts: H[], dim: number): H;
  pad(t: H, pads: number[], value: number): H;
  toDtype(t: H, dtype: NativeDType): H;
  toDevice(t: H, device: string): H;
  narrow(t: H, dim: number, start: number, length: number): H;
  slice(t: H, dim: number, start: number, end: number, step: number): H;
  select(t: H, dim: number, index: number): H;
  indexSelect(t: H, dim: number, index: H): H;
  gather(t: H, dim: number, index: H): H;
  scatter(t: H, dim: number, index: H, src: Num): H;
  maskedFill(t: H, mask: H, value: number): H;
  maskedSelect(t: H, mask: H): H;
  nonzero(t: H): H;
  indexCopy_(t: H, dim: number, index: H, src: H): void;
  // neural-network kernels
  matmul(a: H, b: H): H;
  linear(x: H, w: H, b?: H): H;
  conv2d(
    x: H,
    w: H,
    b: H | undefined,
    stride: number[],
    padding: number[],
    dilation: number[],
    groups: number,
  ): H;
  maxPool2d(x: H, kernel: number[], stride: number[], padding: number[], ceilMode: boolean): H;
  avgPool2d(
    x: H,
    kernel: number[],
    stride: number[],
    padding: number[],
    ceilMode: boolean,
    countIncludePad: boolean,
  ): H;
  batchNorm(
    x: H,
    w: H | undefined,
    b: H | undefined,
    rm: H | undefined,
    rv: H | undefined,
    training: boolean,
    momentum: number,
    eps: number,
    relu?: boolean,
  ): H;
  localResponseNorm(x: H, size: number, alpha: number, beta: number, k: number): H;
  logSoftmax(t: H, dim: number): H;
  softmax(t: H, dim: number): H;
  crossEntropy(logits: H, target: H, reduction?: Reduction): H;
  nllLoss(logp: H, target: H, reduction?: Reduction): H;
  mseLoss(a: H, b: H, reduction?: Reduction): H;
  cdist(a: H, b: H, p: number): H;
  // linear algebra
  cholesky(a: H, upper: boolean): H;
  solve(a: H, b: H): H;
  triangularSolve(a: H, b: H, upper: boolean, left: boolean, unitriangular: boolean): H;
  eigh(a: H): [H, H];
  lstsq(a: H, b: H, rcond: number | undefined, driver: string): [H, number | null, H | undefined];
  choleskyInplace_(a: H): number;
  choleskySolveFactored(u: H, b: H): H;
  addmm_(c: H, a: H, b: H, beta: number, alpha: number): void;
  exp_(t: H): void;
  relu_(t: H): void;
  // autograd
  setRequiresGrad(t: H, on: boolean): void;
  requiresGrad(t: H): boolean;
  backward(t: H, grad?: H): void;
  grad(t: H): H | undefined;
  clearGrad(t: H): void;
  detach(t: H): H;
  setGradEnabled(on: boolean): void;
  isGradEnabled(): boolean;
  setAutocastCpu(on: boolean): boolean; // → whether it was on
}

function locate(): string {
  // Another build of the addon (scripts/sanitize.sh's, with AddressSanitizer) by its file.
  const other = process.env.GENLAB_NATIVE_ADDON;
  if (other) {
    if (existsSync(other)) return path.resolve(other);
    throw new Error(
      `engine: GENLAB_NATIVE_ADDON=${other}: no such file; expected a built genlab_native.node`,
    );
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  // dist/src/engine -> repository root
  for (const up of ['../../..', '../..']) {
    const p = path.resolve(here, up, 'native/build/Release/genlab_native.node');
    if (existsSync(p)) return p;
  }
  throw new Error(
    'engine: native addon not built; expected native/build/Release/genlab_native.node — run `npm run setup`',
  );
}

const require = createRequire(import.meta.url);
/** The loaded addon's file. */
export const addonPath = locate();
/** The loaded addon. */
export const native: NativeAddon = require(addonPath) as NativeAddon;

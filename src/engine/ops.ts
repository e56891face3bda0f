// Free functions of the engine: creating tensors, joining them, grad mode, threads, counters.
import { statSync } from 'node:fs';
import { addonPath, native, type NativeDType } from './native.js';
import { InputError } from './errors.js';
import { bf16Support, type Bf16Support } from './precision.js';
import { Tensor, type TensorData } from './tensor.js';
import type { Device, DType } from './dtype.js';
import type { Generator } from './generator.js';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
}
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function checkShape(shape: readonly number[], where: string): number[] {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0)
      throw new Error(`${where}: shape [${shape.join(', ')}] must hold non-negative integers`);
  }
  return [...shape];
}

const ARRAY_DTYPE: [new (...a: never[]) => TensorData, NativeDType][] = [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [BigInt64Array, 'int64'],
  [Int32Array, 'int32'],
  [Uint8Array, 'uint8'],
];

/**
 * A tensor from values. A TypedArray keeps its dtype (Uint8Array → uint8 unless dtype says bool);
 * a plain array becomes float32 unless dtype says otherwise. shape defaults to [length].
 */
export function tensor(
  values: TensorData | readonly number[],
  shape?: readonly number[],
  opts: CreateOptions = {},
): Tensor {
  let data: TensorData;
  let dtype: NativeDType;
  if (Array.isArray(values)) {
    dtype = opts.dtype ?? 'float32';
    data = fromNumbers(values as readonly number[], dtype);
  } else {
    const typed = values as TensorData;
    const entry = ARRAY_DTYPE.find(([ctor]) => typed instanceof ctor);
    if (!entry) throw new Error('tensor: unsupported array type');
    dtype = entry[1] === 'uint8' && opts.dtype === 'bool' ? 'bool' : entry[1];
    data = typed;
    if (opts.dtype !== undefined && opts.dtype !== dtype) {
      return scopedConvert(tensor(typed, shape, { device: opts.device }), opts.dtype);
    }
  }
  const s = checkShape(shape ?? [data.length], 'tensor');
  const n = s.reduce((a, b) => a * b, 1);
  if (n !== data.length)
    throw new Error(`tensor: shape [${s.join(', ')}] needs ${n} values; got ${data.length}`);
  return new Tensor(native.fromBuffer(data, s, dtype, opts.device));
}

function scopedConvert(t: Tensor, dtype: DType): Tensor {
  const out = t.to(dtype);
  t.dispose();
  return out;
}

function fromNumbers(values: readonly number[], dtype: NativeDType): TensorData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
    case 'int32':
      return Int32Array.from(values);
    default:
      return Uint8Array.from(values);
  }
}

export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return new Tensor(native.zeros(checkShape(shape, 'zeros'), opts.dtype ?? 'float32', opts.device));
}
export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return new Tensor(native.ones(checkShape(shape, 'ones'), opts.dtype ?? 'float32', opts.device));
}
export function empty(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return new Tensor(native.empty(checkShape(shape, 'empty'), opts.dtype ?? 'float32', opts.device));
}
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  return new Tensor(native.full(checkShape(shape, 'full'), value, opts.dtype ?? 'float32', opts.device));
}
/** [start, end) with step; int64 unless a dtype is given. */
export function arange(start: number, end: number, step = 1, opts: CreateOptions = {}): Tensor {
  return new Tensor(native.arange(start, end, step, opts.dtype ?? 'int64', opts.device));
}
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  return new Tensor(native.eye(n, m, opts.dtype ?? 'float32', opts.device));
}
export function zerosLike(t: Tensor): Tensor {
  return new Tensor(native.zerosLike(t.handle));
}
export function onesLike(t: Tensor): Tensor {
  return new Tensor(native.onesLike(t.handle));
}

/** Uniform on [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return new Tensor(
    native.rand(checkShape(shape, 'rand'), opts.generator?.handle, opts.dtype ?? 'float32', opts.device),
  );
}
/** Standard normal. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return new Tensor(
    native.randn(checkShape(shape, 'randn'), opts.generator?.handle, opts.dtype ?? 'float32', opts.device),
  );
}
/** Integers in [low, high), int64. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  opts: RandomOptions = {},
): Tensor {
  return new Tensor(
    native.randint(low, high, checkShape(shape, 'randint'), opts.generator?.handle, opts.device),
  );
}
/** A random permutation of 0..n-1, int64. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  return new Tensor(native.randperm(n, opts.generator?.handle, opts.device));
}

export function cat(ts: readonly Tensor[], dim = 0): Tensor {
  return new Tensor(
    native.cat(
      ts.map((t) => t.handle),
      dim,
    ),
  );
}
export function stack(ts: readonly Tensor[], dim = 0): Tensor {
  return new Tensor(
    native.stack(
      ts.map((t) => t.handle),
      dim,
    ),
  );
}
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return new Tensor(native.where(cond.handle, a.handle, b.handle));
}

/** Runs fn with autograd recording off (PyTorch's torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  const was = native.isGradEnabled();
  native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(was);
  }
}
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/**
 * Bytes of freed CPU tensor storage kept for reuse: blocks of 64 KiB and more are cached by size,
 * because a training step allocates the same sizes every time (native/src/allocator.cc).
 */
export function cachedBytes(): number {
  return native.allocatorCachedBytes();
}
/** Returns the cached blocks to the operating system. */
export function releaseCachedMemory(): void {
  native.allocatorRelease();
}
/** The most the cache keeps: a quarter of physical memory, at least 2 GiB, unless set. */
export function cachedMemoryLimit(): number {
  return native.allocatorCacheLimit();
}
/** Sets the cache's limit in bytes; beyond it the least recently freed blocks are unmapped first. */
export function setCachedMemoryLimit(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0)
    throw new InputError(`cached memory limit: expected a whole number of bytes ≥ 0, got ${bytes}`);
  native.allocatorSetCacheLimit(bytes);
}

/** Native tensors alive now (freed ones excluded): tests assert it does not grow. */
export function liveTensors(): number {
  return native.liveCount();
}

/**
 * Sets the CPU threads of this process: `n` for libtorch's intra-op pool and `blas` (default `n`) for
 * OpenBLAS's own pool. Debian's libtorch does its matrix products in OpenBLAS, whose pool ignores
 * libtorch's setting and otherwise spins on every core. An OPENBLAS_NUM_THREADS in the environment
 * wins over `blas`.
 */
export function setNumThreads(n: number, blas = n): void {
  for (const [what, v] of [
    ['threads', n],
    ['BLAS threads', blas],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${what}: expected a positive integer, got ${v}`);
  }
  native.setNumThreads(n);
  if (process.env.OPENBLAS_NUM_THREADS === undefined) native.setBlasThreads(blas);
}
export function getNumThreads(): number {
  return native.getNumThreads();
}
/** OpenBLAS's thread count, or -1 where libtorch does not use OpenBLAS. */
export function getBlasThreads(): number {
  return native.getBlasThreads();
}
/** The number of CPU cores this process may use. */
export function cpuCount(): number {
  return native.hardwareConcurrency();
}
/**
 * 'oneDNN' where float32 CPU products (linear, 2-D matmul) run on oneDNN's sgemm, which Debian's
 * libtorch links (twice OpenBLAS's rate on AVX-512 machines); 'libtorch' where they take libtorch's own path.
 */
export function cpuSgemm(): CpuSgemm {
  return native.hasFastSgemm() ? 'oneDNN' : 'libtorch';
}
export type CpuSgemm = 'oneDNN' | 'libtorch';
/**
 * Chooses the float32 CPU products' path: 'libtorch' gives PyTorch-on-this-machine's numerics to the
 * last bit (its OpenBLAS), 'oneDNN' the faster sgemm (the default where it is linked).
 */
export function setCpuSgemm(which: CpuSgemm, what = 'CPU sgemm'): void {
  if (which !== 'oneDNN' && which !== 'libtorch') {
    throw new InputError(`${what}: expected "oneDNN" or "libtorch", got ${JSON.stringify(which)}`);
  }
  const linked = native.setFastSgemm(which === 'oneDNN');
  if (which === 'oneDNN' && !linked) {
    throw new InputError(
      `${what}: "oneDNN" asked for, but this libtorch does not export dnnl_sgemm; products stay on libtorch's path`,
    );
  }
}
/**
 * 'genlab' where conv nets' CPU float32 layers take genlab's fused kernels (local response
 * normalization in one pass each way; native/src/ops-conv.cc), 'libtorch' where they take libtorch's own ops.
 */
export function cpuConv(): CpuConv {
  return native.hasFastConv() ? 'genlab' : 'libtorch';
}
export type CpuConv = 'genlab' | 'libtorch';
/** Chooses the conv-net layers' path: 'libtorch' for PyTorch's own kernels, 'genlab' (the default) for the fused ones. */
export function setCpuConv(which: CpuConv, what = 'CPU conv'): void {
  if (which !== 'genlab' && which !== 'libtorch') {
    throw new InputError(`${what}: expected "genlab" or "libtorch", got ${JSON.stringify(which)}`);
  }
  native.setFastConv(which === 'genlab');
}
/**
 * What a speed measured in this process depends on besides the model and the machine: the libtorch
 * version, the native addon's build (its file's modification time: a rebuild may be faster or slower),
 * and the CPU paths chosen for products and conv-net layers. Equal strings: the same engine.
 */
export function engineBuild(): string {
  const built = statSync(addonPath).mtime.toISOString();
  return `libtorch ${native.version().torch}, addon built ${built}, sgemm ${cpuSgemm()}, conv ${cpuConv()}`;
}
export interface EngineInfo {
  torch: string;
  cudaBuild: boolean;
  cudaAvailable: boolean;
  threads: number;
  blasThreads: number;
  cpuSgemm: CpuSgemm;
  cpuConv: CpuConv;
  /** Whether genlab's own CPU kernels (batch norm, pooling, LRN) use libtorch's threads (built with OpenMP). */
  parallelKernels: boolean;
  /** The vector instructions genlab's own kernels run here: 'AVX-512', 'AVX2' or 'SSE2' on x86-64 (the CPU picks at load). */
  kernelSimd: string;
  /** Whether the CPU has native bfloat16 (`--precision bf16` refuses without it), and what says so. */
  bf16: Bf16Support;
}
export function engineInfo(): EngineInfo {
  const v = native.version();
  return {
    torch: v.torch,
    cudaBuild: v.cudaBuild,
    cudaAvailable: native.cudaIsAvailable(),
    threads: native.getNumThreads(),
    blasThreads: native.getBlasThreads(),
    cpuSgemm: cpuSgemm(),
    cpuConv: cpuConv(),
    parallelKernels: v.openmp,
    kernelSimd: v.simd,
    bf16: bf16Support(),
  };
}
/** Waits for queued CUDA work (timing); a no-op on CPU. */
export function synchronize(): void {
  native.cudaSynchronize();
}

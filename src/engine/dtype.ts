// Data types and devices as the engine names them, with validation of user-given names.
import { native, type NativeDType } from './native.js';

export type DType = NativeDType;
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'int32', 'uint8', 'bool', 'bfloat16'];

/** A device name: "cpu", "cuda" (the current CUDA device) or "cuda:N". */
export type Device = string;

/** The TypedArray that holds a dtype's values (bfloat16's are read as float32). */
export type TypedArrayOf<D extends DType> = D extends 'float32' | 'bfloat16'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int64'
      ? BigInt64Array
      : D extends 'int32'
        ? Int32Array
        : Uint8Array;

export function parseDevice(name: string, where = 'device'): Device {
  const m = /^(cpu|cuda)(?::(\d+))?$/.exec(name);
  if (!m || (m[1] === 'cpu' && m[2] !== undefined)) {
    throw new Error(`${where}: unknown device "${name}"; expected cpu, cuda or cuda:N`);
  }
  if (m[1] === 'cuda') {
    if (!native.cudaIsAvailable()) {
      const build = native.version().cudaBuild
        ? 'no CUDA device is visible'
        : 'the addon was built against a CPU-only libtorch (set LIBTORCH to a CUDA libtorch and rebuild)';
      throw new Error(`${where}: "${name}" requested but CUDA is not available: ${build}`);
    }
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const count = native.cudaDeviceCount();
    if (index >= count) throw new Error(`${where}: "${name}" requested; expected an index below ${count}`);
  }
  return name;
}

export function cudaAvailable(): boolean {
  return native.cudaIsAvailable();
}

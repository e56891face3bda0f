// Training precision: float32, or bfloat16 mixed precision through libtorch's CPU autocast (PyTorch's
// torch.cpu.amp.autocast(dtype=torch.bfloat16)): convolutions and matrix products in bfloat16, weights,
// their gradients, the optimizer's update, the loss and softmax in float32.
import { readFileSync } from 'node:fs';
import { InputError } from './errors.js';
import { native } from './native.js';

export const PRECISIONS = ['fp32', 'bf16'] as const;
export type Precision = (typeof PRECISIONS)[number];

export interface Bf16Support {
  native: boolean; // the CPU computes bfloat16 products in hardware (AVX-512 BF16 or AMX)
  why: string; // what says so: the CPU flag found, its absence, or GENLAB_CPU_BF16
}

/**
 * Whether this CPU has native bfloat16: the `avx512_bf16` or `amx_bf16` flag of /proc/cpuinfo.
 * GENLAB_CPU_BF16=0 makes it say no (a CPU without, simulated), =1 yes (bfloat16 is then emulated where
 * the flag is missing: the same numbers, slower than float32).
 */
export function bf16Support(): Bf16Support {
  const forced = process.env.GENLAB_CPU_BF16;
  if (forced === '0' || forced === '1')
    return { native: forced === '1', why: `GENLAB_CPU_BF16=${forced} (set in the environment)` };
  let flags: string[];
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    flags = line ? line[1].trim().split(/\s+/) : [];
  } catch {
    return { native: false, why: 'no /proc/cpuinfo to read the CPU flags from' };
  }
  const found = ['avx512_bf16', 'amx_bf16'].filter((f) => flags.includes(f));
  return found.length > 0
    ? { native: true, why: `CPU flag ${found.join(', ')}` }
    : { native: false, why: 'the CPU has neither the avx512_bf16 nor the amx_bf16 flag' };
}

/**
 * Refuses a precision this machine cannot run well: bf16 on a CPU without native bfloat16 (emulated, it is
 * slower than fp32) or on a CUDA device (genlab's bf16 is CPU autocast). `where` names the key or flag.
 */
export function checkPrecision(precision: Precision, device: string, where: string): void {
  if (precision === 'fp32') return;
  if (device !== 'cpu')
    throw new InputError(
      `${where}: bf16 runs on the CPU (libtorch's CPU autocast); device ${device} trains in fp32 only`,
    );
  const s = bf16Support();
  if (!s.native)
    throw new InputError(
      `${where}: bf16 needs a CPU with native bfloat16 and this one has none (${s.why}); emulated it is slower than fp32, so use fp32`,
    );
}

/** Runs fn under `precision`: bf16 turns CPU autocast on for fn (nested calls keep it), fp32 leaves it as it is. */
export function autocast<T>(precision: Precision, fn: () => T): T {
  if (precision === 'fp32') return fn();
  const was = native.setAutocastCpu(true);
  try {
    return fn();
  } finally {
    native.setAutocastCpu(was);
  }
}

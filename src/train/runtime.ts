// Runtime policy: libtorch's and OpenBLAS's thread counts and which CPU kernels run, decided in one
// function from the run's model, what was asked for and the machine. None of it is part of a run's config.
import {
  InputError,
  busyCpus,
  cpuConv,
  cpuCount,
  cpuSgemm,
  setCpuConv,
  setCpuSgemm,
  setNumThreads,
  type CpuConv,
  type CpuSgemm,
} from '../engine/index.js';
import { isConvNet } from '../models/index.js';

/** What the policy needs to know about the machine. */
export interface Machine {
  cpus: number; // cores this process may use
  idle?: number; // cores other programs leave idle now (unknown: all of them)
  sgemm: CpuSgemm; // the float32 product path this libtorch takes unless told otherwise
  conv: CpuConv; // the conv-net layers' path (genlab's fused kernels unless told otherwise)
}

/** What was asked for: a thread count (--threads, or the one a resumed run ran with) and the environment. */
export interface RuntimeRequest {
  threads?: number;
  env?: Record<string, string | undefined>; // GENLAB_CPU_SGEMM=libtorch|oneDNN, GENLAB_CPU_CONV=libtorch|genlab
}

export interface Runtime {
  threads: number; // libtorch's intra-op pool
  blasThreads: number; // OpenBLAS's pool (where libtorch links OpenBLAS)
  sgemm: CpuSgemm;
  conv: CpuConv;
  notice: string | null; // one line for people when the request was changed (threads capped)
}

/** This machine; `measureIdle` samples other programs' load for 200 ms (/proc/stat). */
export function thisMachine(measureIdle = true): Machine {
  const cpus = cpuCount();
  const busy = measureIdle ? busyCpus(cpus) : undefined;
  const idle = busy === undefined ? undefined : Math.min(cpus, Math.max(1, Math.round(cpus - busy)));
  return { cpus, idle, sgemm: cpuSgemm(), conv: cpuConv() };
}

/** GENLAB_CPU_SGEMM, checked: 'libtorch' gives PyTorch's float32 products to the bit, 'oneDNN' the faster sgemm. */
export function sgemmFromEnv(env: Record<string, string | undefined>): CpuSgemm | undefined {
  const v = env.GENLAB_CPU_SGEMM;
  if (v === undefined) return undefined;
  if (v !== 'oneDNN' && v !== 'libtorch')
    throw new InputError(`GENLAB_CPU_SGEMM: expected "oneDNN" or "libtorch", got ${JSON.stringify(v)}`);
  return v;
}

/** GENLAB_CPU_CONV, checked: 'libtorch' puts conv nets' layers on libtorch's own kernels, 'genlab' the fused ones. */
export function convFromEnv(env: Record<string, string | undefined>): CpuConv | undefined {
  const v = env.GENLAB_CPU_CONV;
  if (v === undefined) return undefined;
  if (v !== 'genlab' && v !== 'libtorch')
    throw new InputError(`GENLAB_CPU_CONV: expected "genlab" or "libtorch", got ${JSON.stringify(v)}`);
  return v;
}

/** A thread count asked for, capped at the machine's cores (more threads than cores only spin against
 * each other), with one line for people when it was capped. Fit and the sweep's workers both ask here. */
export function capThreads(asked: number, cpus: number): { threads: number; notice: string | null } {
  if (!Number.isInteger(asked) || asked < 1)
    throw new InputError(`threads: expected an integer ≥ 1, got ${asked}`);
  if (asked <= cpus) return { threads: asked, notice: null };
  return {
    threads: cpus,
    notice: `threads: ${asked} asked for, but this machine has ${cpus} CPUs; using ${cpus}`,
  };
}

/**
 * The policy. A thread count asked for is kept (capped: capThreads). Otherwise the run takes the cores other programs leave idle (a thread
 * sharing a core with another program stalls every parallel region that waits for it), for libtorch
 * and OpenBLAS alike, except an MLP whose products run on OpenBLAS (no oneDNN sgemm): there libtorch's
 * pool gets one thread, since two pools spinning on the same cores slow each other down several times
 * over. docs/measurements.md has the timings behind these choices.
 */
export function runtimePolicy(model: string, req: RuntimeRequest, m: Machine): Runtime {
  const sgemm = sgemmFromEnv(req.env ?? {}) ?? m.sgemm;
  const conv = convFromEnv(req.env ?? {}) ?? m.conv;
  if (req.threads !== undefined) {
    const { threads, notice } = capThreads(req.threads, m.cpus);
    return { threads, blasThreads: threads, sgemm, conv, notice };
  }
  const cores = m.idle ?? m.cpus;
  const shared = isConvNet(model) || sgemm === 'oneDNN';
  return { threads: shared ? cores : 1, blasThreads: cores, sgemm, conv, notice: null };
}

/**
 * A theory run's policy (kernel, random features, min-norm …): libtorch's pool takes the threads asked for
 * (capped), and BLAS every core where the experiment's time goes to BLAS and LAPACK solves, as it declares.
 * `genlab kernel`, `genlab run table3` and a queue worker all ask here, so a run gets the same threads
 * whichever command makes it.
 */
export function theoryRuntime(asked: number, blasOnEveryCore: boolean, m: Machine): Runtime {
  const { threads, notice } = capThreads(asked, m.cpus);
  return { threads, blasThreads: blasOnEveryCore ? m.cpus : threads, sgemm: m.sgemm, conv: m.conv, notice };
}

/** Applies a policy to this process's engine. */
export function applyRuntime(r: Runtime): void {
  if (cpuSgemm() !== r.sgemm) setCpuSgemm(r.sgemm, 'GENLAB_CPU_SGEMM');
  if (cpuConv() !== r.conv) setCpuConv(r.conv, 'GENLAB_CPU_CONV');
  setNumThreads(r.threads, r.blasThreads);
}

/** For commands that compute without fitting (info, bench): GENLAB_CPU_SGEMM and GENLAB_CPU_CONV applied. */
export function applyEnvKernels(env: Record<string, string | undefined> = process.env): void {
  const sgemm = sgemmFromEnv(env);
  const conv = convFromEnv(env);
  if (sgemm !== undefined && sgemm !== cpuSgemm()) setCpuSgemm(sgemm, 'GENLAB_CPU_SGEMM');
  if (conv !== undefined && conv !== cpuConv()) setCpuConv(conv, 'GENLAB_CPU_CONV');
}

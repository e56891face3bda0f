// genlab info: the engine build, libtorch version, devices and thread settings.
import { engineInfo, cpuCount } from '../engine/index.js';
import { applyEnvKernels } from '../train/runtime.js';
import type { Command } from './command.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'show the engine: libtorch version, CUDA, threads',
  usage: '[--json]',
  description:
    "Prints what genlab computes on: the libtorch it was built against, whether CUDA is usable, which sgemm runs float32 CPU matrix products (oneDNN's where libtorch links it, else libtorch's own), whether genlab's own kernels run on libtorch's threads and which vector instructions they use (AVX-512, AVX2 or SSE2: the CPU picks at load), whether the CPU computes bfloat16 natively (`--precision bf16` needs it), and the thread counts (libtorch's and OpenBLAS's, before a command sets them).",
  flags: [],
  async run(args, io) {
    applyEnvKernels();
    const info = { ...engineInfo(), cpus: cpuCount(), node: process.version };
    if (args.flags.json) io.out(JSON.stringify(info) + '\n');
    else {
      io.out(`libtorch ${info.torch}${info.cudaBuild ? ' (CUDA build)' : ' (CPU build)'}\n`);
      io.out(`CUDA available: ${info.cudaAvailable ? 'yes' : 'no'}\n`);
      io.out(
        `float32 CPU matrix products: ${info.cpuSgemm === 'oneDNN' ? 'oneDNN sgemm' : 'libtorch (at::mm)'}\n`,
      );
      io.out(`conv-net layers: ${info.cpuConv === 'genlab' ? "genlab's fused kernels" : "libtorch's ops"}\n`);
      io.out(
        `genlab's kernels: ${info.parallelKernels ? "on libtorch's threads (OpenMP)" : 'one thread (this libtorch has no OpenMP runtime)'}, ${info.kernelSimd}\n`,
      );
      io.out(
        `bf16 (--precision bf16): ${info.bf16.native ? 'native' : 'not native, refused'} (${info.bf16.why})\n`,
      );
      const blas =
        info.blasThreads < 0 ? 'not OpenBLAS' : `${info.blasThreads} (commands set it with --threads)`;
      io.out(`threads: ${info.threads} of ${info.cpus} CPUs; OpenBLAS threads: ${blas}\nnode ${info.node}\n`);
    }
    return 0;
  },
};

// genlab bench NAME: benchmarks from a small registry of names (engine now; fit and kernel can join).
import {
  InputError,
  PRECISIONS,
  checkPrecision,
  cpuCount,
  unknownName,
  type Precision,
} from '../engine/index.js';
import { formatTable, runEngineBench } from '../bench/engine.js';
import { formatKernelBench, runKernelBench } from '../bench/kernel.js';
import { formatFitBench, runFitBench } from '../bench/fit.js';
import { formatContentionBench, runContentionBench } from '../bench/contention.js';
import { formatEvalBench, runEvalBench } from '../bench/eval.js';
import { applyEnvKernels } from '../train/runtime.js';
import type { Parsed } from './args.js';
import { threadsFlag, threadsOf } from './threads.js';
import type { Command, Io } from './command.js';

interface Benchmark {
  summary: string;
  run(args: Parsed, io: Io): Promise<number>;
}

// Threads: one libtorch thread for both frameworks unless --threads says otherwise (both sides at once),
// so neither pool contends with the other's spinning workers (docs/measurements.md).
const DEFAULT_THREADS = 1;

async function engine(args: Parsed, io: Io): Promise<number> {
  const threads = threadsOf(args, io, 'genlab bench engine', DEFAULT_THREADS);
  const steps = args.flags.steps as number;
  const progress = (msg: string): void =>
    io.err(io.isTTY ? `\r\x1b[Kbench engine: ${msg}` : `bench engine: ${msg}\n`);
  const precision = args.flags.precision as Precision;
  checkPrecision(precision, 'cpu', 'genlab bench engine: --precision');
  const result = await runEngineBench(
    threads,
    { steps, reps: 9, warmup: 3, minSeconds: 0.5 },
    progress,
    precision,
  );
  if (io.isTTY) io.err('\r\x1b[K');
  if (args.flags.json) {
    const rows = result.rows.map((r) => ({
      name: r.name,
      threads: r.threads,
      genlab: r.genlab,
      pytorch: r.pytorch,
      ratio: r.ratio,
      gflops: r.gflops,
      sgemmGflops: r.sgemmGflops,
      fractionOfSgemm: r.fractionOfSgemm,
      ...(r.vsOneThread === undefined ? {} : { vsOneThread: r.vsOneThread }),
      ...(r.bf16
        ? {
            genlabBf16: r.bf16.genlab,
            pytorchBf16: r.bf16.pytorch,
            bf16Speedup: r.bf16.speedup,
            bf16Ratio: r.bf16.ratio,
          }
        : {}),
    }));
    const { minRatio, minConvFraction, bf16 } = result;
    const minima = bf16
      ? { bf16Speedup: bf16.minSpeedup, convBf16Speedup: bf16.minConvSpeedup, bf16Ratio: bf16.minRatio }
      : {};
    io.out(JSON.stringify({ rows, minRatio, minConvFraction, ...minima }) + '\n');
  } else io.out(formatTable(result));
  return 0;
}

async function fitBench(args: Parsed, io: Io): Promise<number> {
  const threads = (args.flags.threads as number | undefined) ?? DEFAULT_THREADS;
  const progress = (msg: string): void => io.err(`bench fit: ${msg}\n`);
  const r = await runFitBench(args.flags['train-size'] as number, threads, progress);
  io.out(args.flags.json ? JSON.stringify(r) + '\n' : formatFitBench(r));
  return 0;
}

async function kernel(args: Parsed, io: Io): Promise<number> {
  const threads = (args.flags.threads as number | undefined) ?? cpuCount();
  const full = args.flags.full === true;
  const progress = (msg: string): void => io.err(`bench kernel: ${msg}\n`);
  const r = await runKernelBench(
    { n: full ? 60000 : 10000, threads, dtype: full ? 'float32' : 'float64', reference: !full },
    progress,
  );
  io.out(args.flags.json ? JSON.stringify(r) + '\n' : formatKernelBench(r));
  return 0;
}

async function contention(args: Parsed, io: Io): Promise<number> {
  const r = await runContentionBench((msg) => io.err(`bench contention: ${msg}\n`));
  io.out(args.flags.json ? JSON.stringify(r) + '\n' : formatContentionBench(r));
  return 0;
}

async function evalBench(args: Parsed, io: Io): Promise<number> {
  const threads = (args.flags.threads as number | undefined) ?? DEFAULT_THREADS;
  const r = runEvalBench({ trainSize: 1000, testSize: 2000, threads }, (msg) =>
    io.err(`bench eval: ${msg}\n`),
  );
  io.out(args.flags.json ? JSON.stringify(r) + '\n' : formatEvalBench(r));
  return 0;
}

/** The benchmarks by name. */
export const BENCHMARKS: Record<string, Benchmark> = {
  engine: { summary: 'training steps side by side with PyTorch (examples/s, ratio, GFLOP/s)', run: engine },
  kernel: {
    summary:
      'Gaussian-kernel interpolation, n = 10,000 Fashion-MNIST, vs NumPy/SciPy cho_factor (--full: n = 60,000)',
    run: kernel,
  },
  contention: {
    summary:
      'genlab fit (MLP demo, small AlexNet) quiet and beside one busy loop per CPU: default threads vs --threads 1',
    run: contention,
  },
  eval: {
    summary:
      "the trainer's per-epoch evaluation as a share of an epoch (1,000 train, 2,000 test), per model and conv path",
    run: evalBench,
  },
  fit: {
    summary: 'fit random labels on 10,000 Fashion-MNIST examples (MLP 1×512) in genlab and idiomatic PyTorch',
    run: fitBench,
  },
};

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmarks side by side with PyTorch / NumPy: engine, fit, kernel',
  usage: 'NAME [--steps N] [--threads T] [--json]',
  description: `Runs the benchmark NAME. Benchmarks:
${Object.entries(BENCHMARKS)
  .map(([n, b]) => `  ${n.padEnd(12)}${b.summary}`)
  .join('\n')}

genlab bench engine times SGD steps of the issue's models (MLP 784-512-10 at batch 32 and 128,
MLP 3×512, the paper's small AlexNet, a small CNN with BatchNorm, the paper's small Inception; AlexNet
and Inception again on 2 threads where the machine has them) in genlab and in PyTorch
(/usr/bin/python3 bench/engine_ref.py) in the same run, with the same thread settings (libtorch's
and OpenBLAS's): after 3 warm-up steps, 9 repetitions of at least --steps steps (more for fast models: each lasts 0.5 s) on each side, alternating
between the two, and the best of each (load elsewhere only slows a repetition down). Each row's GFLOP/s
is also given as a fraction of genlab's sgemm rate on the same threads in the same run; --json adds
minConvFraction (the least of those over the conv rows on one thread) beside minRatio.
With --precision bf16 each row is timed again with the forward pass and loss under CPU autocast
(bfloat16) on both sides (genlab's trainer and PyTorch's torch.cpu.amp.autocast), and --json adds per
row and as minima bf16Speedup (genlab bf16 / genlab fp32; convBf16Speedup: the conv rows') and bf16Ratio
(genlab bf16 / PyTorch bf16); it needs a CPU with native bfloat16 (genlab info says).
Example: genlab bench engine --json; genlab bench engine --precision bf16`,
  flags: [
    {
      name: 'steps',
      type: 'int',
      min: 1,
      default: 10,
      placeholder: 'N',
      help: 'timed training steps per repetition',
    },
    {
      name: 'full',
      type: 'bool',
      help: 'kernel: genlab alone at n = 60,000 in float32 (time and peak memory; long)',
    },
    threadsFlag(`libtorch threads for both frameworks (default: ${DEFAULT_THREADS})`),
    {
      name: 'precision',
      type: 'enum',
      choices: PRECISIONS,
      default: 'fp32',
      placeholder: 'P',
      help: 'engine: fp32, or bf16 to add rows under CPU autocast beside the fp32 ones',
    },
    {
      name: 'train-size',
      type: 'int',
      min: 100,
      default: 10000,
      placeholder: 'N',
      help: 'bench fit: training examples',
    },
  ],
  async run(args, io) {
    const [name, ...extra] = args.positionals;
    const names = Object.keys(BENCHMARKS);
    if (name === undefined)
      throw new InputError(`genlab bench: missing benchmark name; expected one of ${names.join(', ')}`);
    const bench = BENCHMARKS[name];
    if (!bench) throw unknownName('genlab bench', 'benchmark', name, names);
    if (extra.length > 0)
      throw new InputError(
        `genlab bench: expected one benchmark name, got ${args.positionals.length}: ${args.positionals.join(' ')}`,
      );
    applyEnvKernels(); // GENLAB_CPU_SGEMM / GENLAB_CPU_CONV: which kernels the timed side runs
    return bench.run(args, io);
  },
};

// `genlab bench engine`: training steps side by side with PyTorch (bench/engine_ref.py), same shapes and threads.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Generator,
  getBlasThreads,
  getNumThreads,
  randint,
  randn,
  scope,
  setNumThreads,
  type Tensor,
} from '../src/engine/index.js';
import {
  BatchNorm2d,
  Conv2d,
  F,
  Flatten,
  Linear,
  LocalResponseNorm,
  MaxPool2d,
  ReLU,
  Sequential,
  type Module,
} from '../src/nn/index.js';
import { SGD } from '../src/optim/index.js';

export interface BenchModel {
  name: string;
  input: [number, number, number]; // (C, H, W) of one example
  build(g: Generator): Module;
  flops: number; // multiply-adds ×2 of one example's forward pass; a training step costs ≈ 3×
}

const mlp = (sizes: number[], g: Generator): Module => {
  const layers: Module[] = [new Flatten()];
  sizes.slice(1).forEach((n, i) => {
    layers.push(new Linear(sizes[i], n, { generator: g }));
    if (i < sizes.length - 2) layers.push(new ReLU());
  });
  return new Sequential(...layers);
};
const denseFlops = (sizes: number[]): number => sizes.slice(1).reduce((s, n, i) => s + 2 * sizes[i] * n, 0);
const convFlops = (hw: number, cin: number, cout: number, k: number): number =>
  2 * hw * hw * cout * cin * k * k;

/** The models of issue 2's benchmark; engine_ref.py defines the same under the same names. */
export const MODELS: Record<string, BenchModel> = {
  'mlp-784-512-10': {
    name: 'mlp-784-512-10',
    input: [1, 28, 28],
    build: (g) => mlp([784, 512, 10], g),
    flops: denseFlops([784, 512, 10]),
  },
  'mlp-3x512': {
    name: 'mlp-3x512',
    input: [3, 28, 28],
    build: (g) => mlp([2352, 512, 512, 512, 10], g),
    flops: denseFlops([2352, 512, 512, 512, 10]),
  },
  // The paper's small AlexNet (TensorFlow's CIFAR-10 tutorial model) on 3×28×28, SAME convolutions:
  // (3,28,28) conv5(64) → (64,28,28) pool3/2 → (64,13,13) conv5(64) → pool3/2 → (64,6,6) → 384 → 192 → 10
  'alexnet-small': {
    name: 'alexnet-small',
    input: [3, 28, 28],
    build: (g) =>
      new Sequential(
        new Conv2d(3, 64, 5, { padding: 'same', generator: g }),
        new ReLU(),
        new MaxPool2d(3, { stride: 2 }),
        new LocalResponseNorm(5),
        new Conv2d(64, 64, 5, { padding: 'same', generator: g }),
        new ReLU(),
        new LocalResponseNorm(5),
        new MaxPool2d(3, { stride: 2 }),
        new Flatten(),
        new Linear(64 * 6 * 6, 384, { generator: g }),
        new ReLU(),
        new Linear(384, 192, { generator: g }),
        new ReLU(),
        new Linear(192, 10, { generator: g }),
      ),
    flops: convFlops(28, 3, 64, 5) + convFlops(13, 64, 64, 5) + denseFlops([2304, 384, 192, 10]),
  },
  // (3,28,28) conv3(32) BN ReLU pool2 → (32,14,14) conv3(64) BN ReLU pool2 → (64,7,7) → 10
  'cnn-bn': {
    name: 'cnn-bn',
    input: [3, 28, 28],
    build: (g) =>
      new Sequential(
        new Conv2d(3, 32, 3, { padding: 1, generator: g }),
        new BatchNorm2d(32),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(32, 64, 3, { padding: 1, generator: g }),
        new BatchNorm2d(64),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(64 * 7 * 7, 10, { generator: g }),
      ),
    flops: convFlops(28, 3, 32, 3) + convFlops(14, 32, 64, 3) + denseFlops([3136, 10]),
  },
};

/** The rows of the benchmark: a model at a batch size. */
export const ROWS: { model: string; batch: number }[] = [
  { model: 'mlp-784-512-10', batch: 32 },
  { model: 'mlp-784-512-10', batch: 128 },
  { model: 'mlp-3x512', batch: 128 },
  { model: 'alexnet-small', batch: 128 },
  { model: 'cnn-bn', batch: 128 },
];

export interface Timing {
  steps: number; // timed steps per repetition at least; more where a repetition would last under minSeconds
  minSeconds: number; // shortest repetition: short ones start with caches the other process just evicted
  reps: number; // repetitions per framework, alternating with the other's; the best of each is reported
  warmup: number; // untimed steps first
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One row's genlab side: SGD (momentum 0.9) steps on one fixed random batch, timed on request. */
export class GenlabSession {
  private readonly model: Module;
  private readonly x: Tensor;
  private readonly y: Tensor;
  private readonly opt: SGD;

  constructor(
    m: BenchModel,
    private readonly batch: number,
    warmup: number,
  ) {
    const g = new Generator(0);
    this.model = m.build(g);
    this.x = randn([batch, ...m.input], { generator: g });
    this.y = randint(0, 10, [batch], { generator: g });
    this.opt = new SGD(this.model.parameters(), { lr: 0.01, momentum: 0.9 });
    for (let i = 0; i < warmup; i++) this.step();
  }

  private step(): void {
    scope(() => {
      this.opt.zeroGrad();
      const loss = F.crossEntropy(this.model.forward(this.x), this.y);
      loss.backward();
      this.opt.step();
    });
  }

  /** Examples per second over `steps` steps. */
  time(steps: number): number {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) this.step();
    return (this.batch * steps) / (Number(process.hrtime.bigint() - t0) / 1e9);
  }

  dispose(): void {
    this.opt.dispose();
    this.model.dispose();
    this.x.dispose();
    this.y.dispose();
  }
}

/** genlab's sgemm rate (GFLOP/s) on n×n float32 matrices. */
export function genlabSgemm(n: number, reps: number): number {
  return scope(() => {
    const a: Tensor = randn([n, n]);
    const b: Tensor = randn([n, n]);
    for (let r = 0; r < reps; r++) a.matmul(b).dispose(); // warm-up: the first products run at a third of the rate
    const rates: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      a.matmul(b).dispose();
      rates.push((2 * n ** 3) / Number(process.hrtime.bigint() - t0));
    }
    return median(rates);
  });
}

/** The PyTorch side: one long-lived python process answering one JSON request per line. */
export class Reference {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';

  constructor(threads: number, python = '/usr/bin/python3') {
    const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/engine_ref.py');
    // The same OpenBLAS pool size as genlab's setNumThreads gives itself (an explicit one wins on both sides).
    const env = { ...process.env, OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? String(threads) };
    this.child = spawn(python, [script, String(threads)], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (l) => this.pending.shift()?.(l));
    this.child.on('error', (e) => this.fail(`cannot start ${python}: ${e.message}`));
    this.child.on('exit', (code) =>
      this.fail(
        `bench/engine_ref.py exited with code ${code}: ${this.stderr.trim().split('\n').pop() ?? ''}`,
      ),
    );
  }

  private failure: string | undefined;
  private rejecters: ((e: Error) => void)[] = [];
  private fail(msg: string): void {
    this.failure ??= `bench engine: PyTorch reference: ${msg}`;
    for (const r of this.rejecters.splice(0)) r(new Error(this.failure));
  }

  /** Sends one request (or none, to read the greeting) and parses the answer line. */
  ask<T>(request?: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) return reject(new Error(this.failure));
      this.rejecters.push(reject);
      this.pending.push((line) => {
        this.rejecters.splice(this.rejecters.indexOf(reject), 1);
        resolve(JSON.parse(line) as T);
      });
      if (request) this.child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  close(): void {
    this.child.removeAllListeners('exit');
    this.child.stdin.end();
  }
}

export interface BenchRow {
  name: string;
  genlab: number; // examples/s
  pytorch: number;
  ratio: number;
  gflopsGenlab: number;
  gflopsPytorch: number;
}
export interface BenchResult {
  threads: number;
  openblasThreads: string; // OpenBLAS's pool size in genlab; the reference gets the same
  sgemm: { n: number; genlab: number; pytorch: number };
  rows: BenchRow[];
  minRatio: number;
}

/** Runs every row in both frameworks, interleaved so load on the machine affects both alike. */
export async function runEngineBench(
  threads: number,
  t: Timing,
  progress: (msg: string) => void,
): Promise<BenchResult> {
  setNumThreads(threads);
  const ref = new Reference(threads);
  try {
    await ref.ask<{ ready: boolean }>();
    const n = 512;
    progress(`sgemm ${n}×${n}`);
    const sgemm = {
      n,
      genlab: genlabSgemm(n, 9),
      pytorch: (await ref.ask<{ gflops: number }>({ sgemm: n, reps: 9 })).gflops,
    };
    const rows: BenchRow[] = [];
    for (const [i, r] of ROWS.entries()) {
      const m = MODELS[r.model];
      const name = `${r.model} @${r.batch}`;
      progress(`[${i + 1}/${ROWS.length}] ${name}: warm-up`);
      const mine = new GenlabSession(m, r.batch, t.warmup);
      const rates = { genlab: [] as number[], pytorch: [] as number[] };
      try {
        await ref.ask<{ ready: boolean }>({ setup: r.model, batch: r.batch, warmup: t.warmup });
        const steps = Math.max(t.steps, Math.ceil((t.minSeconds * mine.time(t.steps)) / r.batch));
        // Alternate, and alternate who goes first, so a burst of load elsewhere hits both sides alike.
        for (let rep = 0; rep < t.reps; rep++) {
          progress(`[${i + 1}/${ROWS.length}] ${name}: repetition ${rep + 1}/${t.reps}`);
          const theirs = async (): Promise<void> => {
            rates.pytorch.push((await ref.ask<{ examplesPerSec: number }>({ time: steps })).examplesPerSec);
          };
          if (rep % 2 === 1) await theirs();
          rates.genlab.push(mine.time(steps));
          if (rep % 2 === 0) await theirs();
        }
      } finally {
        mine.dispose();
      }
      // The best repetition of each: load from elsewhere only ever slows a repetition down, so the
      // fastest is the closest to what the code itself costs (timeit's rule); medians swung ±6% here.
      const [g, p] = [Math.max(...rates.genlab), Math.max(...rates.pytorch)];
      const gf = (rate: number): number => (rate * 3 * m.flops) / 1e9;
      rows.push({ name, genlab: g, pytorch: p, ratio: g / p, gflopsGenlab: gf(g), gflopsPytorch: gf(p) });
    }
    const blas = getBlasThreads();
    const openblasThreads = blas < 0 ? 'not OpenBLAS' : String(blas);
    return {
      threads: getNumThreads(),
      openblasThreads,
      sgemm,
      rows,
      minRatio: Math.min(...rows.map((r) => r.ratio)),
    };
  } finally {
    ref.close();
  }
}

/** The table `genlab bench engine` prints. */
export function formatTable(r: BenchResult): string {
  const head = ['model @batch', 'genlab ex/s', 'PyTorch ex/s', 'ratio', 'genlab GFLOP/s', 'PyTorch GFLOP/s'];
  const pct = (g: number, peak: number): string => `${g.toFixed(1)} (${((100 * g) / peak).toFixed(0)}%)`;
  const body = r.rows.map((x) => [
    x.name,
    x.genlab.toFixed(0),
    x.pytorch.toFixed(0),
    x.ratio.toFixed(2),
    pct(x.gflopsGenlab, r.sgemm.genlab),
    pct(x.gflopsPytorch, r.sgemm.pytorch),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    `threads: ${r.threads} (libtorch intra-op, both sides); OpenBLAS threads: ${r.openblasThreads} (both sides)`,
    `sgemm ${r.sgemm.n}×${r.sgemm.n}: genlab ${r.sgemm.genlab.toFixed(1)} GFLOP/s, PyTorch ${r.sgemm.pytorch.toFixed(1)} GFLOP/s (% below is of these)`,
    '',
    line(head),
    ...body.map(line),
    '',
    `min ratio ${r.minRatio.toFixed(2)} (genlab / PyTorch examples/s; target ≥ 1.00)`,
    '',
  ].join('\n');
}

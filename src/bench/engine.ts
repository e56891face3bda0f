// `genlab bench engine`: training steps side by side with PyTorch (bench/engine_ref.py), same shapes and threads.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Generator,
  autocast,
  cpuCount,
  getBlasThreads,
  randint,
  randn,
  scope,
  setNumThreads,
  type Precision,
  type Tensor,
} from '../engine/index.js';
import { F, type Module } from '../nn/index.js';
import { SGD } from '../optim/index.js';
import { MODELS, ROWS, flopsOf, type BenchModel, type BenchRowSpec } from './engine-models.js';

export { MODELS, ROWS, flopsOf, type BenchModel, type BenchRowSpec } from './engine-models.js';

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

/** One row's genlab side: SGD (momentum 0.9) steps on one fixed random batch, timed on request; bf16: the
 * forward pass and loss under CPU autocast, as the trainer runs them. */
export class GenlabSession {
  private readonly model: Module;
  private readonly x: Tensor;
  private readonly y: Tensor;
  private readonly opt: SGD;

  constructor(
    m: BenchModel,
    private readonly batch: number,
    warmup: number,
    private readonly precision: Precision = 'fp32',
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
      const loss = autocast(this.precision, () => F.crossEntropy(this.model.forward(this.x), this.y));
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
    const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/engine_ref.py');
    // OpenBLAS's pool is set per row (useThreads), as genlab's setNumThreads sets its own. An
    // OPENBLAS_NUM_THREADS in the environment wins on both sides; the bench must not set one itself:
    // engine_ref.py would take it for the user's and keep it, and every one-thread row would time
    // PyTorch's matrix products on the largest row's threads (it did: MLP 3×512's PyTorch side ran
    // OpenBLAS on 2 threads and read 14,500 examples/s, against 8,500 on one).
    this.child = spawn(python, [script, String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] });
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
  name: string; // "model @batch", with " ×T threads" where the row has its own thread count
  threads: number;
  genlab: number; // examples/s
  pytorch: number;
  ratio: number;
  gflops: number; // genlab's training FLOP/s (3 × forward FLOPs per example), in GFLOP/s
  gflopsPytorch: number;
  sgemmGflops: number; // genlab's sgemm rate on the row's threads, same run
  fractionOfSgemm: number; // gflops / sgemmGflops
  conv: boolean;
  vsOneThread?: number; // a multi-thread row's rate over the same model's one-thread row
  bf16?: Bf16Row; // with --precision bf16
}
/** A row's bf16 side: genlab and PyTorch under CPU autocast (bfloat16), timed as the fp32 row. */
export interface Bf16Row {
  genlab: number; // examples/s
  pytorch: number;
  speedup: number; // genlab bf16 / genlab fp32 (bf16Speedup)
  ratio: number; // genlab bf16 / PyTorch bf16 (bf16Ratio)
}
export interface BenchResult {
  threads: number;
  openblasThreads: string; // OpenBLAS's pool size in genlab; the reference gets the same
  sgemm: { n: number; genlab: number; pytorch: number }; // on `threads`
  sgemmByThreads: Record<string, { genlab: number; pytorch: number }>;
  rows: BenchRow[];
  minRatio: number;
  minConvFraction: number; // the least fractionOfSgemm over the conv rows on one thread
  bf16?: { minSpeedup: number; minConvSpeedup: number; minRatio: number }; // with --precision bf16
}

/** Both sides on `threads` (libtorch's pool and OpenBLAS's, unless OPENBLAS_NUM_THREADS is set). */
async function useThreads(ref: Reference, threads: number): Promise<void> {
  setNumThreads(threads);
  const theirs = await ref.ask<{ threads: number; blasThreads: number }>({ threads });
  // OpenBLAS's pools (-1 on a side without OpenBLAS): `threads` on both, or OPENBLAS_NUM_THREADS.
  const env = process.env.OPENBLAS_NUM_THREADS;
  const blas = env === undefined ? threads : Number(env);
  if (!Number.isInteger(blas) || blas < 1)
    throw new Error(
      `bench engine: OPENBLAS_NUM_THREADS: expected a positive integer, got ${JSON.stringify(env)}`,
    );
  const ours = getBlasThreads();
  if (theirs.threads !== threads || ![ours, theirs.blasThreads].every((b) => b < 0 || b === blas)) {
    throw new Error(
      `bench engine: expected both sides on ${threads} libtorch threads and ${blas} OpenBLAS threads; ` +
        `PyTorch reference on ${theirs.threads} and ${theirs.blasThreads}, genlab on ${threads} and ${ours}`,
    );
  }
}

/** genlab's and PyTorch's sgemm rates on the current threads. */
async function sgemmRates(ref: Reference, n: number): Promise<{ genlab: number; pytorch: number }> {
  return {
    genlab: genlabSgemm(n, 9),
    pytorch: (await ref.ask<{ gflops: number }>({ sgemm: n, reps: 9 })).gflops,
  };
}

/** Best examples/s of each side over `t.reps` alternating repetitions of one row. */
async function timeRow(
  ref: Reference,
  spec: BenchRowSpec,
  t: Timing,
  say: (msg: string) => void,
  precision: Precision = 'fp32',
): Promise<{ genlab: number; pytorch: number }> {
  const m = MODELS[spec.model];
  say('warm-up');
  const mine = new GenlabSession(m, spec.batch, t.warmup, precision);
  const rates = { genlab: [] as number[], pytorch: [] as number[] };
  try {
    await ref.ask<{ ready: boolean }>({ setup: spec.model, batch: spec.batch, warmup: t.warmup, precision });
    const wanted = Math.max(t.steps, Math.ceil((t.minSeconds * mine.time(t.steps)) / spec.batch));
    const steps = Math.min(wanted, spec.steps ?? wanted);
    // Alternate, and alternate who goes first, so a burst of load elsewhere hits both sides alike.
    for (let rep = 0; rep < t.reps; rep++) {
      say(`repetition ${rep + 1}/${t.reps}`);
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
  return { genlab: Math.max(...rates.genlab), pytorch: Math.max(...rates.pytorch) };
}

/** Runs every row in both frameworks, interleaved so load on the machine affects both alike. */
export async function runEngineBench(
  threads: number,
  t: Timing,
  progress: (msg: string) => void,
  precision: Precision = 'fp32',
): Promise<BenchResult> {
  const specs = ROWS.filter((r) => (r.threads ?? threads) <= cpuCount());
  const ref = new Reference(Math.max(threads, ...specs.map((r) => r.threads ?? threads)));
  try {
    await ref.ask<{ ready: boolean }>();
    const n = 512;
    const sgemmByThreads: BenchResult['sgemmByThreads'] = {};
    for (const tc of [...new Set([threads, ...specs.map((r) => r.threads ?? threads)])]) {
      progress(`sgemm ${n}×${n} on ${tc} thread${tc > 1 ? 's' : ''}`);
      await useThreads(ref, tc);
      sgemmByThreads[tc] = await sgemmRates(ref, n);
    }
    const rows: BenchRow[] = [];
    for (const [i, spec] of specs.entries()) {
      const m = MODELS[spec.model];
      const tc = spec.threads ?? threads;
      const name = `${spec.model} @${spec.batch}${spec.threads ? ` ×${tc} threads` : ''}`;
      await useThreads(ref, tc);
      const say = (what: string) => (msg: string) =>
        progress(`[${i + 1}/${specs.length}] ${name}${what}: ${msg}`);
      const r = await timeRow(ref, spec, t, say(''));
      const b = precision === 'bf16' ? await timeRow(ref, spec, t, say(' bf16'), 'bf16') : undefined;
      const gf = (rate: number): number => (rate * 3 * flopsOf(m)) / 1e9;
      const sgemmGflops = sgemmByThreads[tc].genlab;
      const one = rows.find((x) => x.name.startsWith(`${spec.model} @${spec.batch}`) && x.threads === 1);
      rows.push({
        name,
        threads: tc,
        genlab: r.genlab,
        pytorch: r.pytorch,
        ratio: r.genlab / r.pytorch,
        gflops: gf(r.genlab),
        gflopsPytorch: gf(r.pytorch),
        sgemmGflops,
        fractionOfSgemm: gf(r.genlab) / sgemmGflops,
        conv: m.conv,
        ...(tc > 1 && one ? { vsOneThread: r.genlab / one.genlab } : {}),
        ...(b ? { bf16: { ...b, speedup: b.genlab / r.genlab, ratio: b.genlab / b.pytorch } } : {}),
      });
    }
    await useThreads(ref, threads);
    const blas = getBlasThreads();
    const convOne = rows.filter((r) => r.conv && r.threads === 1).map((r) => r.fractionOfSgemm);
    return {
      threads,
      openblasThreads: blas < 0 ? 'not OpenBLAS' : String(blas),
      sgemm: { n, ...sgemmByThreads[threads] },
      sgemmByThreads,
      rows,
      minRatio: Math.min(...rows.map((r) => r.ratio)),
      minConvFraction: convOne.length ? Math.min(...convOne) : NaN,
      ...(precision === 'bf16' ? { bf16: bf16Minima(rows) } : {}),
    };
  } finally {
    ref.close();
  }
}

function bf16Minima(rows: BenchRow[]): NonNullable<BenchResult['bf16']> {
  const min = (xs: number[]) => (xs.length ? Math.min(...xs) : NaN);
  const b = rows.flatMap((r) => (r.bf16 ? [{ ...r.bf16, conv: r.conv }] : []));
  return {
    minSpeedup: min(b.map((x) => x.speedup)),
    minConvSpeedup: min(b.filter((x) => x.conv).map((x) => x.speedup)),
    minRatio: min(b.map((x) => x.ratio)),
  };
}

/** The table `genlab bench engine` prints. */
export function formatTable(r: BenchResult): string {
  const head = [
    'model @batch',
    'genlab ex/s',
    'PyTorch ex/s',
    'ratio',
    'genlab GFLOP/s (of sgemm)',
    'PyTorch GFLOP/s',
    'vs 1 thread',
    ...(r.bf16 ? ['genlab bf16 ex/s', 'PyTorch bf16 ex/s', 'bf16 speed-up', 'bf16 ratio'] : []),
  ];
  const body = r.rows.map((x) => [
    x.name,
    x.genlab.toFixed(0),
    x.pytorch.toFixed(0),
    x.ratio.toFixed(2),
    `${x.gflops.toFixed(1)} (${(100 * x.fractionOfSgemm).toFixed(0)}%)`,
    x.gflopsPytorch.toFixed(1),
    x.vsOneThread === undefined ? '' : `${x.vsOneThread.toFixed(2)}×`,
    ...(x.bf16
      ? [
          x.bf16.genlab.toFixed(0),
          x.bf16.pytorch.toFixed(0),
          `${x.bf16.speedup.toFixed(2)}×`,
          x.bf16.ratio.toFixed(2),
        ]
      : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const sgemm = Object.entries(r.sgemmByThreads)
    .map(
      ([tc, s]) =>
        `${tc} thread${tc === '1' ? '' : 's'}: genlab ${s.genlab.toFixed(1)}, PyTorch ${s.pytorch.toFixed(1)}`,
    )
    .join('; ');
  return [
    `threads: ${r.threads} (libtorch intra-op, both sides; rows marked ×T on T); OpenBLAS threads: ${r.openblasThreads} (both sides)`,
    `sgemm ${r.sgemm.n}×${r.sgemm.n} GFLOP/s: ${sgemm} (% below is of genlab's on the row's threads)`,
    '',
    line(head),
    ...body.map(line),
    '',
    `min ratio ${r.minRatio.toFixed(2)} (genlab / PyTorch examples/s; target ≥ 1.00)`,
    `min conv fraction ${r.minConvFraction.toFixed(2)} (conv rows on one thread, of sgemm; target ≥ 0.75)`,
    ...(r.bf16
      ? [
          `bf16 speed-up: min ${r.bf16.minSpeedup.toFixed(2)}, conv rows ${r.bf16.minConvSpeedup.toFixed(2)} (genlab bf16 / genlab fp32; targets ≥ 1.5, conv ≥ 1.7)`,
          `bf16 ratio: min ${r.bf16.minRatio.toFixed(2)} (genlab bf16 / PyTorch autocast bf16; target ≥ 1.00)`,
        ]
      : []),
    '',
  ].join('\n');
}

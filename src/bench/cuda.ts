// Training steps on a GPU side by side: genlab and PyTorch (bench/cuda_ref.py) on one device, same models.
//
//   node dist/src/bench/cuda.js [--device cuda] [--python PATH] [--rows M@B,…] [--steps N] [--reps R]
//                           [--warmup W] [--row-seconds S] [--no-ref] [--no-check] [--json]
//
// Each row is a model of bench/engine-models.ts (bench/engine_ref.py defines the same) at a batch size:
// SGD (momentum 0.9) steps on one fixed random batch that lives on the device, W untimed steps, then R
// repetitions of N steps (genlab: fewer where R × N steps would take over S seconds, default 10), each
// ended by a CUDA synchronize; the best repetition of each side is kept.
// PyTorch runs first, in one process for every row (its rows print as they finish, so a genlab crash
// later loses none of them), then genlab row by row. Before any timing, each model's first training
// step is computed on the CPU and on the device from the same weights and batch (loss and gradient norm
// compared: the device must compute what the CPU does). `genlab bench engine` is the CPU benchmark;
// this one exists because the GPU path had never been timed (scripts/device-cuda-check.sh runs it).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Generator,
  engineInfo,
  parseDevice,
  randint,
  randn,
  scope,
  synchronize,
  type Tensor,
} from '../engine/index.js';
import { F, type Module } from '../nn/index.js';
import { SGD } from '../optim/index.js';
import { MODELS, flopsOf } from './engine-models.js';

export const DEFAULT_ROWS = [
  'mlp-784-512-10@128',
  'mlp-3x512@128',
  'alexnet-small@128',
  'cnn-bn@128',
  'inception-small@128',
  'alexnet-small@1024',
  'inception-small@512',
];

export interface CudaBenchOptions {
  device: string;
  python: string;
  rows: string[]; // model@batch
  steps: number;
  reps: number;
  warmup: number;
  rowSeconds: number; // genlab's repetitions of a row take about this long in all: fewer steps where they are slow
  reference: boolean; // time PyTorch too
  check: boolean; // compare one training step on the device with the CPU's first
}

/** One model's first training step on the CPU and on the device, from the same weights and batch. */
export interface CheckRow {
  model: string;
  loss: { cpu: number; device: number } | null;
  gradNorm: { cpu: number; device: number } | null;
  relDiff: number | null; // the larger relative difference of the two
  error?: string;
}

export interface SideResult {
  examplesPerSec: number | null; // null: the side failed on this row
  steps?: number; // timed steps per repetition
  error?: string;
}
export interface CudaRow {
  row: string;
  model: string;
  batch: number;
  gflopPerStep: number; // training FLOPs of one step (3 × forward), in GFLOP
  genlab: SideResult;
  pytorch: SideResult;
  ratio: number | null; // genlab / PyTorch examples/s
}
export interface CudaBenchResult {
  device: string;
  check: CheckRow[];
  torch: { genlab: string; pytorch: string | null; pytorchDevice: string | null };
  steps: number;
  reps: number;
  warmup: number;
  rows: CudaRow[];
  minRatio: number | null;
  geomeanRatio: number | null;
}

function parseRow(row: string): { model: string; batch: number } {
  const at = row.lastIndexOf('@');
  const model = row.slice(0, at);
  const batch = Number(row.slice(at + 1));
  if (at < 1 || !MODELS[model] || !Number.isInteger(batch) || batch < 1)
    throw new Error(
      `bench cuda: row ${JSON.stringify(row)}: expected MODEL@BATCH with MODEL one of ${Object.keys(MODELS).join(', ')}`,
    );
  return { model, batch };
}

/** genlab's examples/s on one row: the best of `reps` repetitions of `steps` synchronized steps. */
export function timeGenlab(
  device: string,
  model: string,
  batch: number,
  o: CudaBenchOptions,
): { examplesPerSec: number; steps: number } {
  const m = MODELS[model];
  const g = new Generator(0);
  const net: Module = m.build(g).to(device);
  // Drawn on the CPU from the seeded generator (a CPU generator), then moved.
  const x: Tensor = scope(() => randn([batch, ...m.input], { generator: g }).to(device));
  const y: Tensor = scope(() => randint(0, 10, [batch], { generator: g }).to(device));
  const opt = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const step = (): void =>
    scope(() => {
      opt.zeroGrad();
      const loss = F.crossEntropy(net.forward(x), y);
      loss.backward();
      opt.step();
    });
  try {
    for (let i = 0; i < o.warmup; i++) step();
    synchronize();
    const t = process.hrtime.bigint();
    step();
    synchronize();
    const stepSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const steps = Math.max(1, Math.min(o.steps, Math.floor(o.rowSeconds / o.reps / stepSeconds)));
    let best = 0;
    for (let r = 0; r < o.reps; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < steps; i++) step();
      synchronize();
      best = Math.max(best, (batch * steps) / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
    return { examplesPerSec: best, steps };
  } finally {
    opt.dispose();
    net.dispose();
    x.dispose();
    y.dispose();
  }
}

/** Loss and gradient norm of one SGD step's backward pass of `model` at batch 16 on `device`. */
function firstStep(device: string, model: string): { loss: number; gradNorm: number } {
  const m = MODELS[model];
  const g = new Generator(0);
  const net: Module = m.build(g);
  if (device !== 'cpu') net.to(device);
  try {
    return scope(() => {
      const x = randn([16, ...m.input], { generator: g }).to(device);
      const y = randint(0, 10, [16], { generator: g }).to(device);
      const loss = F.crossEntropy(net.forward(x), y);
      loss.backward();
      let sq = 0;
      for (const p of net.parameters()) {
        const grad = p.grad;
        if (grad) sq += grad.square().sum().item();
      }
      return { loss: loss.item(), gradNorm: Math.sqrt(sq) };
    });
  } finally {
    net.dispose();
  }
}

/** Each model's first step on the CPU and on the device; a difference above 1e-2 is worth a look. */
export function checkAgainstCpu(device: string, models: string[]): CheckRow[] {
  return models.map((model) => {
    try {
      const cpu = firstStep('cpu', model);
      const dev = firstStep(device, model);
      const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), 1e-12);
      return {
        model,
        loss: { cpu: cpu.loss, device: dev.loss },
        gradNorm: { cpu: cpu.gradNorm, device: dev.gradNorm },
        relDiff: Math.max(rel(cpu.loss, dev.loss), rel(cpu.gradNorm, dev.gradNorm)),
      };
    } catch (e) {
      return { model, loss: null, gradNorm: null, relDiff: null, error: (e as Error).message };
    }
  });
}

interface RefRow {
  model: string;
  batch: number;
  examplesPerSec: number;
}

/** PyTorch's rows (bench/cuda_ref.py), as many as it finished; failures come back as `error`. */
export function runReference(
  o: CudaBenchOptions,
  say: (msg: string) => void,
): Promise<{ torch: string | null; device: string | null; rows: RefRow[]; error?: string }> {
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/cuda_ref.py');
  const args = [script, o.device, o.rows.join(','), String(o.steps), String(o.reps), String(o.warmup)];
  return new Promise((resolve) => {
    const out: { torch: string | null; device: string | null; rows: RefRow[]; error?: string } = {
      torch: null,
      device: null,
      rows: [],
    };
    let stderr = '';
    const child = spawn(o.python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const j = JSON.parse(line) as Partial<RefRow> & { torch?: string; device?: string };
        if (j.torch !== undefined) {
          out.torch = j.torch;
          out.device = j.device ?? null;
          say(`PyTorch ${j.torch} on ${j.device}`);
        } else if (j.model !== undefined) {
          out.rows.push(j as RefRow);
          say(`PyTorch ${j.model}@${j.batch}: ${Math.round(j.examplesPerSec ?? 0)} examples/s`);
        }
      } catch {
        stderr += `${line}\n`;
      }
    });
    child.on('error', (e) => {
      out.error = `cannot start ${o.python}: ${e.message}`;
      resolve(out);
    });
    child.on('close', (code) => {
      if (code !== 0)
        out.error = `${o.python} ${script} exited with code ${code}: ${stderr.trim().slice(-2000)}`;
      resolve(out);
    });
  });
}

export async function runCudaBench(
  o: CudaBenchOptions,
  say: (msg: string) => void,
): Promise<CudaBenchResult> {
  const device = parseDevice(o.device, 'bench cuda: --device');
  const specs = o.rows.map(parseRow);
  const check = o.check ? checkAgainstCpu(device, [...new Set(specs.map((s) => s.model))]) : [];
  for (const c of check)
    say(
      `check ${c.model}: ${c.error ? `failed: ${c.error}` : `loss cpu ${c.loss?.cpu.toFixed(6)} ${device} ${c.loss?.device.toFixed(6)}, grad norm cpu ${c.gradNorm?.cpu.toFixed(6)} ${device} ${c.gradNorm?.device.toFixed(6)}, relative difference ${c.relDiff?.toExponential(1)}`}`,
    );
  const ref = o.reference
    ? await runReference(o, say)
    : { torch: null, device: null, rows: [] as RefRow[], error: 'not run (--no-ref)' };
  if (ref.error) say(`PyTorch: ${ref.error}`);
  const rows: CudaRow[] = [];
  for (const [i, s] of specs.entries()) {
    const row = `${s.model}@${s.batch}`;
    const theirs = ref.rows.find((r) => r.model === s.model && r.batch === s.batch);
    const pytorch: SideResult = theirs
      ? { examplesPerSec: theirs.examplesPerSec, steps: o.steps }
      : { examplesPerSec: null, error: ref.error ?? 'no result' };
    let genlab: SideResult;
    try {
      genlab = timeGenlab(device, s.model, s.batch, o);
    } catch (e) {
      genlab = { examplesPerSec: null, error: (e as Error).message };
    }
    const ratio =
      genlab.examplesPerSec !== null && pytorch.examplesPerSec !== null
        ? genlab.examplesPerSec / pytorch.examplesPerSec
        : null;
    const gflopPerStep = (3 * flopsOf(MODELS[s.model]) * s.batch) / 1e9;
    rows.push({ row, model: s.model, batch: s.batch, gflopPerStep, genlab, pytorch, ratio });
    say(
      `[${i + 1}/${specs.length}] genlab ${row}: ${genlab.examplesPerSec === null ? `failed: ${genlab.error}` : `${Math.round(genlab.examplesPerSec)} examples/s`}${ratio === null ? '' : `, ratio ${ratio.toFixed(2)}`}`,
    );
  }
  const ratios = rows.map((r) => r.ratio).filter((r): r is number => r !== null);
  return {
    device,
    check,
    torch: { genlab: engineInfo().torch, pytorch: ref.torch, pytorchDevice: ref.device },
    steps: o.steps,
    reps: o.reps,
    warmup: o.warmup,
    rows,
    minRatio: ratios.length ? Math.min(...ratios) : null,
    geomeanRatio: ratios.length
      ? Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)
      : null,
  };
}

/** The table: examples/s and steps/s of each side, the ratio, and genlab's achieved GFLOP/s. */
export function formatCudaBench(r: CudaBenchResult): string {
  const num = (x: number | null, d = 0): string => (x === null ? 'failed' : x.toFixed(d));
  const head = ['model @batch', 'genlab ex/s', 'PyTorch ex/s', 'ratio', 'genlab steps/s', 'PyTorch steps/s'];
  const head2 = ['genlab GFLOP/s', 'PyTorch GFLOP/s'];
  const body = r.rows.map((x) => {
    const g = x.genlab.examplesPerSec;
    const p = x.pytorch.examplesPerSec;
    const steps = (v: number | null): number | null => (v === null ? null : v / x.batch);
    const gf = (v: number | null): number | null =>
      v === null ? null : (steps(v) as number) * x.gflopPerStep;
    return [
      `${x.model} @${x.batch}`,
      num(g),
      num(p),
      num(x.ratio, 2),
      num(steps(g), 1),
      num(steps(p), 1),
      num(gf(g), 0),
      num(gf(p), 0),
    ];
  });
  const all = [...head, ...head2];
  const widths = all.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const errors = r.rows.flatMap((x) => [
    ...(x.genlab.error ? [`${x.row}: genlab: ${x.genlab.error}`] : []),
    ...(x.pytorch.error ? [`${x.row}: PyTorch: ${x.pytorch.error.split('\n').slice(-3).join(' | ')}`] : []),
  ]);
  const checks = r.check.map((c) =>
    c.error
      ? `  ${c.model}: FAILED: ${c.error}`
      : `  ${c.model}: loss ${c.loss?.cpu.toFixed(5)} vs ${c.loss?.device.toFixed(5)}, gradient norm ${c.gradNorm?.cpu.toFixed(5)} vs ${c.gradNorm?.device.toFixed(5)}: relative difference ${c.relDiff?.toExponential(1)}${(c.relDiff ?? 0) > 1e-2 ? ' (LARGE)' : ''}`,
  );
  const slow = r.rows
    .filter((x) => x.genlab.steps !== undefined && x.genlab.steps < r.steps)
    .map((x) => `${x.row} (${x.genlab.steps})`);
  return [
    ...(checks.length
      ? [`first training step, cpu vs ${r.device} (batch 16, same weights):`, ...checks, '']
      : []),
    `device ${r.device}${r.torch.pytorchDevice ? ` (${r.torch.pytorchDevice})` : ''}; genlab on libtorch ${r.torch.genlab}, PyTorch ${r.torch.pytorch ?? 'not run'}`,
    `${r.warmup} warm-up steps, best of ${r.reps} repetitions of ${r.steps} steps (each ended by a CUDA synchronize)${slow.length ? `; genlab fewer steps on ${slow.join(', ')}` : ''}`,
    '',
    line(all),
    ...body.map(line),
    '',
    `ratio = genlab / PyTorch examples/s: min ${num(r.minRatio, 2)}, geometric mean ${num(r.geomeanRatio, 2)}`,
    ...(errors.length ? ['', 'errors:', ...errors.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}

function parseCli(argv: string[]): CudaBenchOptions & { json: boolean } {
  const o = {
    device: 'cuda',
    python: process.env.PYTHON ?? '/usr/bin/python3',
    rows: DEFAULT_ROWS,
    steps: 30,
    reps: 5,
    warmup: 5,
    rowSeconds: 10,
    reference: true,
    check: true,
    json: false,
  };
  const int = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`bench cuda: ${flag}: expected a positive integer, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`bench cuda: ${a}: missing value`);
      return next;
    };
    if (a === '--device') o.device = v();
    else if (a === '--python') o.python = v();
    else if (a === '--rows') o.rows = v().split(',').filter(Boolean);
    else if (a === '--steps') o.steps = int(a, v());
    else if (a === '--reps') o.reps = int(a, v());
    else if (a === '--warmup') o.warmup = int(a, v());
    else if (a === '--row-seconds') o.rowSeconds = int(a, v());
    else if (a === '--no-ref') o.reference = false;
    else if (a === '--no-check') o.check = false;
    else if (a === '--json') o.json = true;
    else
      throw new Error(
        `bench cuda: unknown argument ${JSON.stringify(a)}; see the comment atop bench/cuda.ts`,
      );
  }
  return o;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const o = parseCli(argv);
    const r = await runCudaBench(o, (msg) => process.stderr.write(`bench cuda: ${msg}\n`));
    process.stdout.write(o.json ? JSON.stringify(r) + '\n' : formatCudaBench(r));
    return r.rows.some((x) => x.genlab.examplesPerSec === null) ? 1 : 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  process.exitCode = await main(process.argv.slice(2));

// `genlab bench eval`: the share of an epoch that the trainer's evaluation takes, per model, on genlab's and libtorch's conv paths.
import {
  Generator,
  cpuConv,
  randint,
  randn,
  scope,
  setCpuConv,
  setNumThreads,
  type CpuConv,
  type Tensor,
} from '../engine/index.js';
import { F, type Module } from '../nn/index.js';
import { SGD } from '../optim/index.js';
import { createModel, defaultEvalBatchSize } from '../models/index.js';
import { evaluate } from '../train/evaluate.js';

export interface EvalBenchRow {
  model: string;
  conv: CpuConv; // which path conv nets' layers took
  trainSeconds: number; // one epoch of SGD steps at batch 128 (CPU seconds)
  evalSeconds: number; // evaluating the training set and the test set, as the trainer does each epoch
  evalShare: number; // evalSeconds / (trainSeconds + evalSeconds)
}
export interface EvalBenchResult {
  trainSize: number;
  testSize: number;
  threads: number;
  rows: EvalBenchRow[];
}

const MODELS: { name: string; input: [number, number, number] }[] = [
  { name: 'mlp-1x512', input: [1, 28, 28] },
  { name: 'alexnet-small', input: [3, 28, 28] },
  { name: 'inception-small', input: [3, 28, 28] },
];

// CPU seconds: another program on the machine disturbs them less than wall seconds.
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** One epoch of steps over `images` in order, batch 128 (the trainer's cost without its shuffling). */
function trainEpoch(model: Module, opt: SGD, images: Tensor, labels: Tensor): void {
  const n = images.shape[0];
  for (let start = 0; start < n; start += 128) {
    scope(() => {
      const len = Math.min(128, n - start);
      opt.zeroGrad();
      F.crossEntropy(model.forward(images.narrow(0, start, len)), labels.narrow(0, start, len)).backward();
      opt.step();
    });
  }
}

function measure(name: string, input: [number, number, number], trainSize: number, testSize: number) {
  return scope(() => {
    const g = new Generator(0);
    const model = createModel(name, { input, classes: 10, generator: g });
    const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const train = {
      x: randn([trainSize, ...input], { generator: g }),
      y: randint(0, 10, [trainSize], { generator: g }),
    };
    const test = {
      x: randn([testSize, ...input], { generator: g }),
      y: randint(0, 10, [testSize], { generator: g }),
    };
    const batch = defaultEvalBatchSize(name);
    try {
      trainEpoch(
        model,
        opt,
        train.x.narrow(0, 0, Math.min(256, trainSize)),
        train.y.narrow(0, 0, Math.min(256, trainSize)),
      ); // warm-up
      const t0 = cpuSeconds();
      trainEpoch(model, opt, train.x, train.y);
      const t1 = cpuSeconds();
      evaluate(model, train.x, train.y, batch);
      evaluate(model, test.x, test.y, batch);
      const t2 = cpuSeconds();
      return { trainSeconds: t1 - t0, evalSeconds: t2 - t1 };
    } finally {
      opt.dispose();
      model.dispose();
    }
  });
}

export function runEvalBench(
  o: { trainSize: number; testSize: number; threads: number },
  progress: (msg: string) => void,
): EvalBenchResult {
  setNumThreads(o.threads);
  const before = cpuConv();
  const rows: EvalBenchRow[] = [];
  try {
    for (const m of MODELS) {
      for (const conv of m.name.startsWith('mlp') ? [before] : (['libtorch', 'genlab'] as const)) {
        progress(
          `${m.name} (${conv}'s conv path): one epoch on ${o.trainSize}, evaluation of ${o.trainSize} + ${o.testSize}`,
        );
        setCpuConv(conv);
        const r = measure(m.name, m.input, o.trainSize, o.testSize);
        rows.push({ model: m.name, conv, ...r, evalShare: r.evalSeconds / (r.trainSeconds + r.evalSeconds) });
      }
    }
  } finally {
    setCpuConv(before);
  }
  return { ...o, rows };
}

export function formatEvalBench(r: EvalBenchResult): string {
  const body = r.rows.map(
    (x) =>
      `${`${x.model} (${x.conv})`.padEnd(28)} ${x.trainSeconds.toFixed(2).padStart(8)} s ${x.evalSeconds.toFixed(2).padStart(8)} s ${(100 * x.evalShare).toFixed(0).padStart(6)}%`,
  );
  return [
    `one epoch on ${r.trainSize} examples and the trainer's evaluation of ${r.trainSize} + ${r.testSize}, CPU seconds, ${r.threads} thread(s)`,
    `${'model (conv path)'.padEnd(28)} ${'train'.padStart(10)} ${'evaluate'.padStart(10)} ${'share'.padStart(7)}`,
    ...body,
    '',
  ].join('\n');
}

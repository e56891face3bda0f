// genlab expressivity: Theorem 1's 2n+d-weight ReLU network, built on real data and evaluated as a network.
import { Generator, deriveSeed, scope } from '../engine/index.js';
import { disposeFlat, loadFlat } from '../theory/data.js';
import { disposeTheorem1, theorem1 } from '../theory/expressivity.js';
import { depthNetwork, evaluateNetwork, outputClasses } from '../theory/expressivity-net.js';
import type { Command, Io } from './command.js';
import type { FlagSpec } from './args.js';
import { Progress } from './progress.js';
import { DATASET_FLAGS } from './fit-flags.js';

const FLAGS: FlagSpec[] = [
  ...DATASET_FLAGS,
  {
    name: 'train-size',
    type: 'int',
    min: 1,
    placeholder: 'N',
    help: 'points to fit, a seeded subset (default: the whole training split)',
  },
  {
    name: 'test-size',
    type: 'int',
    min: 1,
    placeholder: 'N',
    help: 'test points evaluated (default: the whole test split)',
  },
  {
    name: 'labels',
    type: 'string',
    default: 'random',
    placeholder: 'true|random|corrupted:P',
    help: 'labels to fit',
  },
  {
    name: 'depth',
    type: 'int',
    min: 1,
    default: 1,
    placeholder: 'K',
    help: 'hidden ReLU layers: 1 is Theorem 1; K > 1 uses width ⌈n/K⌉ + 3',
  },
  {
    name: 'seed',
    type: 'int',
    min: 0,
    default: 0,
    placeholder: 'S',
    help: 'seed of the labels and of the direction a',
  },
];

interface Row {
  [k: string]: number | string;
}

async function run(flags: Record<string, unknown>, io: Io): Promise<number> {
  const t0 = performance.now();
  const seed = flags.seed as number;
  const depth = flags.depth as number;
  const data = loadFlat({
    dataset: flags.dataset as string,
    dataDir: flags['data-dir'] as string | undefined,
    trainSize: flags['train-size'] as number | undefined,
    testSize: flags['test-size'] as number | undefined,
    labels: flags.labels as string,
    seed,
  });
  const tLoad = performance.now();
  try {
    const c = theorem1(data.xTrain, data.yTrain, {
      generator: new Generator(deriveSeed(seed, 'expressivity-direction')),
    });
    const tSolve = performance.now();
    const built = depthNetwork(c, depth);
    const [n, d] = data.xTrain.shape;
    const progress = new Progress(io, 'evaluate', n + data.xTest.size(0));
    const row = scope(() => {
      const out = evaluateNetwork(built.net, data.xTrain, built.width, (k) => progress.update(k));
      const test = evaluateNetwork(built.net, data.xTest, built.width, (k) => progress.update(n + k));
      progress.done();
      const fitted = outputClasses(out, data.classes).eq(data.yTrain).to('float64').mean().item();
      return {
        dataset: data.name,
        labels: flags.labels as string,
        n,
        d,
        depth,
        weights: built.weights,
        parameters: built.parameters,
        width: built.width,
        uniquePoints: c.w.size(0),
        duplicates: c.duplicates.length,
        redraws: c.redraws,
        fittedFraction: fitted,
        maxResidual: out.sub(data.yTrain.to('float64')).abs().max().item(),
        minGap: c.minGap,
        maxAbsWeight: c.w.abs().max().item(),
        testAcc: outputClasses(test, data.classes).eq(data.yTest).to('float64').mean().item(),
        chance: 1 / data.classes,
      };
    });
    const tEnd = performance.now();
    built.net.dispose();
    disposeTheorem1(c);
    const timing = {
      loadSeconds: (tLoad - t0) / 1000,
      solveSeconds: (tSolve - tLoad) / 1000,
      evalSeconds: (tEnd - tSolve) / 1000,
      seconds: (tEnd - tLoad) / 1000,
    };
    print({ ...row, ...timing }, flags.json === true, io);
    return row.fittedFraction === 1 ? 0 : 1;
  } finally {
    disposeFlat(data);
  }
}

function print(r: Row, json: boolean, io: Io): void {
  if (json) {
    io.out(JSON.stringify(r) + '\n');
    return;
  }
  const f = (x: number | string): string =>
    typeof x === 'number' && !Number.isInteger(x) ? x.toPrecision(4) : String(x);
  io.out(
    `Theorem 1 on ${r.dataset} (${r.labels} labels): n = ${r.n} points in d = ${r.d}, depth ${r.depth}\n`,
  );
  io.out(
    `  weights ${r.weights} (2n + d = ${2 * Number(r.n) + Number(r.d)}), dense parameters ${r.parameters}, width ${r.width}\n`,
  );
  io.out(
    `  fitted ${f(Number(r.fittedFraction) * 100)}% of the training points, max residual ${f(r.maxResidual)}\n`,
  );
  io.out(
    `  conditioning: smallest projection gap ${f(r.minGap)}, largest |w| ${f(r.maxAbsWeight)}, directions redrawn ${r.redraws}, duplicate images ${r.duplicates}\n`,
  );
  io.out(
    `  test accuracy ${f(Number(r.testAcc) * 100)}% (chance ${f(Number(r.chance) * 100)}%): it fits, it does not generalize\n`,
  );
  io.out(
    `  ${f(r.seconds)} s (build ${f(r.solveSeconds)} s, evaluate ${f(r.evalSeconds)} s; loading ${f(r.loadSeconds)} s)\n`,
  );
}

export const expressivityCommand: Command = {
  name: 'expressivity',
  summary: 'Theorem 1: a 2n+d-weight ReLU network that fits any labels (then fails the test set)',
  usage: '[--dataset D] [--train-size N] [--labels random|true|corrupted:P] [--depth K] [--seed S] [--json]',
  description: `Builds the network of Theorem 1 (Section 4): c(x) = Σⱼ wⱼ·relu(⟨a, x⟩ − bⱼ) with a random
direction a, the training points sorted by projection, biases interleaved between them, and w from the
lower-triangular system A w = y solved by forward substitution in O(n) (A is never formed), all in
float64. It then evaluates the network as genlab layers — Linear(d→1) → biases → ReLU → Linear(n→1) —
on every training and test point.

The network has one output and fits the label value (0…k−1): a point counts as fitted when the nearest
label value to the output is its label, which keeps the weight count at 2n + d (one-hot outputs would
need (k + 1)n + d). Pixels are raw / 255. Duplicate images with different labels make the fit
impossible and are reported with their rows; identical (image, label) pairs are fitted once.

Examples:
  genlab expressivity                                      all of Fashion-MNIST, random labels
  genlab expressivity --train-size 5000 --labels true --json
  genlab expressivity --train-size 20000 --depth 10        width 2,003, 10 hidden layers`,
  flags: FLAGS,
  async run(args, io) {
    return run(args.flags, io);
  },
};

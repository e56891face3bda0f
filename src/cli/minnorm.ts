// genlab minnorm: SGD on an under-determined least-squares problem converges to X⁺y from zero, elsewhere from elsewhere.
import path from 'node:path';
import { Generator, deriveSeed, keep, randn, scope, zeros, type Tensor } from '../engine/index.js';
import { disposeFlat, loadFlat } from '../theory/data.js';
import { minNormSolution, randomInit, sgdLeastSquares, type MinNormPoint } from '../theory/minnorm.js';
import { lineChart, writeFigure } from '../report/plot.js';
import type { Command, Io } from './command.js';
import type { FlagSpec } from './args.js';
import { Progress } from './progress.js';
import { DATASET_FLAGS } from './fit-flags.js';

const FLAGS: FlagSpec[] = [
  ...DATASET_FLAGS,
  {
    name: 'train-size',
    type: 'int',
    min: 2,
    default: 100,
    placeholder: 'N',
    help: 'examples (rows of X); must be below the feature count',
  },
  {
    name: 'features',
    type: 'enum',
    choices: ['pixels', 'random'],
    default: 'pixels',
    help: 'centred pixels / 255 (d = 784), or relu of random projections',
  },
  {
    name: 'width',
    type: 'int',
    min: 1,
    default: 2000,
    placeholder: 'D',
    help: 'random features: their number d',
  },
  { name: 'epochs', type: 'int', min: 1, default: 300, placeholder: 'E', help: 'SGD epochs' },
  {
    name: 'batch-size',
    type: 'int',
    min: 1,
    default: 1,
    placeholder: 'B',
    help: 'SGD batch size (1 with the default lr is Kaczmarz: fastest per epoch on correlated pixels)',
  },
  {
    name: 'lr',
    type: 'number',
    min: 0,
    placeholder: 'LR',
    help: 'learning rate (default 1 / max ‖xᵢ‖², stable for any batch)',
  },
  {
    name: 'seed',
    type: 'int',
    min: 0,
    default: 0,
    placeholder: 'S',
    help: 'seed of the subset, batches and the non-zero start',
  },
  {
    name: 'out',
    type: 'string',
    default: 'runs/minnorm',
    placeholder: 'DIR',
    help: 'where minnorm.png / .svg go',
  },
];

/** X (n, d) float64 and y (n) = the label values, centred. */
function problem(flags: Record<string, unknown>, seed: number): { x: Tensor; y: Tensor } {
  const data = loadFlat({
    dataset: flags.dataset as string,
    dataDir: flags['data-dir'] as string | undefined,
    trainSize: flags['train-size'] as number,
    testSize: 1,
    subsetSeed: seed,
  });
  try {
    return keep(
      scope(() => {
        let x = data.xTrain.to('float64');
        x = x.sub(x.mean(0, true));
        if (flags.features === 'random') {
          const proj = randn([x.size(1), flags.width as number], {
            generator: new Generator(deriveSeed(seed, 'minnorm-features')),
            dtype: 'float64',
          });
          x = x.matmul(proj.div(Math.sqrt(x.size(1)))).relu();
        }
        const y = data.yTrain.to('float64');
        return { x, y: y.sub(y.mean()) };
      }),
    );
  } finally {
    disposeFlat(data);
  }
}

async function plot(zero: MinNormPoint[], other: MinNormPoint[], dir: string): Promise<string> {
  const ep = (c: MinNormPoint[]): number[] => c.map((p) => p.epoch);
  const fig = await lineChart({
    title: 'SGD on under-determined least squares (Section 5)',
    xLabel: 'epoch',
    yLabel: 'relative value',
    logY: true,
    series: [
      { name: 'residual, from 0', x: ep(zero), y: zero.map((p) => Math.max(p.residual, 1e-16)) },
      { name: 'distance to X⁺y, from 0', x: ep(zero), y: zero.map((p) => Math.max(p.distance, 1e-16)) },
      { name: 'residual, from w₀ ≠ 0', x: ep(other), y: other.map((p) => Math.max(p.residual, 1e-16)) },
      {
        name: 'distance to X⁺y, from w₀ ≠ 0',
        x: ep(other),
        y: other.map((p) => Math.max(p.distance, 1e-16)),
      },
    ],
  });
  return (await writeFigure(dir, 'minnorm', fig)).png;
}

async function run(flags: Record<string, unknown>, io: Io): Promise<number> {
  const t0 = performance.now();
  const seed = flags.seed as number;
  const { x, y } = problem(flags, seed);
  try {
    const [n, d] = x.shape;
    const star = minNormSolution(x, y);
    const opts = {
      epochs: flags.epochs as number,
      batchSize: flags['batch-size'] as number,
      lr: flags.lr as number | undefined,
    };
    const progress = new Progress(io, 'sgd', 2);
    const zero = sgdLeastSquares(
      x,
      y,
      scope(() => zeros([d], { dtype: 'float64' })),
      star,
      { ...opts, generator: new Generator(deriveSeed(seed, 'batches')) },
    );
    progress.update(1);
    const init = randomInit(d, star.norm().item(), new Generator(deriveSeed(seed, 'init')));
    const other = sgdLeastSquares(x, y, init, star, {
      ...opts,
      generator: new Generator(deriveSeed(seed, 'batches')),
    });
    progress.done();
    const last = (c: MinNormPoint[]): MinNormPoint => c[c.length - 1];
    const figure = await plot(zero.curve, other.curve, flags.out as string);
    const r = {
      n,
      d,
      epochs: opts.epochs,
      finalResidual: last(zero.curve).residual,
      distanceToMinNorm: last(zero.curve).distance,
      normSgd: last(zero.curve).norm,
      normMinNorm: star.norm().item(),
      normFromNonzeroInit: last(other.curve).norm,
      residualFromNonzeroInit: last(other.curve).residual,
      distanceFromNonzeroInit: last(other.curve).distance,
      figure: path.resolve(figure),
      seconds: (performance.now() - t0) / 1000,
    };
    for (const t of [star, zero.w, init, other.w]) t.dispose();
    if (flags.json) io.out(JSON.stringify(r) + '\n');
    else {
      io.out(
        `least squares on ${n} ${flags.dataset} examples, d = ${d} features (${flags.features}), ${r.epochs} epochs of SGD\n`,
      );
      io.out(
        `  from w = 0:  residual ${r.finalResidual.toExponential(2)}, ‖w‖ = ${r.normSgd.toPrecision(5)}, ‖X⁺y‖ = ${r.normMinNorm.toPrecision(5)}, distance to X⁺y ${r.distanceToMinNorm.toExponential(2)} (relative)\n`,
      );
      io.out(
        `  from w₀ ≠ 0: residual ${r.residualFromNonzeroInit.toExponential(2)}, ‖w‖ = ${r.normFromNonzeroInit.toPrecision(5)}, distance to X⁺y ${r.distanceFromNonzeroInit.toPrecision(3)}: another interpolant, larger norm\n`,
      );
      io.out(`  figure ${r.figure} (${r.seconds.toFixed(1)} s)\n`);
    }
    return 0;
  } finally {
    x.dispose();
    y.dispose();
  }
}

export const minnormCommand: Command = {
  name: 'minnorm',
  summary: 'Section 5: SGD from zero finds the minimum-norm interpolant X⁺y; from elsewhere, a larger one',
  usage:
    '[--dataset D] [--train-size N] [--features pixels|random] [--epochs E] [--batch-size B] [--lr LR] [--json]',
  description: `Fits y = Xw with n examples and d > n features (centred pixels / 255, or relu random features), by
plain SGD on ½‖Xw − y‖²/n, twice: from w = 0 and from a random w₀ with ‖w₀‖ = ‖X⁺y‖. SGD's updates are
combinations of rows of X, so from zero the iterate stays in their span and converges to X⁺y, the
minimum-norm interpolant; from w₀ it converges to X⁺y plus w₀'s component outside the span — it
interpolates as well, with a larger norm. Targets are the centred label values. Prints the final
residual, norms and (relative) distance to X⁺y; writes the curves over epochs to OUT/minnorm.png and .svg.

Examples:
  genlab minnorm
  genlab minnorm --features random --width 4000 --train-size 500 --json`,
  flags: FLAGS,
  async run(args, io) {
    return run(args.flags, io);
  },
};

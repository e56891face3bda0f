// genlab minnorm: SGD on an under-determined least-squares problem converges to X⁺y from zero, elsewhere from elsewhere.
import { MINNORM_OPTIONS, minnormExperiment, type MinNormResult } from '../experiments/theory/minnorm.js';
import { minnormFigure } from '../report/minnorm.js';
import { RunDir } from '../store/run-dir.js';
import type { Command, Io } from './command.js';
import type { FlagSpec, Parsed } from './args.js';
import { DATASET_FLAGS } from './fit-flags.js';
import { STORE_FLAG, runStored } from './theory.js';

const D = MINNORM_OPTIONS.parse({}); // the defaults, shown in --help

const FLAGS: FlagSpec[] = [
  ...DATASET_FLAGS,
  {
    name: 'train-size',
    type: 'int',
    min: 2,
    default: D.dataset.trainSize ?? undefined,
    placeholder: 'N',
    help: 'examples (rows of X); must be below the feature count',
  },
  {
    name: 'features',
    type: 'enum',
    choices: ['pixels', 'random'],
    default: D.features.name,
    help: 'centred pixels / 255 (d = 784), or relu of random projections',
  },
  {
    name: 'width',
    type: 'int',
    min: 1,
    default: D.features.width,
    placeholder: 'D',
    help: 'random features: their number d',
  },
  { name: 'epochs', type: 'int', min: 1, default: D.epochs, placeholder: 'E', help: 'SGD epochs' },
  {
    name: 'batch-size',
    type: 'int',
    min: 1,
    default: D.batchSize,
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
    default: D.seed,
    placeholder: 'S',
    help: 'seed of the subset, batches and the non-zero start',
  },
  STORE_FLAG,
];

function options(f: Parsed['flags']): unknown {
  return {
    dataset: { name: f.dataset, dataDir: f['data-dir'] ?? null, trainSize: f['train-size'] },
    features: { name: f.features, width: f.width },
    epochs: f.epochs,
    batchSize: f['batch-size'],
    lr: f.lr ?? null,
    seed: f.seed,
  };
}

function print(r: MinNormResult & { run: string; figure: string }, features: string, io: Io): void {
  io.out(
    `least squares on ${r.n} ${r.dataset} examples, d = ${r.d} features (${features}), ${r.epochs} epochs of SGD\n`,
  );
  io.out(
    `  from w = 0:  residual ${r.finalResidual.toExponential(2)}, ‖w‖ = ${r.normSgd.toPrecision(5)}, ‖X⁺y‖ = ${r.normMinNorm.toPrecision(5)}, distance to X⁺y ${r.distanceToMinNorm.toExponential(2)} (relative)\n`,
  );
  io.out(
    `  from w₀ ≠ 0: residual ${r.residualFromNonzeroInit.toExponential(2)}, ‖w‖ = ${r.normFromNonzeroInit.toPrecision(5)}, distance to X⁺y ${r.distanceFromNonzeroInit.toPrecision(3)}: another interpolant, larger norm\n`,
  );
  io.out(`  figure ${r.figure} (${r.seconds.toFixed(1)} s)\n  run ${r.run}\n`);
}

export const minnormCommand: Command = {
  name: 'minnorm',
  summary: minnormExperiment.summary,
  usage:
    '[--dataset D] [--train-size N] [--features pixels|random] [--epochs E] [--batch-size B] [--lr LR] [--out DIR] [--json]',
  description: `Fits y = Xw with n examples and d > n features (centred pixels / 255, or relu random features), by
plain SGD on ½‖Xw − y‖²/n, twice: from w = 0 and from a random w₀ with ‖w₀‖ = ‖X⁺y‖. SGD's updates are
combinations of rows of X, so from zero the iterate stays in their span and converges to X⁺y, the
minimum-norm interpolant; from w₀ it converges to X⁺y plus w₀'s component outside the span — it
interpolates as well, with a larger norm. Targets are the centred label values. Prints the final
residual, norms and (relative) distance to X⁺y; stores the result and the curves over epochs in the
run store (--out), and draws them to minnorm.png and .svg among the run's artifacts.

Examples:
  genlab minnorm
  genlab minnorm --features random --width 4000 --train-size 500 --json`,
  flags: FLAGS,
  async run(args, io) {
    const { id, dir, result } = await runStored(minnormExperiment, options(args.flags), args, io);
    const fig = await minnormFigure(result);
    const run = new RunDir(dir);
    run.writeArtifact('minnorm.svg', fig.svg);
    run.writeArtifact('minnorm.png', fig.png);
    const figure = run.artifactPath('minnorm.png');
    const { curves: _curves, ...numbers } = result;
    const r = { run: id, ...numbers, figure };
    if (args.flags.json) io.out(JSON.stringify(r) + '\n');
    else print({ ...result, run: id, figure }, String(args.flags.features), io);
    return 0;
  },
};

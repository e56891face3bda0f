// genlab minnorm: SGD on an under-determined least-squares problem converges to X⁺y from zero, elsewhere from elsewhere.
import { MINNORM_OPTIONS, minnormExperiment, type MinNormResult } from '../experiments/theory/minnorm.js';
import { minnormFigure } from '../report/minnorm.js';
import { RunDir } from '../store/run-dir.js';
import type { Command, Io } from './command.js';
import type { FlagSpec } from './args.js';
import { fromFlags, optionFlags } from './option-flags.js';
import { STORE_FLAG, runStored } from './theory.js';

const FLAGS: FlagSpec[] = [...optionFlags(MINNORM_OPTIONS, 'genlab minnorm'), STORE_FLAG];

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
    const { id, dir, result } = await runStored(minnormExperiment, fromFlags(args, FLAGS), args, io);
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

// genlab expressivity: Theorem 1's 2n+d-weight ReLU network, built on real data and evaluated as a network.
import {
  EXPRESSIVITY_OPTIONS,
  expressivityExperiment,
  type ExpressivityResult,
} from '../experiments/theory/expressivity.js';
import type { Command, Io } from './command.js';
import type { FlagSpec } from './args.js';
import { fromFlags, optionFlags } from './option-flags.js';
import { STORE_FLAG, runStored } from './theory.js';

const FLAGS: FlagSpec[] = [...optionFlags(EXPRESSIVITY_OPTIONS, 'genlab expressivity'), STORE_FLAG];

function print(r: ExpressivityResult, id: string, io: Io): void {
  const f = (x: number | string): string =>
    typeof x === 'number' && !Number.isInteger(x) ? x.toPrecision(4) : String(x);
  io.out(
    `Theorem 1 on ${r.dataset} (${r.labels} labels): n = ${r.n} points in d = ${r.d}, depth ${r.depth}\n`,
  );
  io.out(
    `  weights ${r.weights} (2n + d = ${2 * r.n + r.d}), dense parameters ${r.parameters}, width ${r.width}\n`,
  );
  io.out(`  fitted ${f(r.fittedFraction * 100)}% of the training points, max residual ${f(r.maxResidual)}\n`);
  io.out(
    `  conditioning: smallest projection gap ${f(r.minGap)}, largest |w| ${f(r.maxAbsWeight)}, directions redrawn ${r.redraws}, duplicate images ${r.duplicates}\n`,
  );
  io.out(
    `  test accuracy ${f(r.testAcc * 100)}% (chance ${f(r.chance * 100)}%): it fits, it does not generalize\n`,
  );
  io.out(
    `  ${f(r.seconds)} s (build ${f(r.solveSeconds)} s, evaluate ${f(r.evalSeconds)} s; loading ${f(r.loadSeconds)} s)\n`,
  );
  io.out(`  run ${id}\n`);
}

export const expressivityCommand: Command = {
  name: 'expressivity',
  summary: expressivityExperiment.summary,
  usage:
    '[--dataset D] [--train-size N] [--labels random|true|corrupted:P] [--depth K] [--seed S] [--out DIR] [--json]',
  description: `Builds the network of Theorem 1 (Section 4): c(x) = Σⱼ wⱼ·relu(⟨a, x⟩ − bⱼ) with a random
direction a, the training points sorted by projection, biases interleaved between them, and w from the
lower-triangular system A w = y solved by forward substitution in O(n) (A is never formed), all in
float64. It then evaluates the network as genlab layers — Linear(d→1) → biases → ReLU → Linear(n→1) —
on every training and test point.

The network has one output and fits the label value (0…k−1): a point counts as fitted when the nearest
label value to the output is its label, which keeps the weight count at 2n + d (one-hot outputs would
need (k + 1)n + d). Pixels are raw / 255. Duplicate images with different labels make the fit
impossible and are reported with their rows; identical (image, label) pairs are fitted once.
The result is stored in the run store (--out); the same options again print it without recomputing.

Examples:
  genlab expressivity                                      all of Fashion-MNIST, random labels
  genlab expressivity --train-size 5000 --labels true --json
  genlab expressivity --train-size 20000 --depth 10        width 2,003, 10 hidden layers`,
  flags: FLAGS,
  async run(args, io) {
    const { id, result } = await runStored(expressivityExperiment, fromFlags(args, FLAGS), args, io);
    if (args.flags.json) io.out(JSON.stringify({ run: id, ...result }) + '\n');
    else print(result, id, io);
    return result.fittedFraction === 1 ? 0 : 1;
  },
};

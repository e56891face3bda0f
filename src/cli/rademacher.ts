// genlab rademacher: the empirical Rademacher complexity of a model class on a sample, by fitting random ±1 labels.
import { RADEMACHER_OPTIONS, rademacherExperiment } from '../experiments/theory/rademacher.js';
import type { Command } from './command.js';
import type { FlagSpec } from './args.js';
import { fromFlags, optionFlags } from './option-flags.js';
import { STORE_FLAG, applyThreads, runStored } from './theory.js';
import { threadsFlag } from './threads.js';

const FLAGS: FlagSpec[] = [
  ...optionFlags(RADEMACHER_OPTIONS, 'genlab rademacher'),
  threadsFlag('libtorch threads (1: batches of 32 are too small to share between threads)', 1),
  STORE_FLAG,
];

export const rademacherCommand: Command = {
  name: 'rademacher',
  summary: rademacherExperiment.summary,
  usage: '[--dataset D] [--train-size N] [--model mlp|kernel] [--draws K] [--out DIR] [--json]',
  description: `Estimates R̂ₙ(H) = E_σ sup_{f∈H} (1/n) Σᵢ σᵢ f(xᵢ) on n training images (pixels / 255): for each of K
draws of random signs σ, trains the model on σ and takes the correlation (1/n) Σ σᵢ f(xᵢ), f clipped
to [−1, 1]; training stands in for the sup. Reports the mean over draws, its standard error and K.
An estimate of 1.0 means the class fits any labelling of the sample, so a bound in terms of its
Rademacher complexity says nothing — the paper's argument as a number. The result is stored in the
run store (--out); the same options again print it without recomputing.

Examples:
  genlab rademacher                          MLP 784-512-1 on 200 Fashion-MNIST images, 5 draws (≈ 0.96, seconds)
  genlab rademacher --model kernel --json    the Gaussian kernel machine interpolates: 1.0
  genlab rademacher --model kernel --ridge 10`,
  flags: FLAGS,
  async run(args, io) {
    applyThreads(args, io, rademacherExperiment);
    const { id, result: r } = await runStored(rademacherExperiment, fromFlags(args, FLAGS), args, io);
    if (args.flags.json) io.out(JSON.stringify({ run: id, ...r }) + '\n');
    else {
      io.out(
        `empirical Rademacher complexity of ${r.model} on n = ${r.n} ${r.dataset} images: ${r.estimate.toFixed(4)} ± ${r.stderr.toFixed(4)} (${r.draws} draws)\n`,
      );
      io.out(
        r.estimate > 0.95
          ? '  ≈ 1: the class fits random labels; capacity bounds built on it are vacuous\n'
          : '  below 1: the class cannot fit every labelling of this sample\n',
      );
      io.out(`  run ${id}\n`);
    }
    return 0;
  },
};

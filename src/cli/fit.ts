// genlab fit: trains one model on (randomized) data until it fits, with every run kept and resumable.
import { fit, runConfig, type FitSummary } from '../experiments/fit.js';
import { RunStore } from '../store/store.js';
import type { EpochRecord } from '../train/index.js';
import type { Command, Io } from './command.js';
import {
  DATA_FLAGS,
  RANDOMIZE_FLAGS,
  RUN_FLAGS,
  TRAIN_FLAGS,
  fitConfigFromFlags,
  runDevice,
} from './fit-flags.js';
import { Progress } from './progress.js';
import { onInterrupt } from './interrupt.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');

export function printSummary(io: Io, s: FitSummary): void {
  const rows: [string, string][] = [
    ['run', s.run],
    ['status', s.status + (s.divergedReason ? ` (${s.divergedReason})` : '')],
    ['model', `${s.model} (${s.params.toLocaleString('en-US')} parameters)`],
    [
      'data',
      `${s.dataset}, ${s.trainSize} training examples, labels ${s.labels}, inputs ${s.inputs} (${pct(s.labelChangedFraction)} of labels changed)`,
    ],
    [
      'fitted',
      s.stepsToFit === null
        ? `no (after ${s.epochs} epochs, ${s.steps} steps)`
        : `yes, after ${s.stepsToFit} steps (${s.epochsToFit} epochs)`,
    ],
    ['train accuracy', pct(s.trainAcc)],
    ['test accuracy', `${pct(s.testAcc)} (best ${pct(s.bestTestAcc)} at epoch ${s.bestTestEpoch})`],
    [
      'time',
      `${s.wallSeconds.toFixed(1)} s, ${Math.round(s.examplesPerSecond).toLocaleString('en-US')} examples/s`,
    ],
    ['files', s.dir],
  ];
  for (const [k, v] of rows) io.out(`${k.padEnd(15)} ${v}\n`);
}

export const fitCommand: Command = {
  name: 'fit',
  summary: 'train one model on (randomized) data until it fits 100% of its training set',
  usage: '[--dataset D] [--model M] [--labels true|random|corrupted:P] [--inputs …] [--train-size N] [flags]',
  description: `
Trains a network with SGD (momentum 0.9, the paper's learning rate, ×0.95 per 50,000 examples seen,
batch 128) until its accuracy on the whole training set reaches 100% (or --target-acc), or --epochs
run out. Each run lives in its own directory under --out, named from its config plus a hash: the
resolved config, the drawn randomization, per-step losses, per-epoch metrics and a checkpoint at every
epoch end. Running the same command again resumes an interrupted run (or reports a finished one).

Examples:
  genlab fit --labels random --train-size 2000            # Figure 1a: random labels are fitted too
  genlab fit --labels corrupted:0.4 --train-size 5000      # Figure 1b/1c: 40% label noise
  genlab fit --inputs random-pixels --model alexnet-small --train-size 2000
  genlab fit --resume mlp-1x512_fashion-mnist-2000          # continue a killed run`,
  flags: [
    ...DATA_FLAGS,
    ...RANDOMIZE_FLAGS,
    ...TRAIN_FLAGS,
    ...RUN_FLAGS,
    {
      name: 'resume',
      type: 'string',
      placeholder: 'RUN',
      help: 'continue the run with this id (or unique prefix, or directory) from its last checkpoint',
    },
    { name: 'restart', type: 'bool', help: 'discard an existing run with the same config and start over' },
    {
      name: 'wait',
      type: 'bool',
      help: 'if another process is writing this run, wait for it (default: say which process and exit)',
    },
    {
      name: 'from-previous',
      type: 'bool',
      help: 'resume from the previous checkpoint (when the latest fails its checksum)',
    },
  ],
  async run(args, io) {
    const store = new RunStore((args.flags.out as string) ?? 'runs', { notice: (l) => io.err(`${l}\n`) });
    try {
      const config = args.flags.resume
        ? runConfig(store, args.flags.resume as string)
        : fitConfigFromFlags(args, fitCommand.flags);
      const device = runDevice(args, 'genlab fit');
      let progress: Progress | undefined;
      let epoch = 0;
      let last: EpochRecord | undefined;
      const interrupt = onInterrupt(
        io,
        "stopping after this epoch's checkpoint (Ctrl-C again to quit now; the last checkpoint is kept)",
      );
      try {
        const outcome = await fit(config, {
          store,
          device,
          threads: args.flags.threads as number | undefined,
          onNotice: (line) => io.err(`genlab fit: ${line}\n`),
          restart: Boolean(args.flags.restart),
          wait: Boolean(args.flags.wait),
          fromPrevious: Boolean(args.flags['from-previous']),
          onWait: (h) => io.err(`waiting for process ${h.pid} (${h.command}), which is writing this run\n`),
          shouldStop: interrupt.stopped,
          onStart: (s) => {
            if (!args.flags.json)
              io.err(`run ${s.run}${s.resumedFrom ? ` (resumed after epoch ${s.resumedFrom})` : ''}\n`);
            progress = new Progress(io, 'fit', s.totalEpochs);
            epoch = s.resumedFrom;
          },
          onStep: (step, loss) =>
            progress?.update(
              epoch,
              `epoch ${epoch + 1} step ${step} loss ${loss.toFixed(4)}${last ? ` train ${pct(last.trainAcc)} test ${pct(last.testAcc)}` : ''}`,
            ),
          onEpoch: (r) => {
            epoch = r.epoch;
            last = r;
            progress?.update(
              epoch,
              `epoch ${r.epoch} loss ${r.trainLoss.toFixed(4)} train ${pct(r.trainAcc)} test ${pct(r.testAcc)}`,
            );
          },
        });
        progress?.done(
          last ? `train ${pct(last.trainAcc)} test ${pct(last.testAcc)}` : '',
          outcome.interrupted ? epoch : undefined,
        );
        const s = outcome.summary;
        if (args.flags.json)
          io.out(
            JSON.stringify({
              ...s,
              alreadyComplete: outcome.alreadyComplete,
              interrupted: outcome.interrupted,
            }) + '\n',
          );
        else {
          if (outcome.alreadyComplete) io.err(`already complete: ${s.run} (use --restart to train again)\n`);
          if (outcome.interrupted)
            io.err(`interrupted after epoch ${s.epochs}; continue with: genlab fit --resume ${s.run}\n`);
          printSummary(io, s);
        }
        return outcome.interrupted ? interrupt.exitCode() : 0;
      } finally {
        interrupt.release();
      }
    } finally {
      store.close();
    }
  },
};

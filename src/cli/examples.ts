// genlab examples RUN: which training examples a run learned when, and which it kept forgetting.
import path from 'node:path';
import { InputError } from '../engine/index.js';
import { exampleDynamics, hardestExamples, withRunTrainingSet } from '../experiments/examples.js';
import { RunStore } from '../store/store.js';
import { examplesTable, hardestGrids, writeExamplesReport } from '../report/examples.js';
import { markdownTable } from '../report/table.js';
import type { Command } from './command.js';

export const examplesCommand: Command = {
  name: 'examples',
  summary: 'per-example learning dynamics of a run: when each example is learned, how often forgotten',
  usage: 'RUN [--out DIR] [--report-dir DIR] [--top K] [--json]',
  description: `
Every run records, at each epoch end, which training examples it classifies correctly. This reads
that record and reports the epoch each example is first learned and how often it is forgotten
(correct at one epoch end, wrong at the next; Toneva et al. 2019), split by clean and corrupted
labels, with Arpit et al. 2017's claim that real patterns are learned before noisy labels: the
fraction of clean examples learned before the median corrupted one. Writes a figure of the
cumulative fraction learned per epoch and image grids of the most forgotten and last-learned
examples.

Examples:
  genlab fit --labels corrupted:0.4 --train-size 1000 --no-stop-at-fit --epochs 40
  genlab examples mlp-1x512_fashion-mnist-1000_labels-corrupted-0.4     # RUN: id, unique prefix or path
  genlab examples RUN --json | jq .cleanLearnedBeforeMedianCorrupted`,
  flags: [
    { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
    {
      name: 'report-dir',
      type: 'string',
      placeholder: 'DIR',
      help: 'where the figure and grids go (default: OUT/reports/examples/RUN)',
    },
    {
      name: 'top',
      type: 'int',
      default: 20,
      min: 1,
      max: 200,
      placeholder: 'K',
      help: 'examples per image grid',
    },
  ],
  async run(args, io) {
    if (args.positionals.length !== 1)
      throw new InputError(
        `genlab examples: expected one run (an id, a unique prefix or a path), got ${args.positionals.length}`,
      );
    const store = new RunStore(args.flags.out as string, { create: false, notice: (l) => io.err(`${l}\n`) });
    try {
      const run = store.run(store.resolve(args.positionals[0]));
      const d = exampleDynamics(run);
      const hard = hardestExamples(d, args.flags.top as number);
      const dir =
        (args.flags['report-dir'] as string | undefined) ??
        path.join(store.root, 'reports', 'examples', run.id);
      const grids = withRunTrainingSet(run, (train) => hardestGrids(train.images, hard));
      const files = await writeExamplesReport(dir, d, grids);
      if (args.flags.json) {
        io.out(JSON.stringify({ ...d, ...hard, files }) + '\n');
        return 0;
      }
      io.out(`${markdownTable(examplesTable(d))}\nreport: ${files.markdown}\nfigure: ${files.figure.png}\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};

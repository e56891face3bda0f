// genlab models: the paper's architectures with their parameter counts for an input shape.
import { InputError } from '../engine/index.js';
import { MODELS, PAPER_PARAMS, createModel } from '../models/index.js';
import type { Command } from './command.js';

function parseInput(s: string): [number, number, number] {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(s);
  if (!m || [m[1], m[2], m[3]].some((v) => Number(v) < 1))
    throw new InputError(`genlab models: --input: expected CxHxW like 3x28x28, got "${s}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export const modelsCommand: Command = {
  name: 'models',
  summary: "list the paper's architectures and their parameter counts",
  usage: '[--input CxHxW] [--classes K] [--json]',
  description: `
Builds each architecture of the paper (§3) for an input shape and counts its parameters. On 3x28x28
(CIFAR-10 center-cropped, the paper's input) the counts must equal Table 1's; on 1x28x28
(Fashion-MNIST, MNIST) only the first layer changes. Any mlp-DEPTHxWIDTH works with genlab fit.`,
  flags: [
    { name: 'input', type: 'string', default: '3x28x28', placeholder: 'CxHxW', help: 'input shape' },
    { name: 'classes', type: 'int', min: 2, default: 10, placeholder: 'K', help: 'number of classes' },
  ],
  async run(args, io) {
    const input = parseInput(args.flags.input as string);
    const classes = args.flags.classes as number;
    const rows = MODELS.map((name) => {
      const m = createModel(name, { input, classes });
      const params = m.numParameters();
      m.dispose();
      const paper = input.join('x') === '3x28x28' && classes === 10 ? PAPER_PARAMS[name] : null;
      return { name, params, paper, matchesPaper: paper === null ? null : paper === params };
    });
    if (args.flags.json) {
      io.out(JSON.stringify({ input, classes, models: rows }) + '\n');
      return 0;
    }
    io.out(`${'model'.padEnd(22)} ${'parameters'.padStart(12)} ${'Table 1'.padStart(12)}\n`);
    for (const r of rows) {
      const paper =
        r.paper === null ? '' : `${r.paper.toLocaleString('en-US')} ${r.matchesPaper ? '✓' : '✗'}`;
      io.out(`${r.name.padEnd(22)} ${r.params.toLocaleString('en-US').padStart(12)} ${paper.padStart(12)}\n`);
    }
    return 0;
  },
};

// genlab book: the results book — every preset and scale found in a run store, as one Markdown file and one HTML page.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../engine/index.js';
import { RunStore } from '../store/store.js';
import { bookSections, writeBook } from '../report/book.js';
import { VERDICTS } from '../report/verdict.js';
import type { Command } from './command.js';

export const bookCommand: Command = {
  name: 'book',
  summary: 'the results book: every preset found in a run store, its figures, tables, claims and commands',
  usage: '[--out STORE] [--dir DIR] [--complete] [--json]',
  description: `
Writes DIR/results.md, DIR/results.html and DIR/figures/ from the runs in STORE: one section for each
preset and scale with at least one complete run, with the commands that made its runs, how the scale
differs from the paper, its figures and tables (each cell the mean and spread over its seeds), and the
paper's claims with their verdicts (holds, fails, inconclusive, not measured). The book is generated:
to change it, make more runs and run genlab book again. --complete keeps only the presets whose every
planned run is complete (long runs reach a book only when done) and names the others on stderr.

Examples:
  genlab run fig1a --scale smoke --seeds 3 && genlab book --dir book   # then open book/results.html
  genlab book --out stores/cpu --dir docs                              # docs/results.md from a store`,
  flags: [
    { name: 'out', type: 'string', default: 'runs', placeholder: 'STORE', help: 'run store directory' },
    {
      name: 'about',
      type: 'string',
      placeholder: 'TEXT',
      help: 'where and how the runs were made (machine, device, --jobs), printed under the header',
    },
    {
      name: 'complete',
      type: 'bool',
      help: 'only presets and scales whose every planned run is complete; the others are named, not shown',
    },
    {
      name: 'dir',
      type: 'string',
      placeholder: 'DIR',
      help: 'where the book goes (default: STORE/book)',
    },
  ],
  async run(args, io) {
    const root = args.flags.out as string;
    if (!existsSync(root))
      throw new InputError(
        `genlab book: --out ${root}: no such run store; expected a directory made by genlab run PRESET --out ${root}`,
      );
    const dir = (args.flags.dir as string | undefined) ?? path.join(root, 'book');
    const about = args.flags.about as string | undefined;
    const quoted = (t: string) => `'${t.replace(/'/g, "'\\''")}'`;
    const command = [
      'genlab book',
      args.given.has('out') ? `--out ${root}` : '',
      args.given.has('dir') ? `--dir ${dir}` : '',
      args.flags.complete ? '--complete' : '',
      about ? `--about ${quoted(about)}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const store = new RunStore(root);
    try {
      const storeArg = args.given.has('out') ? ` --out ${root}` : '';
      const { sections, leftOut } = await bookSections(store, storeArg, args.flags.complete === true);
      for (const l of leftOut)
        io.err(
          `genlab book: left out ${l.preset} (${l.scale}): ${l.complete} of ${l.planned} runs complete (--complete)\n`,
        );
      if (sections.length === 0)
        throw new InputError(
          leftOut.length
            ? `genlab book: ${root} holds no preset whose every run is complete (--complete); expected genlab run PRESET --out ${root} to finish`
            : `genlab book: ${root} holds no complete run of any preset; expected runs made by genlab run PRESET --out ${root}`,
        );
      const files = await writeBook(dir, sections, command, about ?? '');
      if (args.flags.json)
        io.out(
          JSON.stringify({
            ...files,
            leftOut,
            sections: sections.map((s) => ({
              preset: s.preset,
              scale: s.scale,
              seeds: s.seeds,
              planned: s.planned,
              complete: s.complete,
              commands: s.commands,
              claims: s.claims,
            })),
          }) + '\n',
        );
      else {
        for (const s of sections) {
          const counts = VERDICTS.map((v) => [v, s.claims.filter((c) => c.verdict === v).length] as const)
            .filter(([, n]) => n > 0)
            .map(([v, n]) => `${n} ${v}`)
            .join(', ');
          io.out(
            `${s.preset} (${s.scale}): ${s.complete} of ${s.planned} runs; claims: ${counts || 'none'}\n`,
          );
        }
        io.out(`book: ${files.markdown}\n      ${files.html}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

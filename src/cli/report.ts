// genlab report PRESET|RUN…: the paper's figures and tables from stored runs, genlab's numbers beside the paper's.
import path from 'node:path';
import { planPreset, presetNames, presetScale, type Preset, type ScaleName } from '../presets/preset.js';
import { leaves } from '../config/config.js';
import { doneIn, seedsFound } from '../report/preset-section.js';
import { storedSummary } from '../sweep/sweep.js';
import { RunStore } from '../store/store.js';
import type { FitSummary } from '../experiments/fit.js';
import { writeFig1a } from '../report/fig1a.js';
import { runCommandFor, writePresetReport } from '../report/preset-report.js';
import { markdownTable } from '../report/table.js';
import { InputError } from '../engine/index.js';
import type { Command, Io } from './command.js';
import type { Parsed } from './args.js';
import { OVERRIDE_FLAGS, SCALE_FLAG, SEEDS_FLAG, planFromFlags, theoryPresetOf } from './run.js';
import { reportTheoryPreset } from './run-theory.js';
import { readTheoryRun } from '../experiments/theory/stored.js';

/** A report of runs named one by one: loss curves and the fitting table (Figure 1a's layout). */
async function reportRuns(args: Parsed, io: Io, store: RunStore): Promise<number> {
  const summaries: FitSummary[] = [];
  for (const ref of args.positionals) {
    const id = store.resolve(ref);
    const theory = readTheoryRun(store.run(id));
    if (theory)
      throw new InputError(
        `genlab report: run ${id} is a ${theory.config.experiment} run; expected a fit (a theory preset's report shows its runs, e.g. genlab report table3)`,
      );
    const s = storedSummary(store, id);
    if (!s)
      throw new InputError(
        `genlab report: run ${id} is not complete; expected a finished run (continue it with: genlab fit --resume ${id})`,
      );
    summaries.push(s);
  }
  const dir = (args.flags['report-dir'] as string | undefined) ?? path.join(store.root, 'reports', 'runs');
  const { files, table } = await writeFig1a(dir, summaries, `${summaries.length} runs`);
  if (args.flags.json) io.out(JSON.stringify({ runs: summaries.map((s) => s.run), files }) + '\n');
  else io.out(`${markdownTable(table)}\nreport: ${files.html}\nfigure: ${files.png}\n`);
  return 0;
}

export const reportCommand: Command = {
  name: 'report',
  summary: "the paper's figures and tables from stored runs, with the paper's numbers side by side",
  usage: 'PRESET|RUN… [--scale smoke|cpu|mid|full|paper] [--out DIR] [--report-dir DIR] [--json]',
  description: `
Makes a preset's figures (PNG and SVG) and tables (Markdown and HTML, each cell as genlab | paper | Δ)
from the runs that \`genlab run PRESET\` stored, plus one self-contained HTML page that states the
scale and how it differs from the paper. Runs not complete yet are listed with the command that makes
them; the report shows the rest. Given run ids instead of a preset, it plots their loss curves.

Presets: ${presetNames().join(', ')}.

Examples:
  genlab run fig1b --scale smoke && genlab report fig1b --scale smoke
  genlab report fig1c --scale cpu                 # fig1c uses fig1b's runs
  genlab report table1 --scale cpu --report-dir results/table1
  genlab report mlp-1x512_fashion-mnist-2000_labels-random   # loss curves of chosen runs`,
  flags: [
    SCALE_FLAG,
    ...OVERRIDE_FLAGS,
    {
      ...SEEDS_FLAG,
      help: 'report N seeds of every run (mean and spread per cell). Default: the seeds the store holds — as many as every run of the plan has (genlab run PRESET --seeds N makes them), as genlab book and genlab serve read it',
    },
    { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
    {
      name: 'report-dir',
      type: 'string',
      placeholder: 'DIR',
      help: 'where the report goes (default: OUT/reports/PRESET-SCALE)',
    },
  ],
  async run(args, io) {
    const store = new RunStore(args.flags.out as string);
    try {
      const first = args.positionals[0];
      if (first !== undefined && !presetNames().includes(first) && args.positionals.length > 0) {
        try {
          store.resolve(first);
        } catch {
          planFromFlags(args, 'genlab report'); // not a run either: the preset error, with its did-you-mean
        }
        return await reportRuns(args, io, store);
      }
      const theory = theoryPresetOf(args);
      if (theory) return await reportTheoryPreset(theory, args, io, store);
      const { preset, scale, overrides } = planFromFlags(args, 'genlab report');
      // Without --seeds, the seeds the store holds for this plan (as the book and the dashboard read it).
      const seeds =
        (args.flags.seeds as number | undefined) ??
        seedsFound(preset, scale, doneIn(store, preset), (p, sc, k) =>
          planPreset(p as Preset, sc, overrides, k),
        ).seeds;
      const plan = planPreset(preset, scale, overrides, seeds);
      const runs = plan.map((run) => ({ run, summary: storedSummary(store, run.id) }));
      // Every --set (or flag) override is a departure from the preset, and so from the paper: said as one.
      const set = [...leaves(overrides)].map(([key, json]) => ({ key, value: JSON.parse(json) as unknown }));
      const shown = set.length
        ? withDifferences(
            preset,
            scale,
            set.map(
              ({ key, value }) =>
                `${key} = ${JSON.stringify(value)} in every run (set on the command line), not the preset's`,
            ),
          )
        : preset;
      const dir =
        (args.flags['report-dir'] as string | undefined) ??
        path.join(store.root, 'reports', `${preset.name}-${scale}`);
      const outArg = args.flags.out !== 'runs' ? ` --out ${String(args.flags.out)}` : '';
      const seedsArg = seeds !== presetScale(preset, scale).seeds ? ` --seeds ${seeds}` : '';
      const setArgs = set.map(
        ({ key, value }) => ` --set ${key}=${Array.isArray(value) ? value.join(',') : String(value)}`,
      );
      const command = `${runCommandFor(preset, scale, outArg)}${seedsArg}${setArgs.join('')}`;
      const files = await writePresetReport(dir, shown, scale, runs, command, store);
      if (args.flags.json) {
        io.out(
          JSON.stringify({
            preset: preset.name,
            scale,
            html: files.html,
            markdown: files.markdown,
            figures: files.figures,
            missing: files.missing,
            tables: files.tables,
            claims: files.claims,
          }) + '\n',
        );
      } else {
        for (const t of files.tables) io.out(`${markdownTable(t)}\n`);
        if (files.missing.length)
          io.err(
            `${files.missing.length} of ${plan.length} runs not complete (${files.missing.slice(0, 3).join(', ')}${files.missing.length > 3 ? ', …' : ''}); make them with: ${command}\n`,
          );
        io.out(
          `report: ${files.html}\n        ${files.markdown}\n${files.figures.map((f) => `figure: ${f.png}\n        ${f.svg}\n`).join('')}`,
        );
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

/** The preset with more differences from the paper at one scale (a copy: the loaded preset is left as it is). */
function withDifferences(p: Preset, scale: ScaleName, more: string[]): Preset {
  const sc = p.scales[scale];
  if (!sc) return p;
  return { ...p, scales: { ...p.scales, [scale]: { ...sc, differences: [...sc.differences, ...more] } } };
}

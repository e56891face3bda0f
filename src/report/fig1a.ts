// Figure 1a from stored runs: training loss vs. steps per randomization, and the fitting summary table.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { RunDir, type FitSummary } from '../store/run-dir.js';
import { lineChart, writeFigure, type Figure, type Series } from './plot.js';
import { markdownTable, type Cell, type Table } from './table.js';
import { fmtStat, stat } from './seeds.js';
import { fmtCount, seedCurves, toFitCell, withSeeds } from './spread.js';
import { htmlReport } from './html.js';

/** How the paper names each variant of Figure 1a. */
export function variantName(s: Pick<FitSummary, 'labels' | 'inputs'>): string {
  if (s.inputs !== 'true')
    return (
      { 'shuffled-pixels': 'shuffled pixels', 'random-pixels': 'random pixels', gaussian: 'Gaussian' }[
        s.inputs
      ] ?? s.inputs
    );
  if (s.labels === 'true') return 'true labels';
  if (s.labels === 'random') return 'random labels';
  return `corrupted labels (${s.labels.replace('corrupted:', 'p = ')})`;
}

/** Mean of each epoch-sized window, so curves read like the paper's average loss. */
function smooth(losses: Float32Array, window: number): Series['y'] {
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < losses.length; i++) {
    acc += losses[i];
    if (i >= window) acc -= losses[i - window];
    out.push(acc / Math.min(i + 1, window));
  }
  return out;
}

/** One row of Figure 1a: a variant's complete runs (one per seed, at least one) and how many seeds were planned. */
export interface Fig1aCell {
  done: FitSummary[];
  planned: number;
}

/** Runs named one by one (genlab report RUN…): each its own row. */
export const eachRun = (runs: FitSummary[]): Fig1aCell[] => runs.map((s) => ({ done: [s], planned: 1 }));

/** The loss curves' caption: thin per-seed lines are named where a variant has several. */
export function fig1aCaption(cells: Fig1aCell[]): string {
  const several = cells.some((c) => c.done.length > 1);
  return `Average training loss (mean over the last epoch of steps) vs. SGD steps.${several ? ' Thin lines: each seed; thick: their mean over the steps every seed ran.' : ''}`;
}

export async function fig1aFigure(cells: Fig1aCell[], title: string): Promise<Figure> {
  const series = cells.map((c) =>
    seedCurves(
      variantName(c.done[0]),
      c.done.map((r) => {
        const losses = new RunDir(r.dir).readSteps();
        const window = Math.max(1, Math.ceil(r.trainSize / 128));
        return { x: Array.from(losses, (_, i) => i + 1), y: smooth(losses, window) };
      }),
    ),
  );
  return lineChart({ title, xLabel: 'training steps', yLabel: 'average training loss', series });
}

const pct = (c: Fig1aCell, of: (s: FitSummary) => number) =>
  fmtStat(stat(c.done.map((s) => 100 * of(s))), 2, '%');

/** One seed's seconds as a number (the table prints it as it always has); several as a mean and spread. */
function seconds(c: Fig1aCell): Cell {
  const s = stat(c.done.map((r) => r.wallSeconds));
  if (s === null) return null;
  return s.n === 1 ? Number(s.mean.toFixed(1)) : fmtStat(s, 1);
}

/** The fitting table, one row per variant; `note`: seedsNote of the cells, where they have seeds. */
export function fig1aTable(cells: Fig1aCell[], note: string | null = null): Table {
  const ref = cells.find((c) => c.done[0].labels === 'true' && c.done[0].inputs === 'true');
  const refSteps = ref ? (stat(ref.done.map((s) => s.stepsToFit ?? NaN))?.mean ?? null) : null;
  const rel = (c: Fig1aCell) =>
    refSteps ? stat(c.done.map((s) => (s.stepsToFit ? s.stepsToFit / refSteps : NaN))) : null;
  const first = cells[0]?.done[0];
  const table: Table = {
    title: 'Fitting the training set (Figure 1a)',
    columns: [
      'variant',
      'train accuracy',
      'test accuracy',
      'steps to fit',
      'relative to true labels',
      'epochs',
      'seconds',
    ],
    rows: cells.map((c) => [
      variantName(c.done[0]),
      pct(c, (s) => s.trainAcc),
      pct(c, (s) => s.testAcc),
      toFitCell(c.done, (s) => s.stepsToFit, false),
      fmtStat(rel(c), 2, '×'),
      fmtCount(stat(c.done.map((s) => s.epochs))),
      seconds(c),
    ]),
    notes: [
      `${first?.model ?? ''} on ${first?.trainSize ?? ''} ${first?.dataset ?? ''} training examples; accuracy on the whole training set in eval mode, test accuracy on a clean test set.`,
      'Paper (CIFAR-10, Inception): every variant reaches 100% training accuracy; random labels take a small constant factor longer than true labels; random pixels and Gaussian start converging faster than random labels.',
    ],
  };
  return withSeeds(
    table,
    cells.map((c) => ({ done: c.done.length, planned: c.planned })),
    note,
  );
}

export interface Fig1aFiles {
  png: string;
  svg: string;
  markdown: string;
  html: string;
}

/** Writes fig1a.png/.svg, fig1a.md and fig1a.html into dir. */
export async function writeFig1a(
  dir: string,
  runs: FitSummary[],
  title: string,
): Promise<{ files: Fig1aFiles; table: Table }> {
  const cells = eachRun(runs);
  const fig = await fig1aFigure(cells, title);
  const paths = await writeFigure(dir, 'fig1a', fig);
  const table = fig1aTable(cells);
  const markdown = path.join(dir, 'fig1a.md');
  writeFileSync(markdown, `# ${title}\n\n![Figure 1a](fig1a.png)\n\n${markdownTable(table)}\n`);
  const html = path.join(dir, 'fig1a.html');
  writeFileSync(
    html,
    htmlReport({
      title,
      intro:
        'Standard networks fit random labels, shuffled pixels, random pixels and Gaussian noise perfectly (Zhang et al. 2017, Figure 1a), reproduced on your machine by genlab.',
      sections: [
        {
          heading: 'Training loss',
          figures: [
            {
              svg: fig.svg,
              caption: fig1aCaption(cells),
            },
          ],
          tables: [table],
        },
      ],
    }),
  );
  return { files: { png: paths.png, svg: paths.svg, markdown, html }, table };
}

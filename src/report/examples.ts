// The per-example report of one run: cumulative fraction learned per epoch (clean vs corrupted labels),
// a table of both groups beside Arpit et al.'s claim, and image grids of the hardest examples.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Tensor } from '../engine/index.js';
import type { ExampleDynamics } from '../experiments/examples.js';
import { gridPng } from './image-grid.js';
import { lineChart, writeFigure } from './plot.js';
import { fmtNum, fmtPct, markdownTable, type Table } from './table.js';

export interface ExamplesFiles {
  figure: { svg: string; png: string };
  markdown: string;
  mostForgotten: string | null;
  lastLearned: string | null;
}

/** Clean and corrupted examples side by side; the claim row says whether clean ones are learned first. */
export function examplesTable(d: ExampleDynamics): Table {
  const row = (name: string, g: ExampleDynamics['clean'] | null) => [
    name,
    g ? g.count : null,
    g ? fmtPct(g.learnedFraction, 1) : null,
    g?.medianLearnedEpoch ?? null,
    g ? fmtNum(g.meanForgetEvents, 2) : null,
    g ? fmtPct(g.neverForgotten, 1) : null,
  ];
  const claim = d.cleanLearnedBeforeMedianCorrupted;
  return {
    title: `Per-example learning dynamics of ${d.run}`,
    columns: [
      'labels',
      'examples',
      'ever learned',
      'median epoch learned',
      'forget events / example',
      'never forgotten',
    ],
    rows: [row('clean', d.clean), row('corrupted', d.noisy)],
    notes: [
      claim === null
        ? "No corrupted label: Arpit et al.'s comparison needs a run with label noise."
        : `Arpit et al. 2017 ("real patterns are learned first, noisy labels last"): ${fmtPct(claim, 1)} of clean examples are learned before the median corrupted one — ${claim > 0.5 ? 'holds here' : 'does not hold here'}.`,
      'Learned: first evaluation (epoch end, eval mode, whole training set) at which the example is classified correctly. A forget event: correct at one epoch end, wrong at the next (Toneva et al. 2019).',
    ],
  };
}

export interface HardestGrids {
  mostForgotten: Buffer | null; // PNG, rows of 10
  lastLearned: Buffer | null;
}

/** PNG grids of the hardest examples, from the run's training images (as trained). */
export function hardestGrids(
  images: Tensor,
  hard: { mostForgotten: number[]; lastLearned: number[] },
): HardestGrids {
  const grid = (idx: number[]): Buffer | null => {
    if (idx.length === 0) return null;
    const rows: number[][] = [];
    for (let i = 0; i < idx.length; i += 10) rows.push(idx.slice(i, i + 10));
    return gridPng(images, rows);
  };
  return { mostForgotten: grid(hard.mostForgotten), lastLearned: grid(hard.lastLearned) };
}

/** Writes examples.{svg,png,md} and the hardest examples' grids under dir. */
export async function writeExamplesReport(
  dir: string,
  d: ExampleDynamics,
  grids: HardestGrids,
): Promise<ExamplesFiles> {
  mkdirSync(dir, { recursive: true });
  const series = [{ name: 'clean labels', x: d.epochs, y: d.curve.clean }];
  if (d.curve.corrupted) series.push({ name: 'corrupted labels', x: d.epochs, y: d.curve.corrupted });
  const fig = await lineChart({
    title: 'Training examples learned by each epoch',
    xLabel: 'epoch',
    yLabel: 'fraction learned (cumulative)',
    series,
    yDomain: [0, 1],
  });
  const figure = await writeFigure(dir, 'examples', fig);
  const write = (name: string, png: Buffer | null): string | null => {
    if (!png) return null;
    const file = path.join(dir, `${name}.png`);
    writeFileSync(file, png);
    return file;
  };
  const files = {
    figure,
    markdown: path.join(dir, 'examples.md'),
    mostForgotten: write('most-forgotten', grids.mostForgotten),
    lastLearned: write('last-learned', grids.lastLearned),
  };
  const md = [
    `# Per-example learning dynamics: ${d.run}`,
    '',
    markdownTable(examplesTable(d)),
    `![Cumulative fraction learned](${path.basename(figure.png)})`,
    '',
    files.mostForgotten ? `Most forgotten (most first): ![](${path.basename(files.mostForgotten)})\n` : '',
    files.lastLearned
      ? `Learned last or never (latest first): ![](${path.basename(files.lastLearned)})\n`
      : '',
  ].join('\n');
  writeFileSync(files.markdown, md);
  return files;
}

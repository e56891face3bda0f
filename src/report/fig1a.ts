// Figure 1a from stored runs: training loss vs. steps per randomization, and the fitting summary table.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { RunDir, type FitSummary } from '../store/run-dir.js';
import { lineChart, writeFigure, type Figure, type Series } from './plot.js';
import { fmtPct, markdownTable, type Table } from './table.js';
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

export async function fig1aFigure(runs: FitSummary[], title: string): Promise<Figure> {
  const series = runs.map((r) => {
    const losses = new RunDir(r.dir).readSteps();
    const window = Math.max(1, Math.ceil(r.trainSize / 128));
    return { name: variantName(r), x: Array.from(losses, (_, i) => i + 1), y: smooth(losses, window) };
  });
  return lineChart({ title, xLabel: 'training steps', yLabel: 'average training loss', series });
}

export function fig1aTable(runs: FitSummary[]): Table {
  const ref = runs.find((r) => r.labels === 'true' && r.inputs === 'true');
  const rel = (r: FitSummary) =>
    ref?.stepsToFit && r.stepsToFit ? `${(r.stepsToFit / ref.stepsToFit).toFixed(2)}×` : '—';
  return {
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
    rows: runs.map((r) => [
      variantName(r),
      fmtPct(r.trainAcc),
      fmtPct(r.testAcc),
      r.stepsToFit ?? 'not fitted',
      rel(r),
      r.epochs,
      Number(r.wallSeconds.toFixed(1)),
    ]),
    notes: [
      `${runs[0]?.model ?? ''} on ${runs[0]?.trainSize ?? ''} ${runs[0]?.dataset ?? ''} training examples; accuracy on the whole training set in eval mode, test accuracy on a clean test set.`,
      'Paper (CIFAR-10, Inception): every variant reaches 100% training accuracy; random labels take a small constant factor longer than true labels; random pixels and Gaussian start converging faster than random labels.',
    ],
  };
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
  const fig = await fig1aFigure(runs, title);
  const paths = await writeFigure(dir, 'fig1a', fig);
  const table = fig1aTable(runs);
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
              caption: 'Average training loss (mean over the last epoch of steps) vs. SGD steps.',
            },
          ],
          tables: [table],
        },
      ],
    }),
  );
  return { files: { png: paths.png, svg: paths.svg, markdown, html }, table };
}

// The memorization report: a histogram of the scores (clean vs corrupted labels), a table beside
// Feldman & Zhang's claim with the ROC AUC of the score against corrupted labels, the most memorized images —
// as genlab memorization's files, and as the memorization preset's report (figures, tables, claim).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Tensor } from '../engine/index.js';
import {
  aucStdErr,
  memorizationScores,
  mostMemorized,
  type MemorizationScores,
} from '../experiments/memorization.js';
import { withRunTrainingSet } from '../experiments/examples.js';
import type { RunStore } from '../store/store.js';
import type { Claim } from './claims.js';
import type { Built } from './figures.js';
import { gridPng } from './image-grid.js';
import { decodePngSize } from './png.js';
import type { ReportRun } from './seeds.js';
import { above } from './verdict.js';
import { barChart, writeFigure, type Bar, type Figure } from './plot.js';
import { fmtNum, fmtPct, markdownTable, type Table } from './table.js';

export const FELDMAN_ZHANG_CLAIM =
  'Feldman & Zhang 2020 ("What neural networks memorize and why"): networks fit even outliers and mislabeled examples, which requires memorizing their labels; the examples with the highest (subsampled, 70%) memorization scores are atypical, ambiguous or mislabeled.';

export interface MemorizationFiles {
  histogram: { svg: string; png: string };
  markdown: string;
  mostMemorized: string | null;
}

const BIN = 0.1;

/** Counts of scores in bins of width 0.1 from the lowest score's bin up to [0.9, 1], per label group. */
export function scoreHistogram(m: MemorizationScores): Bar[] {
  const scored = [...Array(m.examples).keys()].filter((i) => m.score[i] !== null);
  if (scored.length === 0) return [];
  const bin = (s: number) => Math.min(Math.floor(s / BIN + 1e-9), 1 / BIN - 1); // 1 falls in the last bin
  const lo = Math.min(...scored.map((i) => bin(m.score[i]!)));
  const groups = m.corrupted.some(Boolean) ? ['clean labels', 'corrupted labels'] : ['clean labels'];
  const bars: Bar[] = [];
  for (let b = lo; b < 1 / BIN; b++) {
    const name = (b * BIN).toFixed(1);
    for (const g of groups) {
      const corrupt = g === 'corrupted labels';
      const value = scored.filter((i) => bin(m.score[i]!) === b && m.corrupted[i] === corrupt).length;
      bars.push({ group: name, series: g, value });
    }
  }
  return bars;
}

/** The histogram of the scores, clean and corrupted labels side by side. */
export async function scoreFigure(m: MemorizationScores): Promise<Figure> {
  const bars = scoreHistogram(m);
  return barChart({
    title: 'Memorization scores (Feldman & Zhang 2020)',
    xLabel: 'score bin (lower edge; width 0.1)',
    yLabel: 'examples',
    bars: bars.length ? bars : [{ group: 'none scored', series: 'clean labels', value: 0 }],
  });
}

/** Clean and corrupted examples side by side, and the AUC beside the claim. */
export function memorizationTable(m: MemorizationScores): Table {
  const idx = [...Array(m.examples).keys()];
  const row = (name: string, corrupt: boolean, mean: number | null) => {
    const g = idx.filter((i) => m.corrupted[i] === corrupt);
    const scored = g.filter((i) => m.score[i] !== null);
    const high = scored.filter((i) => m.score[i]! >= 0.5).length;
    return [
      name,
      g.length,
      scored.length,
      fmtNum(mean, 3),
      scored.length ? fmtPct(high / scored.length, 1) : null,
    ];
  };
  const auc = m.auc;
  const se = m.stdErr.filter((x): x is number => x !== null);
  return {
    title: `Memorization scores of ${m.examples} examples from ${m.models} models, each trained on ${fmtPct(m.fraction, 0)}`,
    columns: ['labels', 'examples', 'scored', 'mean score', 'score ≥ 0.5'],
    rows: [row('clean', false, m.meanScore.clean), row('corrupted', true, m.meanScore.corrupted)],
    notes: [
      auc === null
        ? 'No corrupted label: the ROC AUC of the score against corrupted labels needs label noise (--labels corrupted:P).'
        : `ROC AUC of the score as a detector of corrupted labels: ${fmtNum(auc, 3)} (0.5: no better than chance) — the claim ${auc > 0.5 ? 'holds here' : 'does not hold here'}. Of the ${m.corrupted.filter((c, i) => c && m.score[i] !== null).length} highest scores (as many as corrupted labels), ${fmtPct(m.topCorrupted, 1)} are corrupted labels.`,
      FELDMAN_ZHANG_CLAIM,
      `mem(i) = P[correct on i | i trained on] − P[correct on i | i held out], at each model's last epoch; scored: held out by at least one model and trained on by another. Median standard error ${fmtNum(median(se), 3)}.`,
      ...(m.diverged ? [`${m.diverged} diverged models left out.`] : []),
    ],
  };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** A PNG grid (rows of 10) of the given training images, or null for none. */
export function memorizedGrid(images: Tensor, idx: number[]): Buffer | null {
  if (idx.length === 0) return null;
  const rows: number[][] = [];
  for (let i = 0; i < idx.length; i += 10) rows.push(idx.slice(i, i + 10));
  return gridPng(images, rows);
}

/** Writes memorization.{svg,png,md} and most-memorized.png under dir. */
export async function writeMemorizationReport(
  dir: string,
  m: MemorizationScores,
  top: number[],
  grid: Buffer | null,
  command: string,
): Promise<MemorizationFiles> {
  mkdirSync(dir, { recursive: true });
  const histogram = await writeFigure(dir, 'memorization', await scoreFigure(m));
  const mostMemorized = grid ? path.join(dir, 'most-memorized.png') : null;
  if (mostMemorized && grid) writeFileSync(mostMemorized, grid);
  const markdown = path.join(dir, 'memorization.md');
  const describe = (i: number) =>
    `${i} (${m.score[i]!.toFixed(2)} ± ${m.stdErr[i]!.toFixed(2)}${m.corrupted[i] ? ', corrupted' : ''})`;
  const md = [
    '# Memorization scores',
    '',
    `Command: \`${command}\``,
    '',
    markdownTable(memorizationTable(m)),
    `![Histogram of memorization scores](${path.basename(histogram.png)})`,
    '',
    mostMemorized
      ? `Most memorized (highest first, rows of 10): ![](${path.basename(mostMemorized)})\n\n${top.map(describe).join(', ')}\n`
      : '',
  ].join('\n');
  writeFileSync(markdown, md);
  return { histogram, markdown, mostMemorized };
}

/** Images in the preset report's grid of the most memorized examples (genlab memorization --top's default). */
export const TOP = 30;

/** A PNG as a figure: the PNG itself, and an SVG that shows it (for the HTML page, which inlines SVGs). */
function pngFigure(png: Buffer): Figure {
  const { width, height } = decodePngSize(png);
  const href = `data:image/png;base64,${png.toString('base64')}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><image width="${width}" height="${height}" href="${href}"/></svg>`;
  return { svg, png };
}

const CLAIM =
  'Feldman & Zhang 2020: mislabeled examples are memorized — corrupted labels score higher than clean ones (the ROC AUC of the score against corrupted labels above 0.5 beyond its 95% interval)';

/** The claim on the scores of the complete models; not measured while models are missing or no label is corrupted. */
export function memorizationClaim(m: MemorizationScores | null, runs: ReportRun[]): Claim {
  const ids = runs.map((r) => r.run.id);
  const done = runs.filter((r) => r.summary !== null).length;
  const notMeasured = (measured: string): Claim => ({
    claim: CLAIM,
    verdict: 'not measured',
    measured,
    runs: ids,
  });
  if (done < runs.length || m === null) return notMeasured(`${done} of ${runs.length} models complete`);
  const scored = [...Array(m.examples).keys()].filter((i) => m.score[i] !== null);
  const nPos = scored.filter((i) => m.corrupted[i]).length;
  if (m.auc === null)
    return notMeasured(`no ${nPos ? 'clean' : 'corrupted'} label among ${scored.length} scored examples`);
  const h = 1.96 * aucStdErr(m.auc, nPos, scored.length - nPos);
  const x = { value: m.auc, lo: Math.max(m.auc - h, 0), hi: Math.min(m.auc + h, 1), n: 1 };
  return {
    claim: CLAIM,
    verdict: above(x, 0.5),
    measured: `ROC AUC ${x.value.toFixed(3)} [${x.lo.toFixed(3)}, ${x.hi.toFixed(3)}] over ${nPos} corrupted and ${scored.length - nPos} clean scored examples, ${m.models} models`,
    runs: ids,
  };
}

/**
 * The memorization preset's report from its complete models: the histogram of the scores, the most memorized
 * images, the table beside Feldman & Zhang's claim, and the claim's verdict. Reads each model's per-example
 * record and the training set from the store.
 */
export async function memorizationReport(runs: ReportRun[], store: RunStore): Promise<Built> {
  const plan = runs.filter((r) => r.summary !== null).map((r) => r.run);
  if (plan.length === 0) return { figures: [], tables: [], claims: [memorizationClaim(null, runs)] };
  const m = memorizationScores(store, plan);
  const top = mostMemorized(m, TOP);
  const grid = withRunTrainingSet(store.run(plan[0].id), (train) => memorizedGrid(train.images, top));
  const describe = (i: number) =>
    `${i} (${m.score[i]!.toFixed(2)} ± ${m.stdErr[i]!.toFixed(2)}${m.corrupted[i] ? ', corrupted' : ''})`;
  const figures = [
    {
      name: 'memorization',
      caption: `Memorization scores of ${m.examples} examples from ${m.models} models: clean and corrupted labels.`,
      figure: await scoreFigure(m),
    },
  ];
  if (grid)
    figures.push({
      name: 'most-memorized',
      caption: `The ${top.length} most memorized examples, highest first, rows of 10: ${top.map(describe).join(', ')}.`,
      figure: pngFigure(grid),
    });
  return { figures, tables: [memorizationTable(m)], claims: [memorizationClaim(m, runs)] };
}

// The memorization report: a histogram of the scores (clean vs corrupted labels), a table beside
// Feldman & Zhang's claim with the ROC AUC of the score against corrupted labels and of a baseline (held-out
// self-confidence), the most memorized images — as genlab memorization's files, and as the memorization
// presets' report (figures, tables, claims).
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
import { above, difference, type Interval, type Verdict } from './verdict.js';
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

/** Examples with a score (held out by one model at least and trained on by another). */
const scoredOf = (m: MemorizationScores) => [...Array(m.examples).keys()].filter((i) => m.score[i] !== null);

function meanOf(idx: number[], f: (i: number) => number): number | null {
  return idx.length ? idx.reduce((a, i) => a + f(i), 0) / idx.length : null;
}

/** The 95% interval of a ROC AUC over the scored examples (Hanley & McNeil), clipped to [0, 1]. */
export function aucInterval(m: MemorizationScores, auc: number): Interval {
  const scored = scoredOf(m);
  const nPos = scored.filter((i) => m.corrupted[i]).length;
  const h = 1.96 * aucStdErr(auc, nPos, scored.length - nPos);
  return { value: auc, lo: Math.max(auc - h, 0), hi: Math.min(auc + h, 1), n: 1 };
}

const fmtInterval = (x: Interval) => `${x.value.toFixed(3)} [${x.lo.toFixed(3)}, ${x.hi.toFixed(3)}]`;

/** Clean and corrupted examples side by side: the score's two terms, the score, and the baseline. */
export function memorizationTable(m: MemorizationScores): Table {
  const idx = [...Array(m.examples).keys()];
  const conf = m.selfConfidence;
  const row = (name: string, corrupt: boolean, mean: number | null) => {
    const g = idx.filter((i) => m.corrupted[i] === corrupt);
    const scored = g.filter((i) => m.score[i] !== null);
    const high = scored.filter((i) => m.score[i]! >= 0.5).length;
    const avg = (f: (i: number) => number) => fmtNum(meanOf(scored, f), 3);
    return [
      name,
      g.length,
      scored.length,
      avg((i) => m.inCorrect[i] / m.inCount[i]),
      avg((i) => m.outCorrect[i] / m.outCount[i]),
      fmtNum(mean, 3),
      scored.length ? fmtPct(high / scored.length, 1) : null,
      conf ? avg((i) => conf[i]!) : 'not measured',
    ];
  };
  const se = m.stdErr.filter((x): x is number => x !== null);
  return {
    title: `Memorization scores of ${m.examples} examples from ${m.models} models, each trained on ${fmtPct(m.fraction, 0)}`,
    columns: [
      'labels',
      'examples',
      'scored',
      'P[correct | trained on]',
      'P[correct | held out]',
      'mean score',
      'score ≥ 0.5',
      'held-out p(label)',
    ],
    rows: [row('clean', false, m.meanScore.clean), row('corrupted', true, m.meanScore.corrupted)],
    notes: [
      aucNote(m),
      FELDMAN_ZHANG_CLAIM,
      `mem(i) = P[correct on i | i trained on] − P[correct on i | i held out], at each model's last epoch; scored: held out by at least one model and trained on by another; the columns are means over the scored examples. Median standard error ${fmtNum(median(se), 3)}.`,
      `held-out p(label): the baseline, held-out self-confidence — the mean probability that the models which held an example out give its training label (cleanlab's label-quality score); 1 − it scores label errors.${conf ? '' : ` Not measured: ${m.withoutProbabilities} of ${m.models} models recorded no probabilities (fitted before genlab recorded them).`}`,
      ...(m.diverged ? [`${m.diverged} diverged models left out.`] : []),
    ],
  };
}

const CLAIM_HERE: Record<Verdict, string> = {
  holds: 'holds here',
  fails: 'does not hold here',
  inconclusive: 'is inconclusive here (the interval reaches 0.5)',
  'not measured': 'is not measured here',
};

/** The two AUCs beside the claim, with their intervals. */
function aucNote(m: MemorizationScores): string {
  if (m.auc === null)
    return 'No corrupted label: the ROC AUC of the score against corrupted labels needs label noise (--labels corrupted:P).';
  const nTop = m.corrupted.filter((c, i) => c && m.score[i] !== null).length;
  const base = m.baseline?.auc ?? null;
  return [
    `ROC AUC of the score as a detector of corrupted labels: ${fmtInterval(aucInterval(m, m.auc))} (0.5: no better than chance) — the claim ${CLAIM_HERE[above(aucInterval(m, m.auc), 0.5)]};`,
    `of the baseline, held-out self-confidence: ${base === null ? 'not measured' : fmtInterval(aucInterval(m, base))}.`,
    `Of the ${nTop} highest scores (as many as corrupted labels), ${fmtPct(m.topCorrupted, 1)} are corrupted labels${m.baseline ? ` (baseline: ${fmtPct(m.baseline.topCorrupted, 1)})` : ''}.`,
  ].join(' ');
}

/** The detectors of corrupted labels side by side: the score, its held-out term alone, and the baseline. */
export function detectorTable(m: MemorizationScores): Table {
  const scored = scoredOf(m);
  const nPos = scored.filter((i) => m.corrupted[i]).length;
  const row = (name: string, d: { auc: number | null; topCorrupted: number | null } | null) => {
    const x = d?.auc == null ? null : aucInterval(m, d.auc);
    return [
      name,
      x ? x.value.toFixed(3) : d ? null : 'not measured',
      x ? `[${x.lo.toFixed(3)}, ${x.hi.toFixed(3)}]` : null,
      fmtPct(d?.topCorrupted, 1),
    ];
  };
  const pIn = meanOf(scored, (i) => m.inCorrect[i] / m.inCount[i]);
  return {
    title: `Detectors of corrupted labels over the ${scored.length} scored examples (${nPos} corrupted)`,
    columns: ['score', 'ROC AUC', '95% interval', `corrupted among the top ${nPos}`],
    rows: [
      row('memorization: P[correct | trained on] − P[correct | held out]', {
        auc: m.auc,
        topCorrupted: m.topCorrupted,
      }),
      row('held-out error alone: 1 − P[correct | held out]', m.heldOutError),
      row('baseline: 1 − held-out p(label)', m.baseline),
    ],
    notes: [
      `Mean P[correct | trained on] over the scored examples: ${fmtNum(pIn, 3)}${pIn === 1 ? ' — every model fits its subset, so the score is the held-out error alone (the first two rows agree)' : ''}.`,
      'Intervals: Hanley & McNeil 1982, each AUC on its own; all three rank the same examples.',
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
    markdownTable(detectorTable(m)),
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

const BASELINE_CLAIM =
  "The memorization score finds corrupted labels better than a baseline from the same models, held-out self-confidence (1 − the mean probability the models that held an example out give its label, as cleanlab scores label errors): the score's ROC AUC above the baseline's beyond the 95% interval of their difference";

/** Why a memorization claim is not measured, or null when it can be: models missing, no scores, one class. */
function unmeasured(m: MemorizationScores | null, runs: ReportRun[]): string | null {
  const done = runs.filter((r) => r.summary !== null).length;
  if (done < runs.length || m === null) return `${done} of ${runs.length} models complete`;
  if (m.auc !== null) return null;
  const scored = scoredOf(m);
  const nPos = scored.filter((i) => m.corrupted[i]).length;
  return `no ${nPos ? 'clean' : 'corrupted'} label among ${scored.length} scored examples`;
}

/** The counts behind an AUC: "N corrupted and M clean scored examples, K models". */
function over(m: MemorizationScores): string {
  const scored = scoredOf(m);
  const nPos = scored.filter((i) => m.corrupted[i]).length;
  return `${nPos} corrupted and ${scored.length - nPos} clean scored examples, ${m.models} models`;
}

/** The claim on the scores of the complete models; not measured while models are missing or no label is corrupted. */
export function memorizationClaim(m: MemorizationScores | null, runs: ReportRun[]): Claim {
  const ids = runs.map((r) => r.run.id);
  const why = unmeasured(m, runs);
  if (why !== null || m === null || m.auc === null)
    return { claim: CLAIM, verdict: 'not measured', measured: why ?? '', runs: ids };
  const x = aucInterval(m, m.auc);
  return {
    claim: CLAIM,
    verdict: above(x, 0.5),
    measured: `ROC AUC ${fmtInterval(x)} over ${over(m)}`,
    runs: ids,
  };
}

/**
 * The score against the baseline: holds when the difference of the AUCs is above 0 beyond its interval, fails
 * when the baseline's is as high or higher beyond it, inconclusive between. The interval adds the two AUCs'
 * in quadrature as if independent; both rank the same examples, so a paired test's would be narrower.
 */
export function baselineClaim(m: MemorizationScores | null, runs: ReportRun[]): Claim {
  const ids = runs.map((r) => r.run.id);
  const notMeasured = (measured: string): Claim => ({
    claim: BASELINE_CLAIM,
    verdict: 'not measured',
    measured,
    runs: ids,
  });
  const why = unmeasured(m, runs);
  if (why !== null || m === null || m.auc === null) return notMeasured(why ?? '');
  if (m.baseline === null)
    return notMeasured(
      `${m.withoutProbabilities} of ${m.models} models recorded no probabilities of the labels (fitted before genlab recorded them)`,
    );
  const score = aucInterval(m, m.auc);
  const base = aucInterval(m, m.baseline.auc!);
  const d = difference(score, base);
  const pIn = meanOf(scoredOf(m), (i) => m.inCorrect[i] / m.inCount[i]);
  return {
    claim: BASELINE_CLAIM,
    verdict: above(d, 0),
    measured: `ROC AUC ${fmtInterval(score)} against the baseline's ${fmtInterval(base)}: difference ${d.value.toFixed(3)} [${d.lo.toFixed(3)}, ${d.hi.toFixed(3)}], over ${over(m)}; mean P[correct | trained on] ${fmtNum(pIn, 3)}`,
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
  if (plan.length === 0)
    return { figures: [], tables: [], claims: [memorizationClaim(null, runs), baselineClaim(null, runs)] };
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
  return {
    figures,
    tables: [memorizationTable(m), detectorTable(m)],
    claims: [memorizationClaim(m, runs), baselineClaim(m, runs)],
  };
}

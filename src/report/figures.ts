// The paper's figures and tables from a preset's runs: Figure 1b/1c/2b, Table 1, the appendix table, early stopping.
import { RunDir } from '../store/run-dir.js';
import type { PlannedRun } from '../presets/preset.js';
import type { EpochRecord } from '../train/index.js';
import type { Claim } from './claims.js';
import { labelCorruption } from '../randomize/index.js';
import { lineChart, type Figure, type Series } from './plot.js';
import { comparisonColumns, type Cell, type Table } from './table.js';
import { cellsOf, cellStat, fmtStat, stat, type ReportCell, type ReportRun } from './seeds.js';
import {
  fittedCell,
  fmtCount,
  meanSeries,
  pctStat,
  seedCurves,
  statComparison,
  summaries,
  toFitCell,
  withCellSeeds,
} from './spread.js';
import { chanceError, MODEL_LABEL, RANDOM_LABELS_REGULARIZED, table1Row, type PaperModel } from './paper.js';

export type { ReportRun } from './seeds.js';

export interface Built {
  figures: { name: string; caption: string; figure: Figure }[];
  tables: Table[];
  claims?: Claim[]; // the paper's claims with their verdicts (their table is among `tables`)
}

/** The paper's model that a run's model is (or stands in for at this scale), if any. */
export function paperModel(name: string, standsFor: Record<string, string> = {}): PaperModel | null {
  const m = standsFor[name] ?? name;
  return m in MODEL_LABEL ? (m as PaperModel) : null;
}

export function modelLabel(name: string, standsFor: Record<string, string> = {}): string {
  const p = paperModel(name, standsFor);
  if (!p) return name;
  return p === name ? MODEL_LABEL[p] : `${name} (for ${MODEL_LABEL[p]})`;
}

const p = (c: ReportCell) => labelCorruption(c.run.config.randomization.labels);
const byP = (a: ReportCell, b: ReportCell) => p(a) - p(b);

/** Cells per model (in the plan's order of models), each model's in increasing label corruption. */
function byModel(runs: ReportRun[]): [string, ReportCell[]][] {
  const out = new Map<string, ReportCell[]>();
  for (const c of cellsOf(runs)) {
    const m = c.run.config.model.name;
    out.set(m, [...(out.get(m) ?? []), c]);
  }
  return [...out].map(([m, cells]) => [m, cells.sort(byP)]);
}

// Figure 1b: steps to fit relative to p = 0, per model.
export async function fig1b(runs: ReportRun[], sf: Record<string, string>): Promise<Built> {
  const series: Series[] = [];
  const rows: Cell[][] = [];
  const cells: ReportCell[] = [];
  for (const [m, mine] of byModel(runs)) {
    const zero = mine.find((c) => p(c) === 0);
    const ref = zero ? (cellStat(zero, (r) => r.summary.stepsToFit)?.mean ?? null) : null;
    // Each fitted seed's steps over the mean steps at p = 0.
    const rel = (c: ReportCell) => {
      if (!ref) return null;
      return cellStat(c, (r) => (r.summary.stepsToFit ? r.summary.stepsToFit / ref : null));
    };
    const pts = mine.flatMap((c) => {
      const s = rel(c);
      return s ? [{ x: p(c), s }] : [];
    });
    if (pts.length) series.push(meanSeries(modelLabel(m, sf), pts));
    for (const c of mine) {
      rows.push([
        modelLabel(m, sf),
        p(c),
        toFitCell(summaries(c), (s) => s.stepsToFit),
        fmtStat(rel(c), 2, '×'),
        fmtStat(
          pctStat(c, (s) => s.trainAcc),
          2,
          '%',
        ),
      ]);
      cells.push(c);
    }
  }
  const table: Table = {
    title: 'Steps to fit the training set (Figure 1b)',
    columns: ['model', 'label corruption p', 'steps to fit', 'relative to p = 0', 'train accuracy'],
    rows,
    notes: [
      'Paper (CIFAR-10): the time to fit grows with p, and fitting random labels (p = 1) takes only a small constant factor longer than true labels; the paper gives the curves, not numbers.',
    ],
  };
  const figures = series.length
    ? [
        {
          name: 'fig1b',
          caption: `Steps to reach 100% training accuracy, relative to p = 0, vs. label corruption p.${bandCaption(series)}`,
          figure: await lineChart({
            title: 'Convergence slowdown (Figure 1b)',
            xLabel: 'label corruption p',
            yLabel: 'steps to fit / steps at p = 0',
            series,
            points: true,
          }),
        },
      ]
    : [];
  return { figures, tables: [withCellSeeds(table, cells)] };
}

/** What a figure's bands are, when it has any. */
const bandCaption = (series: Series[]) =>
  series.some((s) => s.band) ? ' Lines: the mean over seeds; shaded: their min–max.' : '';

// Figure 1c: test error at convergence vs. p; p = 0 and p = 1 against Table 1.
export async function fig1c(runs: ReportRun[], sf: Record<string, string>): Promise<Built> {
  const series: Series[] = [];
  const rows: Cell[][] = [];
  const cells: ReportCell[] = [];
  const testErr = (c: ReportCell) => cellStat(c, (r) => 100 * (1 - r.summary.testAcc));
  for (const [m, mine] of byModel(runs)) {
    const pts = mine.flatMap((c) => {
      const s = testErr(c);
      return s ? [{ x: p(c), s }] : [];
    });
    if (pts.length) series.push(meanSeries(modelLabel(m, sf), pts));
    const pm = paperModel(m, sf);
    for (const c of mine) {
      const paperRow =
        pm && (p(c) === 0 || p(c) === 1)
          ? table1Row(pm, p(c) === 0 ? 'true' : 'random', false, false)
          : undefined;
      rows.push([
        modelLabel(m, sf),
        p(c),
        ...statComparison(testErr(c), paperRow ? 100 - paperRow.test : null, { unit: '%' }),
        fittedCell(summaries(c), 'no'),
      ]);
      cells.push(c);
    }
  }
  const caption = `Test error (clean test set) after fitting, vs. label corruption p; the flat line at 90% is chance.${bandCaption(series)}`;
  if (series.length)
    series.push({ name: `chance (${chanceError()}%)`, x: [0, 1], y: [chanceError(), chanceError()] });
  const table: Table = {
    title: 'Test error at convergence (Figure 1c)',
    columns: ['model', 'label corruption p', ...comparisonColumns('test error'), 'fitted'],
    rows,
    notes: [
      'Paper values where the paper gives numbers: p = 0 is Table 1 without crop or weight decay, p = 1 its random-labels row; the curve in between rises steadily to chance (90% error for 10 classes).',
    ],
  };
  const figures = series.length
    ? [
        {
          name: 'fig1c',
          caption,
          figure: await lineChart({
            title: 'Test error vs. label corruption (Figure 1c)',
            xLabel: 'label corruption p',
            yLabel: 'test error (%)',
            series,
            points: true,
            yDomain: [0, 100],
          }),
        },
      ]
    : [];
  return { figures, tables: [withCellSeeds(table, cells)] };
}

function settingOf(r: { run: PlannedRun }): {
  labels: 'true' | 'random';
  crop: boolean;
  wd: boolean;
  text: string;
} {
  const c = r.run.config;
  const labels = c.randomization.labels === 'random' ? 'random' : 'true';
  const crop = c.train.augment.includes('crop');
  const wd = c.train.weightDecay > 0;
  return {
    labels,
    crop,
    wd,
    text:
      labels === 'random'
        ? 'random labels'
        : `crop ${crop ? 'yes' : 'no'}, weight decay ${wd ? 'yes' : 'no'}`,
  };
}

const trainPct = (c: ReportCell) => pctStat(c, (s) => s.trainAcc);
const testPct = (c: ReportCell) => pctStat(c, (s) => s.testAcc);

// Table 1: train and test accuracy, genlab | paper | Δ.
export function table1(runs: ReportRun[], sf: Record<string, string>): Built {
  const cells = cellsOf(runs);
  const rows = cells.map((c) => {
    const s = settingOf(c);
    const pm = paperModel(c.run.config.model.name, sf);
    const p = pm ? table1Row(pm, s.labels, s.crop, s.wd) : undefined;
    return [
      modelLabel(c.run.config.model.name, sf),
      s.text,
      ...statComparison(trainPct(c), p?.train ?? null),
      ...statComparison(testPct(c), p?.test ?? null),
    ];
  });
  const table: Table = {
    title: 'Train and test accuracy with and without explicit regularization (Table 1)',
    columns: ['model', 'setting', ...comparisonColumns('train %'), ...comparisonColumns('test %')],
    rows,
    notes: [
      'Paper: CIFAR-10, Table 1. Δ = genlab − paper, in percentage points. "—": the run is not complete, or the paper has no such row.',
    ],
  };
  return { figures: [], tables: [withCellSeeds(table, cells)] };
}

// Appendix: random labels with regularizers.
export function tableRandomRegularized(runs: ReportRun[], sf: Record<string, string>): Built {
  const cells = cellsOf(runs);
  const rows = cells.map((c) => {
    const pm = paperModel(c.run.config.model.name, sf);
    const p = RANDOM_LABELS_REGULARIZED.find((x) => x.model === pm && x.regularizer === c.run.variant);
    const paperFit = p ? (p.converged ? 'yes' : 'no (fails to converge)') : null;
    const done = summaries(c);
    const epochs = fmtCount(stat(done.map((s) => s.epochs)));
    return [
      modelLabel(c.run.config.model.name, sf),
      c.run.variant,
      ...statComparison(trainPct(c), p?.train ?? null),
      fittedCell(done, `no (${epochs} epochs)`),
      paperFit,
    ];
  });
  const table: Table = {
    title: 'Training accuracy on random labels with explicit regularizers (appendix)',
    columns: [
      'model',
      'regularizer',
      ...comparisonColumns('train %'),
      'fitted (genlab)',
      'converged (paper)',
    ],
    rows,
    notes: ['Paper: CIFAR-10, random labels; AlexNet with weight decay fails to converge.'],
  };
  return { figures: [], tables: [withCellSeeds(table, cells)] };
}

// Early stopping: the best test accuracy seen during training vs. the final one.
export function earlyStopping(runs: ReportRun[], sf: Record<string, string>): Built {
  const cells = cellsOf(runs);
  const rows = cells.map((c) => [
    modelLabel(c.run.config.model.name, sf),
    settingOf(c).text,
    fmtStat(testPct(c), 2, '%'),
    fmtStat(
      pctStat(c, (s) => s.bestTestAcc),
      2,
      '%',
    ),
    fmtCount(cellStat(c, (r) => r.summary.bestTestEpoch)),
    fmtStat(cellStat(c, (r) => 100 * (r.summary.bestTestAcc - r.summary.testAcc))),
  ]);
  const table: Table = {
    title: 'Early stopping: final vs. best test accuracy',
    columns: ['model', 'setting', 'final test', 'best test', 'best at epoch', 'gain (points)'],
    rows,
    notes: [
      'Paper: early stopping is an implicit regularizer that can help (ImageNet, Table 2: 59.80% → 63.16% top-1 without other regularizers); the paper gives no CIFAR-10 numbers for it.',
    ],
  };
  return { figures: [], tables: [withCellSeeds(table, cells)] };
}

/** A cell's training and test accuracy per epoch: each seed's curve, and their mean while every seed ran. */
function accuracyCurves(c: ReportCell, name: string): Series[] {
  const h = c.done.map((r) => new RunDir(r.summary.dir).readMetrics()).filter((x) => x.length > 0);
  if (h.length === 0) return [];
  const curve = (of: (e: EpochRecord) => number) =>
    h.map((es) => ({ x: es.map((e) => e.epoch), y: es.map((e) => 100 * of(e)) }));
  return [
    seedCurves(
      `${name} train`,
      curve((e) => e.trainAcc),
    ),
    seedCurves(
      `${name} test`,
      curve((e) => e.testAcc),
    ),
  ];
}

// Figure 2b: training and test accuracy per epoch, Inception with vs. without BN.
export async function fig2b(runs: ReportRun[], sf: Record<string, string>): Promise<Built> {
  const cells = cellsOf(runs);
  const series: Series[] = [];
  const rows: Cell[][] = [];
  for (const c of cells) {
    const name = modelLabel(c.run.config.model.name, sf);
    series.push(...accuracyCurves(c, name));
    const pm = paperModel(c.run.config.model.name, sf);
    const p = pm ? table1Row(pm, 'true', false, false) : undefined;
    rows.push([
      name,
      ...statComparison(trainPct(c), p?.train ?? null),
      ...statComparison(testPct(c), p?.test ?? null),
      fmtStat(
        pctStat(c, (s) => s.bestTestAcc),
        2,
        '%',
      ),
    ]);
  }
  const table: Table = {
    title: 'Inception with vs. without batch normalization (Figure 2b)',
    columns: ['model', ...comparisonColumns('train %'), ...comparisonColumns('test %'), 'best test'],
    rows,
    notes: [
      'Paper values: Table 1 without crop or weight decay (85.75% with BN, 82.00% without: BN is worth 3–4 test points).',
    ],
  };
  const several = series.some((s) => s.seeds);
  const figures = series.length
    ? [
        {
          name: 'fig2b',
          caption: `Training and test accuracy per epoch, with and without batch normalization.${several ? ' Thin lines: each seed; thick: their mean over the epochs every seed ran.' : ''}`,
          figure: await lineChart({
            title: 'Batch normalization (Figure 2b)',
            xLabel: 'epoch',
            yLabel: 'accuracy (%)',
            series,
            points: true,
            yDomain: [0, 100],
          }),
        },
      ]
    : [];
  return { figures, tables: [withCellSeeds(table, cells)] };
}

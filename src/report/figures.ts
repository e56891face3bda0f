// The paper's figures and tables from a preset's runs: Figure 1b/1c/2b, Table 1, the appendix table, early stopping.
import { RunDir, type FitSummary } from '../store/run-dir.js';
import type { ReportRun } from './seeds.js';
import type { Claim } from './claims.js';
import { labelCorruption } from '../randomize/index.js';
import { lineChart, type Figure, type Series } from './plot.js';
import { comparisonCell, comparisonColumns, fmtPct, type Cell, type Table } from './table.js';
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

const pct100 = (x: number | undefined | null): number | null =>
  x === undefined || x === null || !Number.isFinite(x) ? null : 100 * x;
const models = (runs: ReportRun[]) => [...new Set(runs.map((r) => r.run.config.model.name))];

// Figure 1b: steps to fit relative to p = 0, per model.
export async function fig1b(runs: ReportRun[], sf: Record<string, string>): Promise<Built> {
  const series: Series[] = [];
  const rows: Cell[][] = [];
  for (const m of models(runs)) {
    const mine = runs
      .filter((r) => r.run.config.model.name === m)
      .sort(
        (a, b) =>
          labelCorruption(a.run.config.randomization.labels) -
          labelCorruption(b.run.config.randomization.labels),
      );
    const ref =
      mine.find((r) => labelCorruption(r.run.config.randomization.labels) === 0)?.summary?.stepsToFit ?? null;
    const pts = mine
      .filter((r) => r.summary?.stepsToFit && ref)
      .map((r) => ({
        p: labelCorruption(r.run.config.randomization.labels),
        rel: (r.summary?.stepsToFit ?? 0) / (ref ?? 1),
      }));
    if (pts.length)
      series.push({ name: modelLabel(m, sf), x: pts.map((q) => q.p), y: pts.map((q) => q.rel) });
    for (const r of mine) {
      const s = r.summary;
      const steps = s ? (s.stepsToFit ?? `not fitted (${s.epochs} epochs)`) : null;
      rows.push([
        modelLabel(m, sf),
        labelCorruption(r.run.config.randomization.labels),
        steps,
        s?.stepsToFit && ref ? `${(s.stepsToFit / ref).toFixed(2)}×` : null,
        fmtPct(s?.trainAcc),
      ]);
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
          caption: 'Steps to reach 100% training accuracy, relative to p = 0, vs. label corruption p.',
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
  return { figures, tables: [table] };
}

// Figure 1c: test error at convergence vs. p; p = 0 and p = 1 against Table 1.
export async function fig1c(runs: ReportRun[], sf: Record<string, string>): Promise<Built> {
  const series: Series[] = [];
  const rows: Cell[][] = [];
  for (const m of models(runs)) {
    const mine = runs
      .filter((r) => r.run.config.model.name === m)
      .sort(
        (a, b) =>
          labelCorruption(a.run.config.randomization.labels) -
          labelCorruption(b.run.config.randomization.labels),
      );
    const done = mine.filter((r) => r.summary);
    if (done.length)
      series.push({
        name: modelLabel(m, sf),
        x: done.map((r) => labelCorruption(r.run.config.randomization.labels)),
        y: done.map((r) => 100 * (1 - (r.summary?.testAcc ?? NaN))),
      });
    const pm = paperModel(m, sf);
    for (const r of mine) {
      const p = labelCorruption(r.run.config.randomization.labels);
      const paperRow =
        pm && (p === 0 || p === 1) ? table1Row(pm, p === 0 ? 'true' : 'random', false, false) : undefined;
      const mineErr = r.summary ? 100 * (1 - r.summary.testAcc) : null;
      rows.push([
        modelLabel(m, sf),
        p,
        ...comparisonCell(mineErr, paperRow ? 100 - paperRow.test : null, { unit: '%' }),
        r.summary ? (r.summary.stepsToFit !== null ? 'yes' : 'no') : null,
      ]);
    }
  }
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
          caption:
            'Test error (clean test set) after fitting, vs. label corruption p; the flat line at 90% is chance.',
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
  return { figures, tables: [table] };
}

function settingOf(r: ReportRun): { labels: 'true' | 'random'; crop: boolean; wd: boolean; text: string } {
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

// Table 1: train and test accuracy, genlab | paper | Δ.
export function table1(runs: ReportRun[], sf: Record<string, string>): Built {
  const rows = runs.map((r) => {
    const s = settingOf(r);
    const pm = paperModel(r.run.config.model.name, sf);
    const p = pm ? table1Row(pm, s.labels, s.crop, s.wd) : undefined;
    return [
      modelLabel(r.run.config.model.name, sf),
      s.text,
      ...comparisonCell(pct100(r.summary?.trainAcc), p?.train ?? null),
      ...comparisonCell(pct100(r.summary?.testAcc), p?.test ?? null),
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
  return { figures: [], tables: [table] };
}

// Appendix: random labels with regularizers.
export function tableRandomRegularized(runs: ReportRun[], sf: Record<string, string>): Built {
  const rows = runs.map((r) => {
    const pm = paperModel(r.run.config.model.name, sf);
    const p = RANDOM_LABELS_REGULARIZED.find((x) => x.model === pm && x.regularizer === r.run.variant);
    const paperFit = p ? (p.converged ? 'yes' : 'no (fails to converge)') : null;
    const fitted = r.summary
      ? r.summary.stepsToFit !== null
        ? 'yes'
        : `no (${r.summary.epochs} epochs)`
      : null;
    return [
      modelLabel(r.run.config.model.name, sf),
      r.run.variant,
      ...comparisonCell(pct100(r.summary?.trainAcc), p?.train ?? null),
      fitted,
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
  return { figures: [], tables: [table] };
}

// Early stopping: the best test accuracy seen during training vs. the final one.
export function earlyStopping(runs: ReportRun[], sf: Record<string, string>): Built {
  const rows = runs.map((r) => {
    const s = r.summary;
    const gain = s ? `${(100 * (s.bestTestAcc - s.testAcc)).toFixed(2)}` : null;
    return [
      modelLabel(r.run.config.model.name, sf),
      settingOf(r).text,
      fmtPct(s?.testAcc),
      fmtPct(s?.bestTestAcc),
      s ? s.bestTestEpoch : null,
      gain,
    ];
  });
  const table: Table = {
    title: 'Early stopping: final vs. best test accuracy',
    columns: ['model', 'setting', 'final test', 'best test', 'best at epoch', 'gain (points)'],
    rows,
    notes: [
      'Paper: early stopping is an implicit regularizer that can help (ImageNet, Table 2: 59.80% → 63.16% top-1 without other regularizers); the paper gives no CIFAR-10 numbers for it.',
    ],
  };
  return { figures: [], tables: [table] };
}

// Figure 2b: training and test accuracy per epoch, Inception with vs. without BN.
export async function fig2b(runs: ReportRun[], sf: Record<string, string>): Promise<Built> {
  const series: Series[] = [];
  const rows: Cell[][] = [];
  for (const r of runs) {
    const name = modelLabel(r.run.config.model.name, sf);
    const h = r.summary ? new RunDir(r.summary.dir).readMetrics() : [];
    if (h.length) {
      series.push({ name: `${name} train`, x: h.map((e) => e.epoch), y: h.map((e) => 100 * e.trainAcc) });
      series.push({ name: `${name} test`, x: h.map((e) => e.epoch), y: h.map((e) => 100 * e.testAcc) });
    }
    const pm = paperModel(r.run.config.model.name, sf);
    const p = pm ? table1Row(pm, 'true', false, false) : undefined;
    rows.push([
      name,
      ...comparisonCell(pct100(r.summary?.trainAcc), p?.train ?? null),
      ...comparisonCell(pct100(r.summary?.testAcc), p?.test ?? null),
      fmtPct(r.summary?.bestTestAcc),
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
  const figures = series.length
    ? [
        {
          name: 'fig2b',
          caption: 'Training and test accuracy per epoch, with and without batch normalization.',
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
  return { figures, tables: [table] };
}

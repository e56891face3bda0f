// Random labels at full size: the protocol ablation (inputs × learning-rate schedule) and the capacity sweep
// (width × schedule). Tables of training accuracy at fixed epochs, the best, epochs to fit; curves; and, per
// setting, whether it memorized every label within its epoch budget — a verdict that can fail.
import { RunDir } from '../store/run-dir.js';
import type { EpochRecord } from '../train/index.js';
import type { Claim } from './claims.js';
import type { Built } from './figures.js';
import { lineChart, type Series } from './plot.js';
import { cellsOf, cellStat, fmtStat, stat, type ReportCell, type ReportRun } from './seeds.js';
import { fmtCount, pctStat, seedCurves, withCellSeeds } from './spread.js';
import type { Cell, Table } from './table.js';
import type { Verdict } from './verdict.js';

/** The epochs at which the tables read training accuracy. */
export const CHECKPOINT_EPOCHS = [50, 100, 300] as const;

/** The paper's MLP 1×512: 1,209,866 weights for 50,000 CIFAR-10 images (PAPER.md). */
export const PAPER_WEIGHTS_PER_EXAMPLE = 1_209_866 / 50_000;

const SCHEDULE_TEXT: Record<string, string> = {
  exponential: '×0.95 per 50,000 examples',
  step: '×0.95 per 50,000 examples',
  'per-epoch': '×0.95 per epoch',
  constant: 'constant',
};

/** A cell's schedule for people, with its rate: "×0.95 per epoch from 0.01". */
function scheduleText(c: ReportCell): string {
  const t = c.run.config.train;
  const s = t.schedule;
  const what =
    s.kind === 'constant'
      ? 'constant'
      : s.kind === 'per-epoch'
        ? `×${s.gamma} per epoch`
        : `×${s.gamma} per ${s.every.toLocaleString('en-US')} examples`;
  return `${what} (${t.lr})`;
}

const metricsOf = (c: ReportCell): EpochRecord[][] =>
  c.done.map((r) => new RunDir(r.summary.dir).readMetrics());

/**
 * Training accuracy (%) at epoch e over a cell's complete runs: a run that fitted earlier counts as 100%
 * (it stopped there); a run that ended before e without fitting has no value.
 */
function accuracyAt(c: ReportCell, metrics: EpochRecord[][], e: number): Cell {
  const values: number[] = [];
  c.done.forEach((r, i) => {
    const at = metrics[i].find((m) => m.epoch === e);
    if (at) values.push(100 * at.trainAcc);
    else if (r.summary.epochsToFit !== null && r.summary.epochsToFit <= e) values.push(100);
  });
  return values.length === 0 ? null : fmtStat(stat(values), 2, '%');
}

/** Epochs to fit over seeds: the count where every seed fitted, "k of n fitted" otherwise, "not in E" for none. */
function epochsToFitCell(c: ReportCell): Cell {
  if (c.done.length === 0) return null;
  const fit = c.done.map((r) => r.summary.epochsToFit).filter((x): x is number => x !== null);
  const budget = c.run.config.train.epochs;
  if (fit.length === 0) return `not in ${budget}`;
  const s = fmtCount(stat(fit));
  return fit.length === c.done.length ? s : `${s} (${fit.length} of ${c.done.length} fitted)`;
}

/**
 * Whether a setting memorized every training label within its budget: holds when every seed fitted, fails
 * when none did, inconclusive when the seeds disagree, not measured while any run is missing.
 */
function fitsClaim(name: string, c: ReportCell): Claim {
  const runs = c.runs.map((r) => r.run.id);
  const n = c.run.config.dataset.trainSize;
  const claim = `${name} fits ${n === null ? 'every' : n.toLocaleString('en-US')} random label${n === 1 ? '' : 's'} within ${c.run.config.train.epochs} epochs`;
  if (c.done.length < c.runs.length)
    return {
      claim,
      verdict: 'not measured',
      measured: `${c.done.length} of ${c.runs.length} runs complete`,
      runs,
    };
  const fitted = c.done.filter((r) => r.summary.epochsToFit !== null).length;
  const best = pctStat(c, (s) => s.trainAcc);
  const verdict: Verdict = fitted === c.done.length ? 'holds' : fitted === 0 ? 'fails' : 'inconclusive';
  const measured =
    fitted === c.done.length
      ? `fitted at epoch ${String(epochsToFitCell(c))}`
      : `${fitted} of ${c.done.length} fitted; final training accuracy ${fmtStat(best, 2, '%')}`;
  return { claim, verdict, measured, runs };
}

/** Training accuracy per epoch for each cell, one line (and thin seed lines) per cell. */
function curves(cells: ReportCell[], all: EpochRecord[][][], name: (c: ReportCell) => string): Series[] {
  return cells.flatMap((c, i) => {
    const h = all[i].filter((m) => m.length > 0);
    if (h.length === 0) return [];
    return [
      seedCurves(
        name(c),
        h.map((es) => ({ x: es.map((e) => e.epoch), y: es.map((e) => 100 * e.trainAcc) })),
      ),
    ];
  });
}

/** Epochs whose training accuracy fell by at least `points` from the epoch before: the constant rate's spikes. */
export function drops(metrics: readonly EpochRecord[], points = SPIKE_POINTS): number {
  let n = 0;
  for (let i = 1; i < metrics.length; i++)
    if (100 * (metrics[i - 1].trainAcc - metrics[i].trainAcc) >= points) n++;
  return n;
}
const SPIKE_POINTS = 5;

function rowsOf(cells: ReportCell[], all: EpochRecord[][][], first: (c: ReportCell) => Cell[]): Cell[][] {
  return cells.map((c, i) => [
    ...first(c),
    ...CHECKPOINT_EPOCHS.map((e) => accuracyAt(c, all[i], e)),
    fmtStat(
      cellStat(c, (r) => {
        const m = all[i][c.done.indexOf(r)];
        return m.length ? 100 * Math.max(...m.map((x) => x.trainAcc)) : null;
      }),
      2,
      '%',
    ),
    epochsToFitCell(c),
    fmtCount(cellStat(c, (r) => drops(all[i][c.done.indexOf(r)]))),
  ]);
}

const CHECKPOINT_COLUMNS = [
  ...CHECKPOINT_EPOCHS.map((e) => `train @${e}`),
  'best train',
  'epochs to fit',
  `drops ≥ ${SPIKE_POINTS} points`,
];
const TABLE_NOTES = [
  'Training accuracy on the (randomly labelled) training set in evaluation mode at each epoch end; a run that fitted earlier reads 100% (it stops at fit); — where no run reached that epoch.',
  `Drops: epochs whose training accuracy fell by ${SPIKE_POINTS} points or more from the epoch before (the loss spikes of a high constant rate).`,
];

// The protocol ablation: inputs (variant) × schedule (grid), MLP 1×512.
export async function randomLabelsProtocol(runs: ReportRun[], title: string): Promise<Built> {
  const cells = cellsOf(runs);
  const all = cells.map(metricsOf);
  const name = (c: ReportCell) => `${c.run.variant}, ${SCHEDULE_TEXT[c.run.config.train.schedule.kind]}`;
  const table: Table = {
    title: 'Random labels: training accuracy by input and learning-rate schedule',
    columns: ['inputs', 'schedule (initial rate)', ...CHECKPOINT_COLUMNS],
    rows: rowsOf(cells, all, (c) => [c.run.variant, scheduleText(c)]),
    notes: TABLE_NOTES,
  };
  const series = curves(cells, all, name);
  const figures = series.length
    ? [
        {
          name: 'random-labels-protocol',
          caption:
            'Training accuracy on random labels per epoch, MLP 1×512, for each input and learning-rate schedule (100%: every label memorized).',
          figure: await lineChart({
            title,
            xLabel: 'epoch',
            yLabel: 'training accuracy (%)',
            series,
            yDomain: [0, 100],
          }),
        },
      ]
    : [];
  return {
    figures,
    tables: [withCellSeeds(table, cells)],
    claims: cells.map((c) => fitsClaim(`${c.run.config.model.name}, ${name(c)}`, c)),
  };
}

// The capacity sweep: width (grid) × schedule (grid), 784 inputs.
export async function randomLabelsCapacity(runs: ReportRun[], title: string): Promise<Built> {
  const cells = cellsOf(runs);
  const all = cells.map(metricsOf);
  const perExample = (c: ReportCell): number | null => {
    const s = c.done[0]?.summary;
    return s ? s.params / s.trainSize : null;
  };
  const table: Table = {
    title: 'Random labels: training accuracy by width and learning-rate schedule',
    columns: ['model', 'weights per example', 'schedule (initial rate)', ...CHECKPOINT_COLUMNS],
    rows: rowsOf(cells, all, (c) => [
      c.run.config.model.name,
      perExample(c)?.toFixed(1) ?? null,
      scheduleText(c),
    ]),
    notes: [
      ...TABLE_NOTES,
      `The paper's MLP 1×512 has ${PAPER_WEIGHTS_PER_EXAMPLE.toFixed(1)} weights per CIFAR-10 training example.`,
    ],
  };
  const kinds = [...new Set(cells.map((c) => c.run.config.train.schedule.kind))];
  const series: Series[] = kinds.flatMap((k) => {
    const points = cells
      .filter((c) => c.run.config.train.schedule.kind === k && c.done.length > 0)
      .map((c) => ({ x: perExample(c)!, e: cellStat(c, (r) => r.summary.epochsToFit) }));
    const fitted = points.filter((p) => p.e !== null);
    if (fitted.length === 0) return [];
    return [{ name: SCHEDULE_TEXT[k], x: fitted.map((p) => p.x), y: fitted.map((p) => p.e!.mean) }];
  });
  const figures = series.length
    ? [
        {
          name: 'random-labels-capacity',
          caption: `Epochs to memorize every random label against weights per training example (only settings that fitted within the budget are drawn; the table lists the others). Dashed: the paper's MLP 1×512 on CIFAR-10 (${PAPER_WEIGHTS_PER_EXAMPLE.toFixed(1)}).`,
          figure: await lineChart({
            title,
            xLabel: 'weights per training example',
            yLabel: 'epochs to fit',
            series,
            logX: true,
            points: true,
            markers: [{ x: PAPER_WEIGHTS_PER_EXAMPLE, label: 'paper' }],
          }),
        },
      ]
    : [];
  const accuracy = curves(
    cells,
    all,
    (c) => `${c.run.config.model.name}, ${SCHEDULE_TEXT[c.run.config.train.schedule.kind]}`,
  );
  if (accuracy.length)
    figures.push({
      name: 'random-labels-capacity-curves',
      caption: 'Training accuracy on random labels per epoch, for each width and schedule.',
      figure: await lineChart({
        title: `${title}: training curves`,
        xLabel: 'epoch',
        yLabel: 'training accuracy (%)',
        series: accuracy,
        yDomain: [0, 100],
      }),
    });
  return {
    figures,
    tables: [withCellSeeds(table, cells)],
    claims: cells.map((c) =>
      fitsClaim(`${c.run.config.model.name}, ${SCHEDULE_TEXT[c.run.config.train.schedule.kind]}`, c),
    ),
  };
}

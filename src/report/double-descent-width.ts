// Model-wise double descent (double-descent-width preset): test error of MLP 1×W against its parameter count.
import { datasetLayout } from '../data/index.js';
import { labelCorruption } from '../randomize/index.js';
import { findPeak, noiseLabel, ratioText, smallestFit, type Curve } from './double-descent.js';
import type { Built, ReportRun } from './figures.js';
import { fmtNum, MISSING, type Cell, type Table } from './table.js';
import type { FitSummary } from '../store/run-dir.js';
import { lineChart, type Figure, type Marker } from './plot.js';
import { cellsOf, cellStat, fmtStat, seedsNote, type ReportCell, type Stat } from './seeds.js';
import { meanSeries, summaries, toFitCell, withCellSeeds } from './spread.js';

const noise = (c: ReportCell) => labelCorruption(c.run.config.randomization.labels);
const errStat = (c: ReportCell, acc: (s: FitSummary) => number) =>
  cellStat(c, (r) => 100 * (1 - acc(r.summary)));

/** n × classes: the parameter count at which a least-squares model can just fit n examples' one-hot labels. */
export function interpolationThreshold(runs: ReportRun[]): number | null {
  const r = runs.find((x) => x.summary !== null);
  if (!r?.summary) return null;
  return r.summary.trainSize * datasetLayout(r.run.config.dataset.name).classes;
}

/** A width's cell with complete runs: its parameter count and its errors (%) over its seeds. */
interface WidthCell {
  cell: ReportCell;
  params: number;
  testErr: Stat;
  trainErr: Stat;
}

/** One curve per label-noise level through each width's mean errors over its complete runs, in increasing size. */
export function widthCurves(runs: ReportRun[]): { curve: Curve; cells: WidthCell[] }[] {
  const done = cellsOf(runs).flatMap((cell): WidthCell[] => {
    const testErr = errStat(cell, (s) => s.testAcc);
    const trainErr = errStat(cell, (s) => s.trainAcc);
    if (!testErr || !trainErr) return [];
    return [{ cell, params: cell.done[0].summary.params, testErr, trainErr }];
  });
  const levels = [...new Set(done.map((w) => noise(w.cell)))].sort((a, b) => a - b);
  return levels.map((p) => {
    const cells = done.filter((w) => noise(w.cell) === p).sort((a, b) => a.params - b.params);
    const points = cells.map((w) => ({ size: w.params, testErr: w.testErr.mean, trainErr: w.trainErr.mean }));
    return { curve: { noise: p, points }, cells };
  });
}

const NK = 'n·K';

function cellTable(runs: ReportRun[], nk: number | null): Table {
  const cells = cellsOf(runs).sort((a, b) => noise(a) - noise(b));
  const rows: Cell[][] = cells.map((c) => {
    const params = c.done[0]?.summary.params;
    return [
      noiseLabel(noise(c)),
      c.run.config.model.name,
      params === undefined ? MISSING : fmtNum(params),
      params !== undefined && nk ? ratioText(params, nk, NK) : MISSING,
      fmtStat(errStat(c, (s) => s.trainAcc)),
      fmtStat(errStat(c, (s) => s.testAcc)),
      toFitCell(summaries(c), (s) => s.epochsToFit),
    ];
  });
  const table: Table = {
    title: 'Every width: errors at the end of training',
    columns: [
      'label noise',
      'model',
      'parameters',
      'parameters / (n·K)',
      'train error %',
      'test error %',
      'epochs to fit',
    ],
    rows,
    notes: [
      'n·K: training examples × classes, the interpolation threshold of least squares (Belkin et al. 2019). Training stops once the whole training set is classified correctly, or when the epoch budget runs out.',
    ],
  };
  return withCellSeeds(table, cells);
}

function peakTable(
  curves: { curve: Curve; cells: WidthCell[] }[],
  nk: number | null,
  note: string | null,
): Table {
  const size = (n: number) => `${fmtNum(n)}${nk ? ` (${ratioText(n, nk, NK)})` : ''}`;
  const rows = curves.map(({ curve: c, cells }) => {
    const peak = findPeak(c.points);
    const fit = smallestFit(c.points);
    const last = cells[cells.length - 1];
    return [
      noiseLabel(c.noise),
      fit ? size(fit.size) : 'none fits',
      peak ? size(peak.size) : 'no peak',
      peak ? fmtStat(cells[peak.index].testErr) : MISSING,
      peak ? `+${peak.rise.toFixed(2)} / +${peak.fall.toFixed(2)}` : MISSING,
      last ? fmtStat(last.testErr) : MISSING,
    ];
  });
  return {
    title: 'Peak and interpolation threshold per noise level, beside the published claim',
    columns: [
      'label noise',
      'smallest model that fits (parameters)',
      'test-error peak at (parameters)',
      'peak test error %',
      'peak above best smaller / larger (points)',
      'largest model test error %',
    ],
    rows,
    notes: [
      'Published (Nakkiran et al. 2019, Figures 1 and 4; Belkin et al. 2019, Figure 4 on MNIST): test error peaks near the interpolation threshold, the size at which the model can just fit the training set, then falls again; label noise makes the peak higher and moves it to larger models. A peak here: an interior maximum at least 1 point above both the best smaller and the best larger model.',
      ...(note ? [`${note} Peaks and fits are found on the mean curve.`] : []),
    ],
  };
}

/** Error (test or train, %) against parameters on a log axis: one line per noise level through the means, min–max shaded. */
function widthFigure(
  title: string,
  curves: { curve: Curve; cells: WidthCell[] }[],
  which: 'testErr' | 'trainErr',
  markers: Marker[],
): Promise<Figure> {
  return lineChart({
    title,
    xLabel: 'parameters of MLP 1×W (log scale)',
    yLabel: which === 'testErr' ? 'test error (%)' : 'training error (%)',
    logX: true,
    points: true,
    width: 560,
    series: curves.map(({ curve, cells }) =>
      meanSeries(
        noiseLabel(curve.noise),
        cells.map((w) => ({ x: w.params, s: w[which] })),
      ),
    ),
    markers,
  });
}

/** The width report: test and training error against parameters, n·K marked; the per-cell and per-noise tables. */
export async function doubleDescentWidth(runs: ReportRun[]): Promise<Built> {
  const curves = widthCurves(runs);
  const nk = interpolationThreshold(runs);
  const markers = nk ? [{ x: nk, label: `n·K = ${fmtNum(nk)}` }] : [];
  const seeds = curves.some((c) => c.cells.some((w) => w.testErr.n > 1));
  const band = seeds ? ' Lines: the mean over seeds; shaded: their min–max.' : '';
  const figures = [];
  if (curves.length) {
    figures.push({
      name: 'double-descent-width',
      caption: `Test error vs. parameters of MLP 1×W, one line per label-noise level; the dashed line marks n·K (training examples × classes).${band}`,
      figure: await widthFigure('Model-wise double descent', curves, 'testErr', markers),
    });
    figures.push({
      name: 'double-descent-width-train',
      caption: `Training error at the end of training: the models right of where it reaches 0 interpolate.${band}`,
      figure: await widthFigure('Training error', curves, 'trainErr', markers),
    });
  }
  const note = seedsNote(cellsOf(runs));
  return { figures, tables: [peakTable(curves, nk, note), cellTable(runs, nk)] };
}

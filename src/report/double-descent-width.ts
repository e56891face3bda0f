// Model-wise double descent (double-descent-width preset): test error of MLP 1×W against its parameter count.
import { datasetLayout } from '../data/index.js';
import { labelCorruption } from '../randomize/index.js';
import type { Claim } from './claims.js';
import {
  curveFigure,
  findPeak,
  noiseLabel,
  nonDecreasing,
  ratioText,
  smallestFit,
  type Curve,
  type CurveCheck,
} from './double-descent.js';
import type { Built, ReportRun } from './figures.js';
import { fmtNum, MISSING, type Cell, type Table } from './table.js';

type Done = ReportRun & { summary: NonNullable<ReportRun['summary']> };
const noise = (r: ReportRun) => labelCorruption(r.run.config.randomization.labels);
const err = (acc: number) => 100 * (1 - acc);

/** n × classes: the parameter count at which a least-squares model can just fit n examples' one-hot labels. */
export function interpolationThreshold(runs: ReportRun[]): number | null {
  const r = runs.find((x) => x.summary !== null);
  if (!r?.summary) return null;
  return r.summary.trainSize * datasetLayout(r.run.config.dataset.name).classes;
}

/** One curve per label-noise level over the complete runs, in increasing parameter count. */
export function widthCurves(runs: ReportRun[]): { curve: Curve; runs: Done[] }[] {
  const done = runs.filter((r): r is Done => r.summary !== null);
  const levels = [...new Set(done.map(noise))].sort((a, b) => a - b);
  return levels.map((p) => {
    const mine = done.filter((r) => noise(r) === p).sort((a, b) => a.summary.params - b.summary.params);
    const points = mine.map((r) => ({
      size: r.summary.params,
      testErr: err(r.summary.testAcc),
      trainErr: err(r.summary.trainAcc),
    }));
    return { curve: { noise: p, points }, runs: mine };
  });
}

const NK = 'n·K';

function perRunTable(runs: ReportRun[], nk: number | null): Table {
  const rows: Cell[][] = [...runs]
    .sort((a, b) => noise(a) - noise(b))
    .map((r) => {
      const s = r.summary;
      return [
        noiseLabel(noise(r)),
        r.run.config.model.name,
        s ? fmtNum(s.params) : MISSING,
        s && nk ? ratioText(s.params, nk, NK) : MISSING,
        s ? err(s.trainAcc).toFixed(2) : MISSING,
        s ? err(s.testAcc).toFixed(2) : MISSING,
        s ? (s.epochsToFit ?? `not fitted (${s.epochs} epochs)`) : MISSING,
      ];
    });
  return {
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
}

function peakTable(curves: Curve[], nk: number | null): Table {
  const rows = curves.map((c) => {
    const peak = findPeak(c.points);
    const fit = smallestFit(c.points);
    const last = c.points[c.points.length - 1];
    return [
      noiseLabel(c.noise),
      fit ? `${fmtNum(fit.size)}${nk ? ` (${ratioText(fit.size, nk, NK)})` : ''}` : 'none fits',
      peak ? `${fmtNum(peak.size)}${nk ? ` (${ratioText(peak.size, nk, NK)})` : ''}` : 'no peak',
      peak ? peak.testErr.toFixed(2) : MISSING,
      peak ? `+${peak.rise.toFixed(2)} / +${peak.fall.toFixed(2)}` : MISSING,
      last ? last.testErr.toFixed(2) : MISSING,
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
    ],
  };
}

/** The width report: test and training error against parameters, n·K marked; the per-run and per-noise tables. */
export async function doubleDescentWidth(runs: ReportRun[]): Promise<Built> {
  const curves = widthCurves(runs).map((c) => c.curve);
  const nk = interpolationThreshold(runs);
  const markers = nk ? [{ x: nk, label: `n·K = ${fmtNum(nk)}` }] : [];
  const figures = [];
  if (curves.length) {
    const xLabel = 'parameters of MLP 1×W (log scale)';
    figures.push({
      name: 'double-descent-width',
      caption: `Test error vs. parameters of MLP 1×W, one line per label-noise level; the dashed line marks n·K (training examples × classes).`,
      figure: await curveFigure({
        title: 'Model-wise double descent',
        xLabel,
        curves,
        which: 'testErr',
        markers,
      }),
    });
    figures.push({
      name: 'double-descent-width-train',
      caption: 'Training error at the end of training: the models right of where it reaches 0 interpolate.',
      figure: await curveFigure({ title: 'Training error', xLabel, curves, which: 'trainErr', markers }),
    });
  }
  return { figures, tables: [peakTable(curves, nk), perRunTable(runs, nk)] };
}

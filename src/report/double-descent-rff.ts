// Double descent of random-features regression (double-descent-rff preset): test error and ‖W‖ against N, n marked;
// each feature count a cell whose numbers are its seeds' mean and spread.
import { labelCorruption } from '../randomize/index.js';
import type { RandomFeaturesResult } from '../experiments/theory/random-features.js';
import type { Claim } from './claims.js';
import { claimRows } from './claims.js';
import { findPeak, noiseLabel, nonDecreasing, type Curve } from './double-descent.js';
import { datasetLayout } from '../data/index.js';
import {
  above,
  below,
  difference,
  every,
  intervalOf,
  samplingError,
  type Interval,
  type Verdict,
} from './verdict.js';
import type { Built } from './figures.js';
import { lineChart } from './plot.js';
import { fmtStat, seedsNote, type Stat } from './seeds.js';
import { fmtCount, fmtStatWith, meanSeries, withCellSeeds } from './spread.js';
import { fmtNum, MISSING, type Cell, type Table } from './table.js';
import { resultStat, theoryCellsOf, type TheoryCell, type TheoryReportRun } from './theory-cells.js';

type RffCell = TheoryCell<RandomFeaturesResult>;

/** A feature count with complete runs: its cell, N, and its numbers over the seeds (errors in %). */
export interface RffPoint {
  cell: RffCell;
  features: number;
  testErr: Stat;
  trainErr: Stat;
  norm: Stat;
  rank: Stat | null;
  condition: Stat | null;
}

/** A label-noise level's curve through each N's mean errors, with its points. */
export interface RffCurve {
  curve: Curve;
  points: RffPoint[];
}

/** cond(Φ); runs stored before the SVD route have only the Gram matrix's smallest relative eigenvalue, 1 / cond². */
const conditionOf = (r: RandomFeaturesResult) => r.condition ?? 1 / Math.sqrt(r.smallestEigenvalue);
const fmtCondition = (s: Stat | null) => (s ? fmtStatWith(s, (x) => x.toPrecision(3)) : MISSING);

const noise = (c: RffCell) => labelCorruption((c.run.options as { labels: string }).labels);

/** One curve per label-noise level over the cells with complete runs, in increasing N. */
export function rffCurves(runs: TheoryReportRun[]): RffCurve[] {
  const done = theoryCellsOf<RandomFeaturesResult>(runs).flatMap((cell): RffPoint[] => {
    const testErr = resultStat(cell, (r) => 100 * r.testError);
    const trainErr = resultStat(cell, (r) => 100 * r.trainError);
    const norm = resultStat(cell, (r) => r.norm);
    if (!testErr || !trainErr || !norm) return [];
    const rank = resultStat(cell, (r) => r.rank);
    const condition = resultStat(cell, conditionOf);
    return [{ cell, features: cell.done[0].result.features, testErr, trainErr, norm, rank, condition }];
  });
  const levels = [...new Set(done.map((q) => noise(q.cell)))].sort((a, b) => a - b);
  return levels.map((p) => {
    const points = done.filter((q) => noise(q.cell) === p).sort((a, b) => a.features - b.features);
    const curve = {
      noise: p,
      points: points.map((q) => ({ size: q.features, testErr: q.testErr.mean, trainErr: q.trainErr.mean })),
    };
    return { curve, points };
  });
}

const peakRatio = (size: number, n: number) => `N = ${(size / n).toFixed(2)}·n`;
const norm3 = (s: Stat) => fmtStatWith(s, (x) => x.toPrecision(3));
const nearestTo = (points: RffPoint[], n: number) =>
  points.reduce((a, b) => (Math.abs(b.features - n) < Math.abs(a.features - n) ? b : a));

function peakTable(curves: RffCurve[], n: number, note: string | null): Table {
  const rows: Cell[][] = curves.map(({ curve: c, points }) => {
    const peak = findPeak(c.points);
    const nearest = nearestTo(points, n);
    const best = (xs: RffPoint[]) =>
      xs.length ? fmtStat(xs.reduce((a, b) => (b.testErr.mean < a.testErr.mean ? b : a)).testErr) : MISSING;
    return [
      noiseLabel(c.noise),
      peak ? `${fmtNum(peak.size)} (${peakRatio(peak.size, n)})` : 'no peak',
      peak ? fmtStat(points[peak.index].testErr) : MISSING,
      `${fmtStat(nearest.testErr)} at N = ${fmtNum(nearest.features)}`,
      best(points.filter((q) => q.features < 0.5 * n)),
      best(points.filter((q) => q.features > 2 * n)),
      norm3(nearest.norm),
      fmtCount(nearest.rank),
      fmtCondition(nearest.condition),
      fmtStat(nearest.trainErr),
    ];
  });
  return {
    title: 'Peak at the interpolation threshold N = n, beside the published claim',
    columns: [
      'label noise',
      'test-error peak at N',
      'peak test error %',
      'test error % nearest N = n',
      'best test error %, N < n/2',
      'best test error %, N > 2n',
      '‖W‖ nearest N = n',
      'rank of Φ nearest N = n',
      'cond(Φ) nearest N = n',
      'train error % nearest N = n',
    ],
    rows,
    notes: [
      `n = ${fmtNum(n)} training examples. Published (Belkin et al. 2019, Figure 2: random Fourier features on 10,000 MNIST digits): the test error of the minimum-norm fit peaks at N = n, where ‖W‖ peaks too, and falls again for N > n, below the best N < n; label noise raises the peak (Nakkiran et al. 2019). A peak here: an interior maximum at least 1 point above both the best smaller and the best larger N.`,
      solverNote(curves),
      ...(note ? [`${note} Peaks are found on the mean curve.`] : []),
    ],
  };
}

/** How Φ⁺Y was solved: which runs took the SVD route, and how many were stored before it existed. */
function solverNote(curves: RffCurve[]): string {
  const runs = curves.flatMap((c) => c.points.flatMap((q) => q.cell.done.map((d) => d.result)));
  const svd = runs.filter((r) => r.solver === 'svd').length;
  const older = runs.filter((r) => r.solver === undefined).length;
  return (
    "W = Φ⁺Y in float64, through the Gram matrix ΦΦᵀ (or ΦᵀΦ) where cond(Φ) ≤ 10³ and it dropped no direction, else by LAPACK's SVD least squares (gelsd) on Φ itself, whose accuracy goes with cond(Φ) rather than its square: " +
    `here ${svd} of ${runs.length} runs. rank counts the singular values above max(n, N)·ε·σ_max; cond(Φ) = σ_max/σ_min over those.` +
    (older
      ? ` ${older} runs were stored before the SVD route and took the Gram route at every N (it drops directions whose σ is below √(m·ε)·σ_max, m = min(n, N)); remove their run directories to recompute them.`
      : '')
  );
}

function cellTable(curves: RffCurve[], n: number): Table {
  const points = curves.flatMap((c) => c.points);
  const rows: Cell[][] = curves.flatMap(({ curve: c, points: ps }) =>
    ps.map((q) => [
      noiseLabel(c.noise),
      fmtNum(q.features),
      (q.features / n).toFixed(2),
      fmtStat(q.trainErr),
      fmtStat(q.testErr),
      fmtStat(
        resultStat(q.cell, (r) => r.testMse),
        3,
      ),
      norm3(q.norm),
      fmtCount(q.rank),
      fmtCondition(q.condition),
      fmtStat(
        resultStat(q.cell, (r) => r.seconds),
        1,
      ),
    ]),
  );
  const table: Table = {
    title: 'Every N: errors of the minimum-norm least-squares fit',
    columns: [
      'label noise',
      'N',
      'N / n',
      'train error %',
      'test error %',
      'test squared loss',
      '‖W‖_F',
      'rank of Φ',
      'cond(Φ)',
      'seconds',
    ],
    rows,
    notes: [
      'Test set clean; squared loss against one-hot targets, summed over classes, averaged over examples.',
    ],
  };
  return withCellSeeds(
    table,
    points.map((q) => q.cell),
  );
}

/** One seed's 95% sampling error of its test error on its test set, in points. */
function testNoise(run: RffCell['done'][number]): number {
  const d = (run.run.options as { dataset: { name: string; testSize: number | null } }).dataset;
  const all = datasetLayout(d.name).test;
  return 100 * samplingError(run.result.testError, Math.min(d.testSize ?? all, all));
}

/** An interior maximum of a curve's test error: its index, rise over the best smaller N and fall to the best larger. */
interface Rise {
  i: number;
  rise: Interval;
  fall: Interval;
}

/** The most prominent interior maximum (by the lesser of its rise and fall) among those `keep` accepts. */
function interiorMax(errs: Interval[], keep: (r: Rise) => boolean): Rise | null {
  const lowest = (xs: Interval[]) => xs.reduce((a, b) => (b.value < a.value ? b : a));
  const least = (r: Rise) => Math.min(r.rise.value, r.fall.value);
  let best: Rise | null = null;
  for (let i = 1; i < errs.length - 1; i++) {
    const r = {
      i,
      rise: difference(errs[i], lowest(errs.slice(0, i))),
      fall: difference(errs[i], lowest(errs.slice(i + 1))),
    };
    if (keep(r) && (!best || least(r) > least(best))) best = r;
  }
  return best;
}

const half = (x: Interval) => (x.hi - x.lo) / 2;
const showErr = (x: Interval) =>
  x.n > 1 ? `${x.value.toFixed(1)}% [${x.lo.toFixed(1)}, ${x.hi.toFixed(1)}]` : `${x.value.toFixed(1)}%`;

/**
 * Each curve's points with their test errors as intervals: the seeds' spread (intervalOf) where a cell has two or
 * more, else ± the largest one-seed sampling error on the curve; its peak (an interior maximum above both sides
 * beyond the noise) and its bump (any interior maximum).
 */
function measured(curves: RffCurve[]) {
  return curves.map(({ curve: c, points }) => {
    const one = Math.max(0, ...points.flatMap((q) => q.cell.done.map(testNoise)));
    const errs = points.map((q) => intervalOf(q.testErr, one));
    const peak = interiorMax(errs, (r) => every([above(r.rise, 0), above(r.fall, 0)]) === 'holds');
    const bump = interiorMax(errs, (r) => r.rise.value > 0 && r.fall.value > 0);
    const runs = points.flatMap((q) => q.cell.runs.map((r) => r.run.id));
    return { c, points, errs, peak, bump, runs };
  });
}

/** The published claims of random-features double descent, measured on the cells with complete runs. */
export function rffClaims(curves: RffCurve[], n: number): Claim[] {
  const pct = (c: Curve) => `${Math.round(100 * c.noise)}%`;
  const withPeak = measured(curves);
  type Measured = (typeof withPeak)[number];
  const check = (claim: string, f: (x: Measured) => { text: string; verdict: Verdict } | null): Claim => {
    const got = withPeak.map((x) => ({ x, g: f(x) })).filter((y) => y.g !== null);
    if (!got.length) return { claim, verdict: 'not measured', measured: MISSING, runs: [] };
    return {
      claim,
      measured: got.map((y) => y.g?.text).join('; '),
      verdict: every(got.map((y) => y.g?.verdict ?? 'not measured')),
      runs: got.flatMap((y) => y.x.runs),
    };
  };
  const yes = (b: boolean): Verdict => (b ? 'holds' : 'fails');
  const series = (claim: string, xs: { c: Curve; v: number; runs: string[] }[]): Claim =>
    xs.length < 2
      ? { claim, verdict: 'not measured', measured: MISSING, runs: [] }
      : {
          claim,
          measured: xs.map((x) => `${pct(x.c)}: ${x.v.toFixed(1)}%`).join(' → '),
          verdict: yes(nonDecreasing(xs.map((x) => x.v))),
          runs: xs.flatMap((x) => x.runs),
        };
  return [
    check(
      'Test error peaks at the interpolation threshold N = n (Belkin et al. 2019; here: a peak above both sides beyond the noise, at N in [n/2, 2n])',
      ({ c, points, errs, peak, bump }) => {
        if (points.length < 3) return null;
        if (peak) {
          const N = points[peak.i].features;
          return {
            text: `${pct(c)}: ${showErr(errs[peak.i])} at ${peakRatio(N, n)}`,
            verdict: yes(N >= n / 2 && N <= 2 * n),
          };
        }
        if (!bump) return { text: `${pct(c)}: no peak`, verdict: 'fails' };
        const within = half(bump.rise.value < bump.fall.value ? bump.rise : bump.fall);
        return {
          text: `${pct(c)}: highest interior point ${showErr(errs[bump.i])} at ${peakRatio(points[bump.i].features, n)}, within the noise (±${within.toFixed(1)} points)`,
          verdict: 'inconclusive',
        };
      },
    ),
    check(
      'The norm of the minimum-norm solution peaks at N = n too (here: the largest ‖W‖ at N in [n/2, 2n])',
      ({ c, points }) => {
        if (points.length < 3) return null;
        const top = points.reduce((a, b) => (b.norm.mean > a.norm.mean ? b : a));
        return {
          text: `${pct(c)}: ${top.norm.mean.toPrecision(3)} at ${peakRatio(top.features, n)}`,
          verdict: yes(top.features >= n / 2 && top.features <= 2 * n),
        };
      },
    ),
    check(
      'Past the peak, more features help: the largest N has lower test error than the peak (beyond the noise)',
      ({ c, points, errs, peak }) => {
        if (!peak) return null;
        const last = errs[errs.length - 1];
        return {
          text: `${pct(c)}: ${showErr(errs[peak.i])} → ${showErr(last)} at N = ${fmtNum(points[points.length - 1].features)}`,
          verdict: below(difference(last, errs[peak.i]), 0),
        };
      },
    ),
    check(
      'Past the threshold the best model beats every under-parametrized one (Belkin et al. 2019; here: the best N > 2n below the best N < n/2, beyond the noise)',
      ({ c, points, errs }) => {
        const best = (keep: (N: number) => boolean) =>
          errs
            .filter((_, i) => keep(points[i].features))
            .reduce<Interval | null>((a, b) => (a === null || b.value < a.value ? b : a), null);
        const [small, large] = [best((N) => N < n / 2), best((N) => N > 2 * n)];
        if (!small || !large) return null;
        return {
          text: `${pct(c)}: ${showErr(large)} vs. ${showErr(small)}`,
          verdict: below(difference(large, small), 0),
        };
      },
    ),
    series(
      'Label noise raises the peak (Nakkiran et al. 2019; here: peak test error never lower with more noise)',
      withPeak.flatMap((x) => (x.peak ? [{ c: x.c, v: x.errs[x.peak.i].value, runs: x.runs }] : [])),
    ),
    series(
      'Label noise raises the test error around the threshold (here: mean test error over N in [n/2, 2n] never lower with more noise; at N = n itself it can sit at chance for every noise level)',
      withPeak.flatMap(({ c, runs }) => {
        const xs = c.points.filter((q) => q.size >= n / 2 && q.size <= 2 * n).map((q) => q.testErr);
        return xs.length ? [{ c, v: xs.reduce((a, b) => a + b, 0) / xs.length, runs }] : [];
      }),
    ),
  ];
}

const XLABEL = 'random features N (log scale)';

/** Test error and ‖W‖ against N, one line per noise level through the means, min–max shaded where seeds differ. */
async function rffFigures(curves: RffCurve[], n: number): Promise<Built['figures']> {
  const markers = [{ x: n, label: `N = n = ${fmtNum(n)}` }];
  const seeds = curves.some((c) => c.points.some((q) => q.testErr.n > 1));
  const band = seeds ? ' Lines: the mean over seeds; shaded: their min–max.' : '';
  const chart = (o: { title: string; yLabel: string; logY?: boolean; of: (q: RffPoint) => Stat }) =>
    lineChart({
      title: o.title,
      xLabel: XLABEL,
      yLabel: o.yLabel,
      logX: true,
      logY: o.logY,
      points: true,
      width: 560,
      series: curves.map(({ curve, points }) =>
        meanSeries(
          noiseLabel(curve.noise),
          points.map((q) => ({ x: q.features, s: o.of(q) })),
        ),
      ),
      markers,
    });
  return [
    {
      name: 'double-descent-rff',
      caption: `Test error of minimum-norm least squares on N random features vs. N, one line per label-noise level; the dashed line marks N = n.${band}`,
      figure: await chart({
        title: 'Random-features double descent',
        yLabel: 'test error (%)',
        of: (q) => q.testErr,
      }),
    },
    {
      name: 'double-descent-rff-norm',
      caption: `Frobenius norm of the minimum-norm solution W = Φ⁺Y vs. N (log scales).${band}`,
      figure: await chart({
        title: 'Norm of the minimum-norm solution',
        yLabel: '‖W‖_F (log scale)',
        logY: true,
        of: (q) => q.norm,
      }),
    },
  ];
}

/** The report: test error and ‖W‖ against N (log scale) with N = n marked; the peak, per-N and claims tables. */
export async function doubleDescentRff(runs: TheoryReportRun[]): Promise<Built> {
  const curves = rffCurves(runs);
  const n = curves.flatMap((c) => c.points)[0]?.cell.done[0].result.n ?? 0;
  const figures: Built['figures'] = [];
  const tables: Table[] = [];
  if (curves.length && n > 0) {
    figures.push(...(await rffFigures(curves, n)));
    const note = seedsNote(curves.flatMap((c) => c.points.map((q) => q.cell)));
    tables.push(peakTable(curves, n, note), cellTable(curves, n));
  }
  const claims = rffClaims(curves, n);
  tables.push(claimRows(claims));
  return { figures, tables, claims };
}

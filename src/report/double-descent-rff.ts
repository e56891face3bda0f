// Double descent of random-features regression (double-descent-rff preset): test error and ‖W‖ against N, n marked.
import { labelCorruption } from '../randomize/index.js';
import type { RandomFeaturesResult } from '../experiments/theory/random-features.js';
import type { TheoryPlannedRun } from '../presets/theory-preset.js';
import type { Claim } from './claims.js';
import { claimRows } from './claims.js';
import { curveFigure, findPeak, noiseLabel, nonDecreasing, type Curve } from './double-descent.js';
import { datasetLayout } from '../data/index.js';
import { every, samplingError, type Verdict } from './verdict.js';
import type { Built } from './figures.js';
import { lineChart } from './plot.js';
import { fmtNum, MISSING, type Cell, type Table } from './table.js';

interface Done {
  run: TheoryPlannedRun;
  result: RandomFeaturesResult;
}
const noise = (r: Done) => labelCorruption((r.run.options as { labels: string }).labels);

/** One curve per label-noise level over the complete runs, in increasing N; with each point's result. */
export function rffCurves(
  runs: { run: TheoryPlannedRun; result: unknown }[],
): { curve: Curve; runs: Done[] }[] {
  const done = runs.filter((r): r is Done => r.result !== null);
  const levels = [...new Set(done.map(noise))].sort((a, b) => a - b);
  return levels.map((p) => {
    const mine = done.filter((r) => noise(r) === p).sort((a, b) => a.result.features - b.result.features);
    const points = mine.map(({ result: r }) => ({
      size: r.features,
      testErr: 100 * r.testError,
      trainErr: 100 * r.trainError,
    }));
    return { curve: { noise: p, points }, runs: mine };
  });
}

const peakRatio = (size: number, n: number) => `N = ${(size / n).toFixed(2)}·n`;

function peakTable(curves: { curve: Curve; runs: Done[] }[], n: number): Table {
  const rows: Cell[][] = curves.map(({ curve: c, runs }) => {
    const peak = findPeak(c.points);
    const nearest = runs.reduce((a, b) =>
      Math.abs(b.result.features - n) < Math.abs(a.result.features - n) ? b : a,
    );
    const best = (xs: Done[]) =>
      xs.length ? Math.min(...xs.map((r) => 100 * r.result.testError)).toFixed(2) : MISSING;
    return [
      noiseLabel(c.noise),
      peak ? `${fmtNum(peak.size)} (${peakRatio(peak.size, n)})` : 'no peak',
      peak ? peak.testErr.toFixed(2) : MISSING,
      `${(100 * nearest.result.testError).toFixed(2)} at N = ${fmtNum(nearest.result.features)}`,
      best(runs.filter((r) => r.result.features < 0.5 * n)),
      best(runs.filter((r) => r.result.features > 2 * n)),
      nearest.result.norm.toPrecision(3),
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
    ],
    rows,
    notes: [
      `n = ${fmtNum(n)} training examples. Published (Belkin et al. 2019, Figure 2: random Fourier features on 10,000 MNIST digits): the test error of the minimum-norm fit peaks at N = n, where ‖W‖ peaks too, and falls again for N > n, below the best N < n; label noise raises the peak (Nakkiran et al. 2019). A peak here: an interior maximum at least 1 point above both the best smaller and the best larger N.`,
    ],
  };
}

function perRunTable(curves: { curve: Curve; runs: Done[] }[], n: number): Table {
  const rows: Cell[][] = curves.flatMap(({ curve: c, runs }) =>
    runs.map(({ result: r }) => [
      noiseLabel(c.noise),
      fmtNum(r.features),
      (r.features / n).toFixed(2),
      (100 * r.trainError).toFixed(2),
      (100 * r.testError).toFixed(2),
      r.testMse.toFixed(3),
      r.norm.toPrecision(3),
      r.rank,
      r.seconds.toFixed(1),
    ]),
  );
  return {
    title: 'Every N: errors of the minimum-norm least-squares fit',
    columns: [
      'label noise',
      'N',
      'N / n',
      'train error %',
      'test error %',
      'test squared loss',
      '‖W‖_F',
      'rank',
      'seconds',
    ],
    rows,
    notes: [
      'Test set clean; squared loss against one-hot targets, summed over classes, averaged over examples.',
    ],
  };
}

/** One run's 95% noise on a difference of two test errors, in points: √2 sampling errors on its test set. */
function diffNoise(r: Done): number {
  const d = (r.run.options as { dataset: { name: string; testSize: number | null } }).dataset;
  const all = datasetLayout(d.name).test;
  return 100 * Math.SQRT2 * samplingError(r.result.testError, Math.min(d.testSize ?? all, all));
}

/** The published claims of random-features double descent, measured on the complete runs (one draw each). */
export function rffClaims(curves: { curve: Curve; runs: Done[] }[], n: number): Claim[] {
  const pct = (c: Curve) => `${Math.round(100 * c.noise)}%`;
  const withPeak = curves.map(({ curve: c, runs }) => {
    const noise = runs.length ? Math.max(...runs.map(diffNoise)) : 0;
    // A peak must stand above both sides by more than the noise; a smaller interior maximum is inconclusive.
    return { c, runs, noise, peak: findPeak(c.points, noise), bump: findPeak(c.points, 1e-9) };
  });
  const ids = (xs: { runs: Done[] }[]) => xs.flatMap((x) => x.runs.map((r) => r.run.id));
  const check = (
    claim: string,
    f: (x: (typeof withPeak)[number]) => { text: string; verdict: Verdict } | null,
  ) => {
    const got = withPeak.map((x) => ({ x, g: f(x) })).filter((y) => y.g !== null);
    if (!got.length) return { claim, verdict: 'not measured' as const, measured: MISSING, runs: [] };
    return {
      claim,
      measured: got.map((y) => y.g?.text).join('; '),
      verdict: every(got.map((y) => y.g?.verdict ?? 'not measured')),
      runs: ids(got.map((y) => y.x)),
    };
  };
  const yes = (b: boolean): Verdict => (b ? 'holds' : 'fails');
  const series = (claim: string, xs: { c: Curve; v: number; runs: Done[] }[], text: (v: number) => string) =>
    xs.length < 2
      ? { claim, verdict: 'not measured' as const, measured: MISSING, runs: [] }
      : {
          claim,
          measured: xs.map((x) => `${pct(x.c)}: ${text(x.v)}`).join(' → '),
          verdict: yes(nonDecreasing(xs.map((x) => x.v))),
          runs: ids(xs),
        };
  return [
    check(
      'Test error peaks at the interpolation threshold N = n (Belkin et al. 2019; here: a peak above both sides beyond the noise, at N in [n/2, 2n])',
      ({ c, peak, bump, noise }) =>
        c.points.length < 3
          ? null
          : peak
            ? {
                text: `${pct(c)}: ${peak.testErr.toFixed(1)}% at ${peakRatio(peak.size, n)}`,
                verdict: yes(peak.size >= n / 2 && peak.size <= 2 * n),
              }
            : bump
              ? {
                  text: `${pct(c)}: highest interior point ${bump.testErr.toFixed(1)}% at ${peakRatio(bump.size, n)}, within the noise (±${noise.toFixed(1)} points)`,
                  verdict: 'inconclusive',
                }
              : { text: `${pct(c)}: no peak`, verdict: 'fails' },
    ),
    check(
      'The norm of the minimum-norm solution peaks at N = n too (here: the largest ‖W‖ at N in [n/2, 2n])',
      ({ c, runs }) => {
        if (runs.length < 3) return null;
        const top = runs.reduce((a, b) => (b.result.norm > a.result.norm ? b : a));
        const N = top.result.features;
        return {
          text: `${pct(c)}: ${top.result.norm.toPrecision(3)} at ${peakRatio(N, n)}`,
          verdict: yes(N >= n / 2 && N <= 2 * n),
        };
      },
    ),
    check(
      'Past the peak, more features help: the largest N has lower test error than the peak (beyond the noise)',
      ({ c, peak, noise }) => {
        if (!peak) return null;
        const last = c.points[c.points.length - 1];
        const d = last.testErr - peak.testErr;
        return {
          text: `${pct(c)}: ${peak.testErr.toFixed(1)}% → ${last.testErr.toFixed(1)}% at N = ${fmtNum(last.size)}`,
          verdict: d < -noise ? 'holds' : d > noise ? 'fails' : 'inconclusive',
        };
      },
    ),
    check(
      'Past the threshold the best model beats every under-parametrized one (Belkin et al. 2019; here: the best N > 2n below the best N < n/2, beyond the noise)',
      ({ c, runs, noise }) => {
        const best = (xs: Done[]) => Math.min(...xs.map((r) => 100 * r.result.testError));
        const small = runs.filter((r) => r.result.features < n / 2);
        const large = runs.filter((r) => r.result.features > 2 * n);
        if (!small.length || !large.length) return null;
        const [a, b] = [best(small), best(large)];
        return {
          text: `${pct(c)}: ${b.toFixed(1)}% vs. ${a.toFixed(1)}%`,
          verdict: b - a < -noise ? 'holds' : b - a > noise ? 'fails' : 'inconclusive',
        };
      },
    ),
    series(
      'Label noise raises the peak (Nakkiran et al. 2019; here: peak test error never lower with more noise)',
      withPeak.flatMap((x) => (x.peak ? [{ c: x.c, v: x.peak.testErr, runs: x.runs }] : [])),
      (v) => `${v.toFixed(1)}%`,
    ),
    series(
      'Label noise raises the test error around the threshold (here: mean test error over N in [n/2, 2n] never lower with more noise; at N = n itself it can sit at chance for every noise level)',
      curves.flatMap(({ curve: c, runs }) => {
        const xs = c.points.filter((q) => q.size >= n / 2 && q.size <= 2 * n).map((q) => q.testErr);
        return xs.length ? [{ c, v: xs.reduce((a, b) => a + b, 0) / xs.length, runs }] : [];
      }),
      (v) => `${v.toFixed(1)}%`,
    ),
  ];
}

/** The report: test error and ‖W‖ against N (log scale) with N = n marked; the peak, per-run and claims tables. */
export async function doubleDescentRff(runs: { run: TheoryPlannedRun; result: unknown }[]): Promise<Built> {
  const curves = rffCurves(runs);
  const n = curves.flatMap((c) => c.runs)[0]?.result.n ?? 0;
  const figures = [];
  const tables: Table[] = [];
  if (curves.length && n > 0) {
    const markers = [{ x: n, label: `N = n = ${fmtNum(n)}` }];
    const xLabel = 'random features N (log scale)';
    figures.push({
      name: 'double-descent-rff',
      caption:
        'Test error of minimum-norm least squares on N random features vs. N, one line per label-noise level; the dashed line marks N = n.',
      figure: await curveFigure({
        title: 'Random-features double descent',
        xLabel,
        curves: curves.map((c) => c.curve),
        which: 'testErr',
        markers,
      }),
    });
    figures.push({
      name: 'double-descent-rff-norm',
      caption: 'Frobenius norm of the minimum-norm solution W = Φ⁺Y vs. N (log scales).',
      figure: await lineChart({
        title: 'Norm of the minimum-norm solution',
        xLabel,
        yLabel: '‖W‖_F (log scale)',
        logX: true,
        logY: true,
        points: true,
        width: 560,
        series: curves.map(({ curve: c, runs: rs }) => ({
          name: noiseLabel(c.noise),
          x: rs.map((r) => r.result.features),
          y: rs.map((r) => r.result.norm),
        })),
        markers,
      }),
    });
    tables.push(peakTable(curves, n), perRunTable(curves, n));
  }
  const claims = rffClaims(curves, n);
  tables.push(claimRows(claims));
  return { figures, tables, claims };
}

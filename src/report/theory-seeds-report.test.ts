// Theory reports per cell: table3 and double-descent-rff from made-up results with one seed (plain numbers, as
// before) and three (mean ± interval (min–max), a seeds column and note, bands), and claims on the seed spread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RandomFeaturesResult } from '../experiments/theory/random-features.js';
import type { KernelExperimentResult } from '../experiments/theory/kernel.js';
import {
  isTheoryPreset,
  loadAnyPreset,
  planTheoryPreset,
  type TheoryPlannedRun,
  type TheoryPreset,
} from '../presets/theory-preset.js';
import { buildTheoryReport, type TheoryReportRun } from './theory-report.js';
import type { Table } from './table.js';

function preset(name: string): TheoryPreset {
  const p = loadAnyPreset(name);
  assert.ok(isTheoryPreset(p));
  return p;
}

/** The smoke plan with `seeds` seeds, each run's result made up by `make` (null: not complete). */
function fakeRuns(name: string, seeds: number, make: (run: TheoryPlannedRun) => unknown): TheoryReportRun[] {
  return planTheoryPreset(preset(name), 'smoke', {}, seeds).map((run) => ({ run, result: make(run) }));
}

const SPREAD = /^\d[\d,.]*%? ± [\d.]+ \([\d,.]+%?–[\d,.]+%?\)$/;
const cells = (t: Table) => t.rows.flat().map(String);
const BAND = 'opacity="0.18"';

const options = (r: TheoryPlannedRun) =>
  r.options as { features: { name: string; count: number }; ridge: number; labels: string };

function kernel(run: TheoryPlannedRun): KernelExperimentResult {
  const o = options(run);
  const k = run.replicate;
  return {
    dataset: 'fashion-mnist',
    labels: 'true',
    n: 200,
    d: 784,
    kernel: 'gaussian',
    gamma: 0.02,
    ridge: o.ridge,
    features: o.features.name,
    dtype: 'float64',
    trainError: 0,
    testError: 0.2 + 0.01 * k + (o.ridge > 0 ? 0.05 : 0),
    norm: 100 + 10 * k,
    solver: 'cholesky',
    iterations: 0,
    relativeResidual: null,
    featureSeconds: 0,
    solveSeconds: 0,
    seconds: 1.25 + k,
    peakRssMiB: 100,
  };
}

test('table3 with one seed: one row per run, plain numbers as before, no seeds column', async () => {
  const built = await buildTheoryReport(preset('table3'), fakeRuns('table3', 1, kernel));
  const t = built.tables[0];
  assert.equal(t.rows.length, 6);
  assert.ok(!t.columns.includes('seeds'));
  assert.deepEqual(t.rows[0], [
    'fashion-mnist',
    'pixels',
    0,
    200,
    '20.00%',
    '1.20%',
    '+18.80',
    '100.0',
    '220.0',
    '-120.0',
    'cholesky',
    '1.3',
  ]);
  assert.ok(!(t.notes ?? []).some((n) => n.includes('seeds')));
});

test('table3 with three seeds: one row per cell with the mean ± interval (min–max), "k of n" while seeds are missing', async () => {
  const built = await buildTheoryReport(preset('table3'), fakeRuns('table3', 3, kernel));
  const t = built.tables[0];
  assert.equal(t.rows.length, 6);
  assert.equal(t.columns[t.columns.length - 1], 'seeds');
  assert.deepEqual(t.rows[0].slice(4, 8), [
    '21.00% ± 2.48 (20.00%–22.00%)',
    '1.20%',
    '+19.80',
    '110.0 ± 24.8 (100.0–120.0)',
  ]);
  assert.ok(t.rows.every((r) => r[r.length - 1] === '3'));
  assert.ok((t.notes ?? []).some((n) => n.includes('the mean over its 3 seeds')));
  // The third seed not complete yet: the other two, min–max.
  const partial = fakeRuns('table3', 3, (r) => (r.replicate === 2 ? null : kernel(r)));
  const p = (await buildTheoryReport(preset('table3'), partial)).tables[0];
  assert.equal(p.rows[0][4], '20.50% (20.00%–21.00%)');
  assert.ok(p.rows.every((r) => r[r.length - 1] === '2 of 3'));
});

const N = [20, 60, 100, 150, 300, 1000]; // the smoke grid; n = 100
const ERR = [40, 45, 80, 50, 35, 30]; // test error (%) at each N: a peak at N = n

/** A random-features result: ERR's curve (+10 with label noise), moved by `jitter(k, i)` points for seed k. */
function rff(jitter: (k: number, i: number) => number) {
  return (run: TheoryPlannedRun): RandomFeaturesResult => {
    const o = options(run);
    const i = N.indexOf(o.features.count);
    const err = ERR[i] + (o.labels === 'true' ? 0 : 10) + jitter(run.replicate, i);
    return {
      dataset: 'fashion-mnist',
      n: 100,
      features: o.features.count,
      classes: 10,
      labelChangedFraction: 0,
      trainError: o.features.count >= 100 ? 0 : 0.1,
      testError: err / 100,
      trainMse: 0,
      testMse: 0.5,
      norm: i === 2 ? 100 : 10 + run.replicate,
      rank: Math.min(o.features.count, 100),
      smallestEigenvalue: 1e-6,
      seconds: 0.5,
    };
  };
}

const small = (k: number) => [0, 1, -1][k];

test('double-descent-rff with one seed: plain numbers per N, lines without bands, claims on the sampling noise', async () => {
  const built = await buildTheoryReport(
    preset('double-descent-rff'),
    fakeRuns('double-descent-rff', 1, rff(small)),
  );
  const [peaks, perN] = built.tables;
  assert.equal(perN.rows.length, 12);
  assert.ok(!perN.columns.includes('seeds'));
  assert.deepEqual(perN.rows[2].slice(0, 5), ['label noise 0%', '100', '1.00', '0.00', '80.00']);
  assert.deepEqual(peaks.rows[0].slice(1, 4), ['100 (N = 1.00·n)', '80.00', '80.00 at N = 100']);
  for (const t of [peaks, perN]) assert.ok(!cells(t).some((c) => c.includes(' ± ')));
  for (const f of built.figures) assert.ok(!f.figure.svg.includes(BAND), f.name);
  assert.deepEqual(
    built.claims?.map((c) => c.verdict),
    ['holds', 'holds', 'holds', 'holds', 'holds', 'holds'],
  );
  assert.match(built.claims?.[2].measured ?? '', /^0%: 80\.0% → 30\.0% at N = 1,000; /);
});

test('double-descent-rff with three seeds: mean ± interval per N, a seeds column, bands, claims on the seed spread', async () => {
  const built = await buildTheoryReport(
    preset('double-descent-rff'),
    fakeRuns('double-descent-rff', 3, rff(small)),
  );
  const [peaks, perN] = built.tables;
  assert.equal(perN.rows.length, 12, 'one row per cell');
  assert.equal(perN.rows[2][4], '80.00 ± 2.48 (79.00–81.00)');
  assert.ok(perN.rows.every((r) => r[r.length - 1] === '3'));
  assert.ok(cells(peaks).some((c) => SPREAD.test(c)));
  assert.ok((peaks.notes ?? []).some((n) => n.includes('Peaks are found on the mean curve')));
  for (const f of built.figures) {
    assert.ok(f.figure.svg.includes(BAND), `${f.name} draws its min–max band`);
    assert.match(f.caption, /the mean over seeds; shaded: their min–max/);
  }
  assert.deepEqual(
    built.claims?.map((c) => c.verdict),
    ['holds', 'holds', 'holds', 'holds', 'holds', 'holds'],
  );
  // Intervals in brackets: the 95% t-interval of three seeds.
  assert.match(
    built.claims?.[2].measured ?? '',
    /^0%: 80\.0% \[77\.5, 82\.5\] → 30\.0% \[27\.5, 32\.5\] at N = 1,000/,
  );
  assert.equal(built.claims?.[0].runs.length, 36);
});

test('double-descent-rff claims: two seeds far apart make "past the peak" inconclusive where one seed holds', async () => {
  // The largest N: seed 0 at 30%, seed 1 at 90% — their min–max spans the peak.
  const apart = rff((k, i) => (i === N.length - 1 ? 60 * k : 0));
  const verdict = async (seeds: number) => {
    const built = await buildTheoryReport(
      preset('double-descent-rff'),
      fakeRuns('double-descent-rff', seeds, apart),
    );
    return built.claims?.[2];
  };
  assert.equal((await verdict(1))?.verdict, 'holds');
  const two = await verdict(2);
  assert.equal(two?.verdict, 'inconclusive');
  assert.match(two?.measured ?? '', /→ 60\.0% \[30\.0, 90\.0\] at N = 1,000/);
});

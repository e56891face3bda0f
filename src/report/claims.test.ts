// Claims as tests: for each report kind, constructed runs on which each claim holds, fails, is inconclusive
// (an effect within its noise) and is not measured (runs missing or unfitted where the claim needs them).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { FitSummary } from '../store/run-dir.js';
import { loadPreset, planPreset, type PlannedRun, type ReportKind } from '../presets/preset.js';
import type { PartialConfig } from '../config/config.js';
import { claimsOf, claimsTable } from './claims.js';
import type { ReportRun } from './seeds.js';
import type { Verdict } from './verdict.js';

interface Fake {
  fit?: number | null; // steps to fit (null: not fitted)
  train?: number;
  test?: number;
  best?: number;
  epochs?: number;
  params?: number;
  dir?: string;
}
const summary = (f: Fake): FitSummary =>
  ({
    stepsToFit: f.fit === undefined ? 100 : f.fit,
    trainAcc: f.train ?? (f.fit === null ? 0.6 : 1),
    testAcc: f.test ?? 0.8,
    bestTestAcc: f.best ?? f.test ?? 0.8,
    epochs: f.epochs ?? 100,
    steps: 10 * (f.epochs ?? 100), // 10 steps an epoch: one seed's noise of steps to fit
    params: f.params ?? 1000,
    dir: f.dir ?? '',
  }) as FitSummary;

// Every test set whole (10,000 images): one seed's sampling error of an accuracy near 80% is ±0.8 points.
const WHOLE: PartialConfig = { dataset: { testSize: null } };
const plan = (preset: string, seeds = 1, overrides: PartialConfig = {}) =>
  planPreset(loadPreset(preset), 'smoke', { ...WHOLE, ...overrides }, seeds);

/** Runs of a plan with a summary from `of` (undefined: not complete). */
const runsOf = (p: PlannedRun[], of: (r: PlannedRun) => Fake | undefined): ReportRun[] =>
  p.map((run) => {
    const f = of(run);
    return { run, summary: f ? summary(f) : null };
  });
const verdicts = (kind: ReportKind, runs: ReportRun[], sf: Record<string, string> = {}): Verdict[] =>
  claimsOf(kind, runs, sf).map((c) => c.verdict);
const labels = (r: PlannedRun) => r.config.randomization.labels;

test('fig1a: every variant fits, and random pixels and Gaussian fit faster than random labels', () => {
  const p = plan('fig1a');
  const steps = (v: Record<string, number | null>) =>
    runsOf(p, (r) => ({ fit: r.variant in v ? v[r.variant] : 100 }));
  // One seed's noise: one epoch (10 steps) each, 14 on a difference.
  assert.deepEqual(verdicts('fig1a', steps({ 'random labels': 500, 'random pixels': 300, Gaussian: 300 })), [
    'holds',
    'holds',
  ]);
  assert.deepEqual(verdicts('fig1a', steps({ 'random labels': 200, 'random pixels': null })), [
    'fails',
    'fails',
  ]);
  assert.deepEqual(verdicts('fig1a', steps({ 'random labels': 500, 'random pixels': 495, Gaussian: 300 })), [
    'holds',
    'inconclusive',
  ]);
  const noRandomLabels = runsOf(p, (r) => (r.variant === 'random labels' ? undefined : { fit: 100 }));
  assert.deepEqual(verdicts('fig1a', noRandomLabels), ['not measured', 'not measured']);
  const c = claimsOf('fig1a', noRandomLabels, {});
  assert.match(c[0].measured, /random labels: 0 of 1 runs complete/);
  assert.equal(c[0].runs.length, 5);
});

test('fig1b: the slowdown factor and its growth with p; unfitted runs never make them hold', () => {
  const p = plan('fig1b'); // mlp-1x64 at p = 0, 0.5, 1
  const steps = (s: (number | null)[], epochs = 100) => runsOf(p, (r) => ({ fit: s[p.indexOf(r)], epochs }));
  assert.deepEqual(verdicts('fig1b', steps([100, 200, 300])), ['holds', 'holds']);
  assert.deepEqual(verdicts('fig1b', steps([300, 200, 100])), ['holds', 'fails']);
  // Random labels not fitted in 1,000 steps while true labels took 50: at least 16×.
  assert.deepEqual(verdicts('fig1b', steps([50, 100, null])), ['fails', 'not measured']);
  assert.deepEqual(verdicts('fig1b', steps([100, 105, 108])), ['holds', 'inconclusive']);
  // One epoch each, nothing fitted (genlab run fig1b --set train.epochs=1): nothing holds.
  assert.deepEqual(verdicts('fig1b', steps([null, null, null], 1)), ['not measured', 'not measured']);
  assert.deepEqual(verdicts('fig1b', steps([100, 200, 300]).slice(1)), ['not measured', 'not measured']);
});

test('fig1c: test error at convergence rises with p to chance', () => {
  const p = plan('fig1b');
  const tests = (t: number[], fit: number | null = 100) => runsOf(p, (r) => ({ fit, test: t[p.indexOf(r)] }));
  assert.deepEqual(verdicts('fig1c', tests([0.8, 0.5, 0.1])), ['holds', 'holds']);
  assert.deepEqual(verdicts('fig1c', tests([0.8, 0.5, 0.7])), ['fails', 'fails']);
  assert.deepEqual(verdicts('fig1c', tests([0.8, 0.8, 0.052])), ['holds', 'inconclusive']);
  assert.deepEqual(verdicts('fig1c', tests([0.8, 0.8, 0.795])), ['inconclusive', 'fails']);
  assert.deepEqual(verdicts('fig1c', tests([0.8, 0.5, 0.1], null)), ['not measured', 'not measured']);
});

test('table1: random labels fitted, regularizers not needed but helpful, chance with random labels', () => {
  const p = plan('table1'); // mlp-1x64: wd, none, random labels
  const sf = { 'mlp-1x64': 'mlp-3x512' };
  const table = (rl: Fake, wd: number, none = 0.8) =>
    runsOf(p, (r) => (r.variant === 'random labels' ? rl : { test: r.variant === 'wd' ? wd : none }));
  assert.deepEqual(verdicts('table1', table({ train: 1, test: 0.1 }, 0.83), sf), [
    'holds',
    'holds',
    'holds',
    'holds',
  ]);
  assert.deepEqual(verdicts('table1', table({ train: 0.95, test: 0.3 }, 0.9), sf), [
    'fails',
    'fails',
    'holds',
    'fails',
  ]);
  assert.deepEqual(verdicts('table1', table({ train: 1, test: 0.1 }, 0.7), sf)[2], 'fails'); // weight decay hurts
  assert.deepEqual(verdicts('table1', table({ train: 1, test: 0.131 }, 0.805), sf), [
    'holds',
    'holds',
    'inconclusive',
    'inconclusive',
  ]);
  // Two seeds of random labels at 98.5% and 99.5%: the 99% bar inside their spread.
  const two = plan('table1', 2);
  const spread = runsOf(two, (r) =>
    r.variant === 'random labels' ? { train: r.replicate ? 0.995 : 0.985, test: 0.1 } : { test: 0.8 },
  );
  assert.equal(verdicts('table1', spread, sf)[0], 'inconclusive');
  const none = runsOf(p, () => undefined);
  assert.deepEqual(verdicts('table1', none, sf), [
    'not measured',
    'not measured',
    'not measured',
    'not measured',
  ]);
  // MLP 1×512 with weight decay alone is the paper's own exception to "regularizers help".
  assert.equal(
    verdicts('table1', table({ train: 1, test: 0.1 }, 0.7), { 'mlp-1x64': 'mlp-1x512' })[2],
    'not measured',
  );
});

test('table1: regularizers are compared at equal epochs, not a run stopped at fit against a longer one', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'genlab-claims-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // "none" stopped at fit after 10 epochs with 80%; weight decay ran 100 epochs, 79% at epoch 10, 90% at the end.
  const wdDir = path.join(dir, 'wd');
  writeMetrics(
    wdDir,
    Array.from({ length: 100 }, (_, i) => (i === 9 ? 0.79 : 0.9)),
  );
  const p = plan('table1');
  const runs = runsOf(p, (r) =>
    r.variant === 'wd'
      ? { test: 0.9, epochs: 100, dir: wdDir }
      : r.variant === 'none'
        ? { test: 0.8, epochs: 10 }
        : { train: 1, test: 0.1 },
  );
  const c = claimsOf('table1', runs, { 'mlp-1x64': 'mlp-3x512' });
  assert.match(c[1].measured, /-1\.00 \[.*\] points at epoch 10/);
  assert.equal(c[2].verdict, 'inconclusive');
});

function writeMetrics(dir: string, testAcc: number[]): void {
  mkdirSync(dir, { recursive: true });
  const line = (a: number, i: number) =>
    JSON.stringify({
      epoch: i + 1,
      step: 10 * (i + 1),
      lr: 0.1,
      stepLoss: 1,
      trainLoss: 1,
      trainAcc: 1,
      testLoss: 1,
      testAcc: a,
      seconds: 1,
    });
  writeFileSync(path.join(dir, 'metrics.jsonl'), testAcc.map(line).join('\n') + '\n');
}

test('appendix: random labels fitted with weight decay, except by AlexNet', () => {
  const p = [
    ...plan('table-random-regularized'),
    ...plan('table-random-regularized', 1, { model: { name: 'alexnet-small' } }),
  ];
  const isAlex = (r: PlannedRun) => r.config.model.name === 'alexnet-small';
  const with_ = (alex: number, mlp = 1) => runsOf(p, (r) => ({ train: isAlex(r) ? alex : mlp }));
  assert.deepEqual(verdicts('table-random-regularized', with_(0.5))[0], 'holds');
  assert.deepEqual(verdicts('table-random-regularized', with_(1))[0], 'fails'); // AlexNet fits: the paper says it fails to
  const two = [...plan('table-random-regularized', 2, { model: { name: 'alexnet-small' } })];
  const spread = runsOf(two, (r) => ({ train: r.replicate ? 1 : 0.98 }));
  assert.equal(verdicts('table-random-regularized', spread)[0], 'inconclusive');
  assert.equal(
    verdicts(
      'table-random-regularized',
      runsOf(p, () => undefined),
    )[0],
    'not measured',
  );
});

test('early stopping: measured only where training went past fitting; a gain beyond the noise, at most 5 points', () => {
  const p = plan('table1', 1, { train: { stopAtTarget: false } });
  const gain = (best: number, fit: number | null = 100) => runsOf(p, () => ({ fit, test: 0.8, best }));
  assert.deepEqual(verdicts('early-stopping', gain(0.83)), ['holds']);
  assert.deepEqual(verdicts('early-stopping', gain(0.9)), ['fails']);
  assert.deepEqual(verdicts('early-stopping', gain(0.805)), ['inconclusive']);
  const stopped = runsOf(plan('table1', 1, { train: { stopAtTarget: true } }), () => ({
    test: 0.8,
    best: 0.83,
  }));
  assert.deepEqual(verdicts('early-stopping', stopped), ['not measured']);
  assert.match(claimsOf('early-stopping', stopped, {})[0].measured, /stopped at the first fitted epoch/);
});

test('fig2b: both fit, BN worth 1–6 points at equal epochs, BN steadier only when both networks train', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'genlab-claims-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = plan('fig2b'); // inception-small, inception-small-nobn
  let k = 0;
  const run = (test: number, accs: number[], train = 1): Fake => {
    const d = path.join(dir, String(k++));
    writeMetrics(d, accs);
    return { test, train, epochs: accs.length, dir: d, fit: train >= 1 ? 100 : null };
  };
  const steady = [0.5, 0.7, 0.8, 0.82, 0.83];
  const jumpy = [0.4, 0.7, 0.5, 0.75, 0.8];
  const fig = (bn: Fake, nobn: Fake) =>
    runsOf(p, (r) => (r.config.model.name === 'inception-small' ? bn : nobn));
  assert.deepEqual(verdicts('fig2b', fig(run(0.83, steady), run(0.8, jumpy))), ['holds', 'holds', 'holds']);
  assert.deepEqual(verdicts('fig2b', fig(run(0.83, steady), run(0.75, steady))), [
    'holds',
    'fails',
    'inconclusive',
  ]);
  assert.deepEqual(verdicts('fig2b', fig(run(0.83, jumpy), run(0.825, steady))), [
    'holds',
    'inconclusive',
    'fails',
  ]);
  // Without BN the network does not train: its test accuracy and its steadiness say nothing about BN's effect.
  const flat = [0.1, 0.1, 0.1, 0.1, 0.1];
  const c = claimsOf('fig2b', fig(run(0.83, steady), run(0.1, flat, 0.1)), {});
  assert.deepEqual(
    c.map((x) => x.verdict),
    ['fails', 'not measured', 'not measured'],
  );
  assert.match(
    c[1].measured,
    /does not train \(train 10\.0%\): BN's effect between networks that train is not measured/,
  );
  assert.match(c[2].measured, /does not train/);
});

test('double descent (width): a peak beyond the noise, near the threshold, larger models better past it', () => {
  const p = plan('double-descent-width'); // widths 1, 4, 64 × labels true, 20% noise
  const params: Record<string, number> = { 'mlp-1x1': 795, 'mlp-1x4': 3190, 'mlp-1x64': 50890 };
  const curve = (noisy: number[], train = [0.6, 1, 1]) =>
    runsOf(p, (r) => {
      const i = ['mlp-1x1', 'mlp-1x4', 'mlp-1x64'].indexOf(r.config.model.name);
      const n = labels(r) === 'true';
      return { test: n ? 0.8 : 1 - noisy[i], train: train[i], params: params[r.config.model.name] };
    });
  assert.deepEqual(verdicts('double-descent-width', curve([0.4, 0.6, 0.3])), [
    'holds',
    'holds',
    'holds',
    'holds',
  ]);
  assert.deepEqual(verdicts('double-descent-width', curve([0.6, 0.5, 0.3]))[0], 'fails');
  assert.deepEqual(verdicts('double-descent-width', curve([0.4, 0.41, 0.3]))[0], 'inconclusive');
  assert.deepEqual(
    verdicts(
      'double-descent-width',
      runsOf(p, () => undefined),
    ),
    ['not measured', 'not measured', 'not measured', 'not measured'],
  );
});

test('the claims table has a verdict column; without runs every claim is not measured', () => {
  const t = claimsTable(
    'fig1b',
    runsOf(plan('fig1b'), () => undefined),
    {},
  );
  assert.deepEqual(t.columns, ['claim (paper)', 'measured', 'verdict']);
  assert.deepEqual(
    t.rows.map((r) => r[2]),
    ['not measured', 'not measured'],
  );
});

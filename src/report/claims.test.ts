// Claims tables: each claim's measured value and verdict from complete runs, "—" until runs exist.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FitSummary } from '../experiments/fit.js';
import { loadPreset, planPreset } from '../presets/preset.js';
import { claimsOf, claimsTable } from './claims.js';
import type { ReportRun } from './figures.js';

const summary = (stepsToFit: number | null, trainAcc: number, testAcc: number): FitSummary =>
  ({ stepsToFit, trainAcc, testAcc, bestTestAcc: testAcc, epochs: 10, dir: '' }) as FitSummary;

function fig1bRuns(fits: (number | null)[], tests: number[]): ReportRun[] {
  // smoke: MLP 1×64 (for MLP 1×512) at p = 0, 0.5, 1
  return planPreset(loadPreset('fig1b'), 'smoke').map((run, i) => ({
    run,
    summary: summary(fits[i], fits[i] === null ? 0.6 : 1, tests[i]),
  }));
}
const sf = { 'mlp-1x64': 'mlp-1x512' };

test('fig1b and fig1c claims hold on a steady slowdown and a test error rising to chance', () => {
  const runs = fig1bRuns([100, 200, 300], [0.8, 0.5, 0.1]);
  assert.deepEqual(
    claimsOf('fig1b', runs, sf).map((c) => [c.measured, c.holds]),
    [
      ['mlp-1x64 (for MLP 1×512) 3.00×', true],
      ['mlp-1x64 (for MLP 1×512) 100 → 200 → 300', true],
    ],
  );
  assert.deepEqual(
    claimsOf('fig1c', runs, sf).map((c) => [c.measured, c.holds]),
    [
      ['mlp-1x64 (for MLP 1×512) 20.0 → 50.0 → 90.0%', true],
      ['mlp-1x64 (for MLP 1×512) 90.00%', true],
    ],
  );
});

test('claims fail when random labels are not fitted or test error stays low; "—" without runs', () => {
  const runs = fig1bRuns([100, 200, null], [0.8, 0.5, 0.3]);
  const slow = claimsOf('fig1b', runs, sf);
  assert.equal(slow[0].measured, 'mlp-1x64 (for MLP 1×512) not fitted');
  assert.equal(slow[0].holds, false);
  assert.equal(claimsOf('fig1c', runs, sf)[1].holds, false);
  const none = claimsTable(
    'fig1b',
    runs.map((r) => ({ ...r, summary: null })),
    sf,
  );
  assert.deepEqual(
    none.rows.map((r) => r.slice(1)),
    [
      ['—', '—'],
      ['—', '—'],
    ],
  );
  assert.deepEqual(none.columns, ['claim (paper)', 'measured', 'holds']);
});

test('table1 claims: random labels fitted, regularizers worth a few points, chance on random labels', () => {
  const plan = planPreset(loadPreset('table1'), 'smoke'); // MLP 1×64: wd, none, random labels
  const runs = plan.map((run) => ({
    run,
    summary:
      run.variant === 'random labels'
        ? summary(50, 0.995, 0.1)
        : summary(20, 1, run.variant === 'wd' ? 0.83 : 0.8),
  }));
  assert.deepEqual(
    claimsOf('table1', runs, sf).map((c) => [c.measured, c.holds]),
    [
      ['mlp-1x64 (for MLP 1×512) 99.50%', true],
      ['mlp-1x64 (for MLP 1×512) 3.00 points', true],
      ['mlp-1x64 (for MLP 1×512) 10.00%', true],
    ],
  );
});

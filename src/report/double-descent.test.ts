// Double-descent curves: the peak and interpolation threshold found on known curves, and the width claims on planned runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FitSummary } from '../experiments/fit.js';
import { loadPreset, planPreset } from '../presets/preset.js';
import { findPeak, smallestFit, type CurvePoint } from './double-descent.js';
import { interpolationThreshold } from './double-descent-width.js';
import type { ReportRun } from './figures.js';

const curve = (test: number[], train: number[] = test.map(() => 0)): CurvePoint[] =>
  test.map((e, i) => ({ size: 10 * 2 ** i, testErr: e, trainErr: train[i] }));

test('findPeak: the most prominent interior maximum, at least 1 point above both sides', () => {
  assert.deepEqual(findPeak(curve([50, 30, 40, 20])), {
    index: 2,
    size: 40,
    testErr: 40,
    rise: 10,
    fall: 20,
  });
  // Two bumps: the taller one over its sides wins.
  assert.equal(findPeak(curve([50, 30, 33, 31, 45, 20]))?.index, 4);
  // Monotone, ends only, or too flat: no peak.
  assert.equal(findPeak(curve([50, 40, 30, 20])), null);
  assert.equal(findPeak(curve([10, 30, 40])), null);
  assert.equal(findPeak(curve([30, 30.5, 30])), null);
  // Missing points are skipped, not read as zeros.
  assert.equal(findPeak(curve([50, Number.NaN, 40, 20]))?.index, undefined);
  assert.equal(findPeak(curve([50, 30, Number.NaN, 40, 20]))?.index, 3);
});

test('smallestFit: the first size whose training error is within tolerance', () => {
  assert.equal(smallestFit(curve([50, 40, 30], [20, 0, 0]))?.size, 20);
  assert.equal(smallestFit(curve([50, 40, 30], [20, 0.5, 0]), 1)?.size, 20);
  assert.equal(smallestFit(curve([50, 40], [20, 3])), null);
});

// The smoke plan (widths 1, 4, 64 at 0 and 20% noise) with made-up outcomes: params come from the summary.
function widthRuns(tests: number[], trains: number[]): ReportRun[] {
  const params: Record<string, number> = { 'mlp-1x1': 805, 'mlp-1x4': 3190, 'mlp-1x64': 50890 };
  return planPreset(loadPreset('double-descent-width'), 'smoke').map((run, i) => ({
    run,
    summary: {
      params: params[run.config.model.name],
      trainSize: 100,
      testAcc: tests[i],
      trainAcc: trains[i],
    } as FitSummary,
  }));
}

test('width claims: a noisy peak past the smallest fit holds; n·K from the data set', () => {
  // Plan order: (1, 0%), (1, 20%), (4, 0%), (4, 20%), (64, 0%), (64, 20%).
  const plan = planPreset(loadPreset('double-descent-width'), 'smoke');
  assert.deepEqual(
    plan.map((r) => r.label),
    [
      'name=mlp-1x1 labels=true',
      'name=mlp-1x1 labels=corrupted:0.2',
      'name=mlp-1x4 labels=true',
      'name=mlp-1x4 labels=corrupted:0.2',
      'name=mlp-1x64 labels=true',
      'name=mlp-1x64 labels=corrupted:0.2',
    ],
  );
  const runs = widthRuns([0.5, 0.6, 0.7, 0.4, 0.8, 0.7], [0.6, 0.5, 1, 1, 1, 1]);
  assert.equal(interpolationThreshold(runs), 1000);
  assert.equal(interpolationThreshold(runs.map((r) => ({ ...r, summary: null }))), null);
});

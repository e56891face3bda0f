// The memorization claims' four verdicts on made-up scores (the score above chance; the score against the
// held-out self-confidence baseline: better, worse, tied, not measured), and the AUC's standard error against
// Hanley & McNeil's table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aucStdErr,
  precisionAtPositives,
  rocAuc,
  type MemorizationScores,
} from '../experiments/memorization.js';
import type { PlannedRun } from '../experiments/fit-kind.js';
import type { FitSummary } from '../experiments/fit.js';
import { baselineClaim, detectorTable, memorizationClaim, memorizationTable } from './memorization.js';
import type { ReportRun } from './seeds.js';

test('aucStdErr: Hanley & McNeil 1982, Table 2 (A = 0.9, 50 and 50 cases: 0.032)', () => {
  assert.equal(aucStdErr(0.9, 50, 50).toFixed(3), '0.032');
  assert.ok(aucStdErr(0.9, 500, 500) < aucStdErr(0.9, 50, 50));
});

/** Made-up scores; AUCs from rocAuc as memorizationScores computes them; `conf` the held-out self-confidence. */
function scores(score: number[], corrupted: boolean[], conf: number[] | null = null): MemorizationScores {
  const detect = (xs: number[]) => ({
    auc: rocAuc(xs, corrupted),
    topCorrupted: precisionAtPositives(xs, corrupted),
  });
  return {
    models: 16,
    diverged: 0,
    examples: score.length,
    fraction: 0.7,
    score,
    stdErr: score.map(() => 0.1),
    inCount: score.map(() => 11),
    inCorrect: score.map(() => 11),
    outCount: score.map(() => 5),
    outCorrect: score.map((s) => Math.round(5 * (1 - s))),
    corrupted,
    selfConfidence: conf,
    withoutProbabilities: conf ? 0 : 3,
    auc: rocAuc(score, corrupted),
    topCorrupted: null,
    heldOutError: detect(score),
    baseline: conf ? detect(conf.map((c) => 1 - c)) : null,
    meanScore: { clean: null, corrupted: null },
    runs: [],
  };
}

const runs = (done: number, planned: number): ReportRun[] =>
  Array.from({ length: planned }, (_, i) => ({
    run: { id: `m${i}` } as PlannedRun,
    summary: i < done ? ({} as FitSummary) : null,
  }));

test('memorizationClaim: holds, fails, inconclusive and not measured', () => {
  const n = 40;
  const corrupted = Array.from({ length: n }, (_, i) => i >= n / 2);
  const rising = Array.from({ length: n }, (_, i) => i / n); // every corrupted label above every clean one
  const holds = memorizationClaim(scores(rising, corrupted), runs(16, 16));
  assert.equal(holds.verdict, 'holds');
  assert.match(
    holds.measured,
    /^ROC AUC 1\.000 \[[\d.]+, [\d.]+\] over 20 corrupted and 20 clean scored examples, 16 models$/,
  );
  assert.equal(holds.runs.length, 16);
  const falling = rising.map((s) => 1 - s);
  assert.equal(memorizationClaim(scores(falling, corrupted), runs(16, 16)).verdict, 'fails');
  const mixed = rising.map((s, i) => (i % 2 ? s : 1 - s)); // AUC 0.5
  assert.equal(memorizationClaim(scores(mixed, corrupted), runs(16, 16)).verdict, 'inconclusive');
  const missing = memorizationClaim(scores(rising, corrupted), runs(12, 16));
  assert.deepEqual([missing.verdict, missing.measured], ['not measured', '12 of 16 models complete']);
  const clean = memorizationClaim(
    scores(
      rising,
      corrupted.map(() => false),
    ),
    runs(16, 16),
  );
  assert.deepEqual(
    [clean.verdict, clean.measured],
    ['not measured', 'no corrupted label among 40 scored examples'],
  );
  assert.equal(memorizationClaim(null, runs(0, 16)).verdict, 'not measured');
});

test('baselineClaim: the score better than held-out self-confidence, worse, tied, and not measured', () => {
  const n = 40;
  const corrupted = Array.from({ length: n }, (_, i) => i >= n / 2);
  const rising = Array.from({ length: n }, (_, i) => i / n); // AUC 1
  const mixed = rising.map((s, i) => (i % 2 ? s : 1 - s)); // AUC 0.5
  // The baseline's score is 1 − self-confidence: a confidence falling with i ranks as the score rising.
  const confOf = (xs: number[]) => xs.map((x) => 1 - x);
  const better = baselineClaim(scores(rising, corrupted, confOf(mixed)), runs(16, 16));
  assert.equal(better.verdict, 'holds');
  assert.match(
    better.measured,
    /^ROC AUC 1\.000 \[[\d.]+, 1\.000\] against the baseline's 0\.500 \[[\d.]+, [\d.]+\]: difference 0\.500 \[0\.[\d]+, 0\.[\d]+\], over 20 corrupted and 20 clean scored examples, 16 models; mean P\[correct \| trained on\] 1$/,
  );
  const worse = baselineClaim(scores(mixed, corrupted, confOf(rising)), runs(16, 16));
  assert.equal(worse.verdict, 'fails');
  assert.match(worse.measured, /difference -0\.500 \[-0\.\d+, -0\.\d+\]/);
  const tied = baselineClaim(scores(rising, corrupted, confOf(rising)), runs(16, 16));
  assert.equal(tied.verdict, 'inconclusive');
  assert.match(tied.measured, /difference 0\.000 \[-0\.\d+, 0\.\d+\]/);
  const old = baselineClaim(scores(rising, corrupted, null), runs(16, 16));
  assert.deepEqual(
    [old.verdict, old.measured],
    [
      'not measured',
      '3 of 16 models recorded no probabilities of the labels (fitted before genlab recorded them)',
    ],
  );
  const missing = baselineClaim(scores(rising, corrupted, confOf(mixed)), runs(12, 16));
  assert.deepEqual([missing.verdict, missing.measured], ['not measured', '12 of 16 models complete']);
  assert.equal(baselineClaim(null, runs(0, 16)).verdict, 'not measured');
});

test('memorizationTable and detectorTable: both terms, both AUCs with intervals, the baseline not measured', () => {
  const n = 40;
  const corrupted = Array.from({ length: n }, (_, i) => i >= n / 2);
  const rising = Array.from({ length: n }, (_, i) => i / n);
  const mixed = rising.map((s, i) => (i % 2 ? s : 1 - s));
  const m = scores(
    rising,
    corrupted,
    mixed.map((x) => 1 - x),
  );
  const t = memorizationTable(m);
  assert.deepEqual(t.columns.slice(3), [
    'P[correct | trained on]',
    'P[correct | held out]',
    'mean score',
    'score ≥ 0.5',
    'held-out p(label)',
  ]);
  assert.match(
    t.notes![0],
    /^ROC AUC of the score as a detector of corrupted labels: 1\.000 \[[\d.]+, 1\.000\] .*; of the baseline, held-out self-confidence: 0\.500 \[/,
  );
  const d = detectorTable(m);
  assert.deepEqual(
    d.rows.map((r) => r[1]),
    ['1.000', '1.000', '0.500'],
  );
  assert.match(
    d.notes![0],
    /^Mean P\[correct \| trained on\] over the scored examples: 1 — every model fits/,
  );
  const old = scores(rising, corrupted, null);
  assert.equal(memorizationTable(old).rows[0][7], 'not measured');
  assert.deepEqual(detectorTable(old).rows[2].slice(0, 3), [
    'baseline: 1 − held-out p(label)',
    'not measured',
    null,
  ]);
});

// The memorization claim's four verdicts on made-up scores, and the AUC's standard error against Hanley & McNeil's table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aucStdErr, rocAuc, type MemorizationScores } from '../experiments/memorization.js';
import type { PlannedRun } from '../experiments/fit-kind.js';
import type { FitSummary } from '../experiments/fit.js';
import { memorizationClaim } from './memorization.js';
import type { ReportRun } from './seeds.js';

test('aucStdErr: Hanley & McNeil 1982, Table 2 (A = 0.9, 50 and 50 cases: 0.032)', () => {
  assert.equal(aucStdErr(0.9, 50, 50).toFixed(3), '0.032');
  assert.ok(aucStdErr(0.9, 500, 500) < aucStdErr(0.9, 50, 50));
});

/** Scores with `corrupted` examples at the end; AUC from rocAuc, as memorizationScores computes it. */
function scores(score: number[], corrupted: boolean[]): MemorizationScores {
  return {
    models: 16,
    diverged: 0,
    examples: score.length,
    fraction: 0.7,
    score,
    stdErr: score.map(() => 0.1),
    inCount: score.map(() => 11),
    outCount: score.map(() => 5),
    corrupted,
    auc: rocAuc(score, corrupted),
    topCorrupted: null,
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

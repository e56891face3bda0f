// The random-labels reports on constructed runs: training accuracy read at fixed epochs from each run's
// metrics (100% once it fitted), and each setting's "fits within its budget" verdict holding, failing,
// inconclusive (seeds disagree) and not measured (runs missing).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadPreset, planPreset, type PlannedRun } from '../presets/preset.js';
import type { FitSummary } from '../store/run-dir.js';
import type { EpochRecord } from '../train/index.js';
import { drops, randomLabelsCapacity, randomLabelsProtocol } from './random-labels.js';
import type { ReportRun } from './seeds.js';
import { tempDir } from '../../test/support/temp.js';

/** A complete run whose training accuracy climbs linearly to `last` over `epochs` epochs (fitted if last is 1). */
function done(run: PlannedRun, root: string, epochs: number, last: number): ReportRun {
  const dir = path.join(root, run.id);
  mkdirSync(dir, { recursive: true });
  const records: EpochRecord[] = Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    step: 10 * (i + 1),
    lr: 0.01,
    stepLoss: 1,
    trainLoss: 1,
    trainAcc: i + 1 === epochs ? last : (last * (i + 1)) / epochs,
    testLoss: 2,
    testAcc: 0.1,
    seconds: 1,
  }));
  writeFileSync(path.join(dir, 'metrics.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const summary = {
    dir,
    params: 1000,
    trainSize: 64,
    epochs,
    epochsToFit: last === 1 ? epochs : null,
    stepsToFit: last === 1 ? 10 * epochs : null,
    trainAcc: last,
  } as FitSummary;
  return { run, summary };
}

test('random-labels-protocol: accuracy at epochs 50/100/300 from the metrics; fits verdicts hold, fail, are inconclusive, not measured', async () => {
  const root = tempDir('genlab-random-labels');
  const plan = planPreset(loadPreset('random-labels-protocol'), 'smoke', { train: { epochs: 300 } }, 2);
  const key = (r: PlannedRun) => `${r.variant} ${r.config.train.schedule.kind}`;
  const runs = plan.map((r): ReportRun => {
    switch (key(r)) {
      case '784 inputs exponential': // both seeds fit: at epoch 40 and 60
        return done(r, root, r.replicate === 0 ? 40 : 60, 1);
      case '3 channels exponential': // neither fits in 300
        return done(r, root, 300, 0.5);
      case '784 inputs per-epoch': // the seeds disagree
        return r.replicate === 0 ? done(r, root, 200, 1) : done(r, root, 300, 0.9);
      default: // constant: one seed still running
        return r.replicate === 0 ? done(r, root, 300, 0.8) : { run: r, summary: null };
    }
  });
  const built = await randomLabelsProtocol(runs, 'test');
  const verdicts = Object.fromEntries(
    built.claims!.map((c) => [c.claim.replace(/^mlp-1x64, /, '').replace(/ fits.*/, ''), c.verdict]),
  );
  assert.deepEqual(verdicts, {
    '784 inputs, ×0.95 per 50,000 examples': 'holds',
    '3 channels, ×0.95 per 50,000 examples': 'fails',
    '784 inputs, ×0.95 per epoch': 'inconclusive',
    '3 channels, ×0.95 per epoch': 'not measured',
    '784 inputs, constant': 'not measured',
    '3 channels, constant': 'not measured',
    '3 channels, half the rate, constant': 'not measured',
  });
  const rows = built.tables[0].rows;
  // 784 inputs, exponential: both fitted by epoch 60, so 100% at 100 and 300; at 50 one seed fitted, one at 50/60.
  assert.deepEqual(rows[0].slice(2, 7), [
    `${((100 + (100 * 50) / 60) / 2).toFixed(2)}% (83.33%–100.00%)`,
    '100.00% (100.00%–100.00%)',
    '100.00% (100.00%–100.00%)',
    '100.00% (100.00%–100.00%)',
    '50 (40–60)',
  ]);
  assert.equal(rows[1][6], 'not in 300');
  assert.equal(rows[2][6], '200 (1 of 2 fitted)');
  assert.equal(built.figures.length, 1);
  assert.equal(
    drops([0.5, 0.6, 0.54, 0.7, 0.2].map((trainAcc, i) => ({ epoch: i + 1, trainAcc }) as EpochRecord)),
    2,
  );
});

test('random-labels-capacity: weights per example in the table; epochs to fit drawn against it for the settings that fitted', async () => {
  const root = tempDir('genlab-random-capacity');
  const plan = planPreset(loadPreset('random-labels-capacity'), 'smoke', {}, 1);
  const runs = plan.map((r) =>
    done(r, root, r.config.model.name === 'mlp-1x32' ? 3 : 2, r.config.model.name === 'mlp-1x32' ? 1 : 0.4),
  );
  const built = await randomLabelsCapacity(runs, 'test');
  assert.deepEqual(
    built.tables[0].rows.map((r) => [r[0], r[1], r[7]]),
    [
      ['mlp-1x8', (1000 / 64).toFixed(1), 'not in 3'],
      ['mlp-1x8', (1000 / 64).toFixed(1), 'not in 3'],
      ['mlp-1x32', (1000 / 64).toFixed(1), 3],
      ['mlp-1x32', (1000 / 64).toFixed(1), 3],
    ],
  );
  assert.deepEqual(
    built.claims!.map((c) => c.verdict),
    ['fails', 'fails', 'holds', 'holds'],
  );
  assert.deepEqual(
    built.figures.map((f) => f.name),
    ['random-labels-capacity', 'random-labels-capacity-curves'],
  );
});

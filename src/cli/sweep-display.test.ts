// The sweep's time left: running runs at their measured pace, queued ones at their estimates scaled to match.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlannedRun } from '../presets/preset.js';
import { resolveConfig } from '../presets/preset.js';
import { SweepDisplay } from './sweep-display.js';

test('time left: epochs left at the measured pace, queued runs at their estimates scaled by it', (t) => {
  let now = 1_000_000;
  t.mock.method(Date, 'now', () => now);
  const config = resolveConfig([{ train: { epochs: 10 } }], 'test');
  const plan: PlannedRun[] = ['a', 'b', 'c'].map((id) => ({
    label: id,
    coords: {},
    replicate: 0,
    variant: '',
    config,
    id,
  }));
  const est = {
    runs: plan.map((r) => ({ id: r.id, model: 'm', trainSize: 1, estimatedSeconds: 100, complete: false })),
    totalSeconds: 300,
  };
  const io = { out: () => {}, err: () => {}, isTTY: false };
  const d = new SweepDisplay(io, plan, 1, 1, est);
  assert.equal(d.remaining(now), 300); // nothing measured: the calibrated estimates, one after another
  d.event({ type: 'start', index: 0, run: plan[0], resumedFrom: 0, totalEpochs: 10 });
  now += 5000;
  d.event({ type: 'epoch', index: 0, run: plan[0], epoch: 1, trainAcc: 0.5, testAcc: 0.5 });
  // 5 s an epoch against an estimated 10: 9 epochs × 5 s, then two runs of 100 × 0.5.
  assert.equal(d.remaining(now), 45 + 100);
  d.event({ type: 'end', index: 0, run: plan[0], outcome: 'complete', summary: null, seconds: 50 });
  assert.equal(d.remaining(now), 200); // no run measured now: the estimates again
});

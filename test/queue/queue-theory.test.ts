// A theory preset on the queue: double-descent-rff's smoke runs computed by a worker, collected by the coordinator,
// with the same results as the same sweep computed on this machine.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { planTheoryPreset, loadAnyPreset, isTheoryPreset } from '../../src/presets/theory-preset.js';
import { storedTheoryResult } from '../../src/experiments/theory/index.js';
import { RunStore } from '../../src/store/store.js';
import { startRedis } from '../support/redis-server.js';
import { genlab, stopWorker } from '../support/queue-helpers.js';
import { tempDir } from '../support/temp.js';

type Result = Record<string, number | string>;

test(
  'genlab run double-descent-rff --queue: computed by a worker, results equal a local run',
  { timeout: 300_000 },
  async () => {
    const root = tempDir('genlab-queue-theory-');
    const redis = await startRedis();
    const worker = genlab([
      'worker',
      '--queue',
      redis.url,
      '--out',
      path.join(root, 'worker'),
      '--name',
      'w',
    ]);
    try {
      const queued = genlab([
        'run',
        'double-descent-rff',
        '--scale',
        'smoke',
        '--queue',
        redis.url,
        '--out',
        path.join(root, 'A'),
      ]);
      assert.equal(await queued.exited, 0, queued.output());
      assert.match(queued.output(), /on the queue redis:\/\/127\.0\.0\.1:\d+/);
      const local = genlab([
        'run',
        'double-descent-rff',
        '--scale',
        'smoke',
        '--out',
        path.join(root, 'local'),
      ]);
      assert.equal(await local.exited, 0, local.output());
      await stopWorker(worker);
      assert.match(worker.output(), /complete/);

      const p = loadAnyPreset('double-descent-rff');
      assert.ok(isTheoryPreset(p));
      const plan = planTheoryPreset(p, 'smoke');
      const [a, l] = ['A', 'local'].map((n) => new RunStore(path.join(root, n)));
      try {
        for (const r of plan) {
          const got = storedTheoryResult(a, r.id) as Result | null;
          const want = storedTheoryResult(l, r.id) as Result | null;
          assert.ok(got && want, `${r.label}: stored in both stores`);
          for (const k of ['n', 'features', 'trainError', 'testError', 'rank', 'labelChangedFraction'])
            assert.equal(got[k], want[k], `${r.label}: ${k}`);
          for (const k of ['norm', 'trainMse', 'testMse'])
            assert.ok(
              Math.abs(Number(got[k]) - Number(want[k])) <= 1e-6 * Math.abs(Number(want[k])) + 1e-12, // roundoff at interpolation
              `${r.label}: ${k} ${got[k]} vs ${want[k]}`,
            );
          assert.equal(
            a.get(r.id)?.status,
            'complete',
            `${r.label}: indexed complete in the coordinator's store`,
          );
        }
      } finally {
        a.close();
        l.close();
      }
    } finally {
      await stopWorker(worker);
      await redis.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
);

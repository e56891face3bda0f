// Redis restarted mid-sweep (append-only file on): the workers and the coordinator reconnect and the sweep completes.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadPreset, planPreset } from '../../src/presets/preset.js';
import { RunStore } from '../../src/store/store.js';
import { runQueuedSweep } from '../../src/sweep/queue/coordinator.js';
import { parseQueueUrl } from '../../src/sweep/queue/redis.js';
import { startRedis } from '../support/redis-server.js';
import { genlab, stopWorker, until } from '../support/queue-helpers.js';
import { tempDir } from '../support/temp.js';

test('Redis restarted mid-sweep: the sweep completes', { timeout: 600_000 }, async () => {
  const root = tempDir('genlab-qrestart-');
  const redis = await startRedis({ persist: true });
  const target = parseQueueUrl(redis.url, 'test');
  const worker = genlab([
    'worker',
    '--queue',
    redis.url,
    '--out',
    path.join(root, 'worker'),
    '--stall-seconds',
    '5',
  ]);
  const store = new RunStore(path.join(root, 'coordinator'));
  try {
    const plan = planPreset(loadPreset('fig1a'), 'smoke', {
      train: { epochs: 20, stopAtTarget: false },
    }).slice(0, 3);
    const sweep = runQueuedSweep(plan, { store, target, pollMs: 50 });
    await until(
      'the first run in the store',
      () => store.run(plan[0].id).finishedSummary() !== null,
      300_000,
    );
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    const results = await sweep;
    for (const r of results)
      assert.equal(r.outcome, 'complete', `${r.run.label}: ${r.outcome} ${r.error ?? ''}`);
    assert.equal(store.list({ status: 'complete' }).length, 3);
    assert.equal(worker.child.exitCode, null, 'the worker is alive');
  } finally {
    store.close();
    await stopWorker(worker);
    await redis.close();
    rmSync(root, { recursive: true, force: true });
  }
});

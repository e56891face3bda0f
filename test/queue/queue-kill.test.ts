// kill -9 of a worker mid-run: another worker resumes the run from its last uploaded epoch, and the results equal an
// uninterrupted run's (same thread count), to the per-step loss.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setNumThreads } from '../../src/engine/index.js';
import { loadPreset, planPreset } from '../../src/presets/preset.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { RunStore } from '../../src/store/store.js';
import type { RunDir } from '../../src/store/run-dir.js';
import { runQueuedSweep } from '../../src/sweep/queue/coordinator.js';
import { connectQueue, parseQueueUrl } from '../../src/sweep/queue/redis.js';
import { queueState } from '../../src/sweep/queue/status.js';
import { uploadedEpoch } from '../../src/sweep/queue/artifacts.js';
import { startRedis } from '../support/redis-server.js';
import { genlab, stopWorker, until } from '../support/queue-helpers.js';
import { tempDir } from '../support/temp.js';

test(
  'a worker killed mid-run: another resumes it, results equal an uninterrupted run',
  { timeout: 600_000 },
  async () => {
    const root = tempDir('genlab-qkill-');
    const redis = await startRedis();
    const target = parseQueueUrl(redis.url, 'test');
    const names = ['one', 'two'];
    const workers = names.map((n) =>
      genlab([
        'worker',
        '--queue',
        redis.url,
        '--out',
        path.join(root, n),
        '--name',
        n,
        '--stall-seconds',
        '5',
      ]),
    );
    const client = await connectQueue(target, 'test');
    const store = new RunStore(path.join(root, 'coordinator'));
    try {
      const [run] = planPreset(loadPreset('fig1a'), 'smoke', {
        train: { epochs: 150, stopAtTarget: false },
      }).slice(1, 2);
      const sweep = runQueuedSweep([run], { store, target, pollMs: 50 });
      const uploaded = () => uploadedEpoch(client, run.id);
      await until('an uploaded epoch', async () => (await uploaded()) >= 3, 300_000);
      const holder = (await queueState(target)).jobs[0].worker;
      const victim = workers[names.indexOf(holder ?? '')];
      assert.ok(victim, `the run's worker: ${holder}`);
      victim.child.kill('SIGKILL');
      const killedAt = await uploaded();
      assert.ok(killedAt < 150, 'the run finished before its worker could be killed');
      const [result] = await sweep;
      assert.equal(result.outcome, 'complete', result.error);
      const survivor = workers.find((w) => w !== victim)!;
      const resumed = /resumed after epoch (\d+)/.exec(survivor.output());
      assert.ok(resumed && Number(resumed[1]) >= 3, survivor.output());

      setNumThreads(1); // the workers fit on one thread
      const local = new RunStore(path.join(root, 'local'));
      const [ref] = await runSweep([run], { store: local, jobs: 1, device: 'cpu', threads: 1 });
      const metrics = (r: RunDir) =>
        r.readMetrics().map((e) => [e.epoch, e.trainLoss, e.trainAcc, e.testAcc]);
      assert.deepEqual(metrics(store.run(run.id)), metrics(local.run(run.id)));
      assert.deepEqual(store.run(run.id).readSteps(), local.run(run.id).readSteps(), 'per-step losses');
      local.close();
      assert.equal(result.summary!.trainAcc, ref.summary!.trainAcc);
      assert.equal(result.summary!.testAcc, ref.summary!.testAcc);
      assert.equal(store.list({ status: 'complete' }).length, 1);
    } finally {
      client.disconnect();
      store.close();
      for (const w of workers) await stopWorker(w);
      await redis.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
);

// A job altered in Redis (issue 27): the workers refuse it, and the coordinator's plan, which is authoritative,
// replaces it — within a sweep, and on the rerun a failed sweep advises — so a tampered job never blocks a sweep.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { loadPreset, planPreset } from '../../src/presets/preset.js';
import { RunStore } from '../../src/store/store.js';
import { runQueuedSweep } from '../../src/sweep/queue/coordinator.js';
import { bullConnection, parseQueueUrl } from '../../src/sweep/queue/redis.js';
import { checkJob, QUEUE_NAME } from '../../src/sweep/queue/job.js';
import { startRedis } from '../support/redis-server.js';
import { genlab, stopWorker, until } from '../support/queue-helpers.js';
import { tempDir } from '../support/temp.js';

test(
  'a tampered job is replaced from the plan: in flight, and on the rerun',
  { timeout: 300_000 },
  async () => {
    const root = tempDir('genlab-tampered-');
    const redis = await startRedis();
    const target = parseQueueUrl(redis.url, 'test');
    const queue = new Queue(QUEUE_NAME, { connection: bullConnection(target) });
    const [first] = planPreset(loadPreset('fig1a'), 'smoke');
    const tampered = { config: first.config, label: first.label, path: '/etc/passwd' };
    const refused = `${first.id}: failed: job ${first.id}: unknown key "path"; expected only config and label`;
    const stores = ['in-flight', 'rerun'].map((n) => new RunStore(path.join(root, n)));
    let worker: ReturnType<typeof genlab> | undefined;
    try {
      // In flight: the coordinator enqueues, the job is altered before any worker takes it.
      const sweep = runQueuedSweep([first], { store: stores[0], target, pollMs: 50 });
      await until('the job enqueued', async () => (await queue.getJob(first.id)) !== undefined);
      await (await queue.getJob(first.id))!.updateData(tampered as never);
      worker = genlab(['worker', '--queue', redis.url, '--out', path.join(root, 'worker'), '--threads', '1']);
      const [a] = await sweep;
      assert.equal(a.outcome, 'complete', `${a.outcome}: ${a.error ?? ''}\n${worker.output()}`);
      assert.equal(
        worker
          .output()
          .split('\n')
          .filter((l) => l === refused).length,
        1,
        worker.output(),
      );
      const job = (await queue.getJob(first.id))!;
      assert.deepEqual(checkJob(job.id, job.data), { config: first.config, label: first.label });

      // Failed before the sweep (as a sweep that ended "run the same command again" leaves it): the rerun
      // enqueues the run afresh from its plan and completes.
      await queue.obliterate({ force: true });
      await queue.add(first.id, tampered as never, { jobId: first.id });
      await until(
        'the worker to refuse it',
        async () => (await queue.getJob(first.id))?.finishedOn !== undefined,
      );
      assert.equal(await (await queue.getJob(first.id))!.getState(), 'failed');
      assert.equal(
        worker
          .output()
          .split('\n')
          .filter((l) => l === refused).length,
        2,
        worker.output(),
      );
      const [b] = await runQueuedSweep([first], { store: stores[1], target, pollMs: 50 });
      assert.equal(b.outcome, 'complete', `${b.outcome}: ${b.error ?? ''}`);
      assert.equal(stores[1].run(first.id).finishedSummary()?.status, 'complete');
    } finally {
      for (const s of stores) s.close();
      await queue.close();
      if (worker) await stopWorker(worker);
      await redis.close();
    }
  },
);

// A worker whose Redis has gone (issue 27): SIGTERM or SIGINT still stops it within 10 s, its run's epoch
// checkpointed in its store and unlocked; its job, which it cannot hand back, goes to another worker once its lock lapses.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { loadPreset, planPreset } from '../../src/presets/preset.js';
import { RunDir } from '../../src/store/run-dir.js';
import { bullConnection, parseQueueUrl } from '../../src/sweep/queue/redis.js';
import { jobData, QUEUE_NAME } from '../../src/sweep/queue/job.js';
import { startRedis } from '../support/redis-server.js';
import { genlab, until } from '../support/queue-helpers.js';
import { tempDir } from '../support/temp.js';

const [RUN] = planPreset(loadPreset('fig1a'), 'smoke', { train: { epochs: 400, stopAtTarget: false } });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(
    `a worker on ${signal} after its Redis has gone: exits within 10 s, no lock left`,
    { timeout: 120_000 },
    async () => {
      const root = path.join(tempDir('genlab-redis-gone-'), 'store'); // not there yet: the worker says it is new
      const redis = await startRedis();
      const worker = genlab(['worker', '--queue', redis.url, '--out', root, '--threads', '1']);
      try {
        const queue = new Queue(QUEUE_NAME, { connection: bullConnection(parseQueueUrl(redis.url, 'test')) });
        await queue.add(RUN.id, jobData(RUN.config, RUN.label, 'test'), { jobId: RUN.id });
        await queue.close();
        const run = new RunDir(path.join(root, RUN.id));
        await until(
          'an epoch in the worker store',
          () => existsSync(run.file('metrics')) && run.readMetrics().length >= 1,
        );
        await redis.stop();
        await new Promise((r) => setTimeout(r, 500)); // the worker sees the connection drop
        const t0 = performance.now();
        worker.child.kill(signal);
        const code = await Promise.race([
          worker.exited,
          new Promise((r) => setTimeout(() => r('hung'), 10_000)),
        ]);
        const seconds = (performance.now() - t0) / 1000;
        assert.equal(code, 0, `exit after ${seconds.toFixed(1)} s:\n${worker.output()}`);
        assert.ok(worker.output().includes(`store ${root} (new: it did not exist)`), worker.output());
        assert.match(worker.output(), /stopped without Redis \(redis:\/\/127\.0\.0\.1:\d+ does not answer\)/);
        assert.equal(run.writer(), null, 'no process writes the run');
        assert.equal(existsSync(run.file('lock')), false, 'the lock is released');
        const epochs = run.readMetrics().length;
        assert.ok(epochs >= 1 && epochs < 400, `${epochs} epochs checkpointed`);
      } finally {
        if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
        await redis.close();
      }
    },
  );
}

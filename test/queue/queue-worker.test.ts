// The queue is an input boundary: a malformed job fails with its reason and is never run, and the worker lives on.
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { loadPreset, planPreset } from '../../src/presets/preset.js';
import { bullConnection, parseQueueUrl } from '../../src/sweep/queue/redis.js';
import { QUEUE_NAME } from '../../src/sweep/queue/job.js';
import { startRedis } from '../support/redis-server.js';
import { genlab, stopWorker, until } from '../support/queue-helpers.js';
import { tempDir } from '../support/temp.js';

test(
  'malformed jobs fail with a clear reason, nothing runs, the worker lives',
  { timeout: 300_000 },
  async () => {
    const root = tempDir('genlab-badjob-');
    const redis = await startRedis();
    const worker = genlab(['worker', '--queue', redis.url, '--out', root]);
    const queue = new Queue(QUEUE_NAME, { connection: bullConnection(parseQueueUrl(redis.url, 'test')) });
    try {
      const good = planPreset(loadPreset('fig1a'), 'smoke')[0];
      const c = good.config;
      const bad: [string, unknown, string][] = [
        [
          'lr-negative',
          { config: { ...c, train: { ...c.train, lr: -1 } }, label: 'x' },
          'job lr-negative: config.train.lr: expected a positive number, got -1',
        ],
        [
          'code',
          { config: c, label: 'x', run: 'require("child_process").exec("touch /tmp/x")' },
          'job code: unknown key "run"; expected only config and label',
        ],
        [
          'a-path',
          { config: { ...c, dataset: { ...c.dataset, dataDir: '/etc' } } },
          'job a-path: config.dataset.dataDir: a path from the queue is never read; expected null, got "/etc"',
        ],
        [
          'wrong-id',
          { config: c },
          `job wrong-id: id: expected the config's run id ${good.id}, got wrong-id`,
        ],
        [
          'partial',
          { config: { model: c.model } },
          'job partial: config: expected a complete config (every key, as genlab run plans it), got a partial one',
        ],
        [
          '../../etc',
          { config: c },
          'job "../../etc": id: expected a run id (letters, digits, . _ -), got "../../etc"',
        ],
      ];
      for (const [id, data] of bad) await queue.add('run', data, { jobId: id, attempts: 3 });
      await queue.add('run', { config: c, label: good.label }, { jobId: good.id });
      await until(
        'the good job to complete',
        async () => (await queue.getJob(good.id))?.finishedOn !== undefined,
        240_000,
      );
      assert.equal(await (await queue.getJob(good.id))!.getState(), 'completed');
      for (const [id, , reason] of bad) {
        const job = (await queue.getJob(id))!;
        assert.equal(await job.getState(), 'failed', id);
        assert.equal(job.failedReason, reason);
        assert.equal(job.attemptsMade, 1, `${id}: bad input is not retried`);
      }
      assert.deepEqual(
        readdirSync(root).filter((d) => d !== 'index.db' && !d.startsWith('index.db-')),
        [good.id],
        'only the good run touched the store',
      );
      assert.equal(worker.child.exitCode, null, 'the worker is alive');
    } finally {
      await queue.close();
      await stopWorker(worker);
      await redis.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
);

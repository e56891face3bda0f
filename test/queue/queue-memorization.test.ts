// genlab memorization on the queue: its models are fitted by a worker with a store of its own, travel back, and
// score exactly as when fitted here.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startRedis } from '../support/redis-server.js';
import { genlab, stopWorker } from '../support/queue-helpers.js';
import { tempDir } from '../support/temp.js';

interface MemorizationJson {
  models: number;
  score: (number | null)[];
  auc: number | null;
}

test(
  'memorization through the queue: the same scores and AUC as fitted here',
  { timeout: 600_000 },
  async () => {
    const root = tempDir('genlab-qmem-');
    const redis = await startRedis();
    const worker = genlab(['worker', '--queue', redis.url, '--out', path.join(root, 'W'), '--threads', '1']);
    try {
      const args = ['memorization', '--scale', 'smoke', '--k', '2', '--json'];
      const queued = genlab([...args, '--queue', redis.url, '--out', path.join(root, 'A')]);
      assert.equal(await queued.exited, 0, queued.output());
      const local = genlab([...args, '--threads', '1', '--out', path.join(root, 'L')]);
      assert.equal(await local.exited, 0, local.output());
      const lastLine = (s: string) => JSON.parse(s.trim().split('\n').pop()!) as MemorizationJson;
      const [q, l] = [lastLine(queued.output()), lastLine(local.output())];
      assert.equal(q.models, 2);
      assert.equal(q.score.length, 64);
      assert.deepEqual(q.score, l.score);
      assert.equal(q.auc, l.auc);
    } finally {
      await stopWorker(worker);
      await redis.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
);

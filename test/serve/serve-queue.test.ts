// genlab serve --queue: the sweeps page lists the Redis queue's jobs and workers (API and browser), the password
// nowhere in what it serves, and a queue it cannot reach is one line on the page, not a failed request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Queue } from 'bullmq';
import { loadPreset, planPreset } from '../../src/presets/preset.js';
import { bullConnection, parseQueueUrl } from '../../src/sweep/queue/redis.js';
import { jobData, QUEUE_NAME } from '../../src/sweep/queue/job.js';
import type { QueueView } from '../../src/serve/queue-view.js';
import { RunStore } from '../../src/store/store.js';
import { startRedis } from '../support/redis-server.js';
import { launchChromium, listen } from '../support/serve-fixtures.js';
import { tempDir } from '../support/temp.js';

const SECRET = 'serve-pw-90c1';

test(
  'the sweeps page shows the queue: jobs, states, workers; no password',
  { timeout: 120_000 },
  async () => {
    const root = tempDir('genlab-serve-queue-');
    new RunStore(root).close(); // an empty store: the page's local part has nothing to show
    const redis = await startRedis({ password: SECRET });
    const target = parseQueueUrl(redis.url, 'test');
    const queue = new Queue(QUEUE_NAME, { connection: bullConnection(target) });
    let server: Awaited<ReturnType<typeof listen>> | null = null;
    let context: Awaited<ReturnType<typeof launchChromium>> | null = null;
    try {
      server = await listen(root, { queue: target });
      context = await launchChromium();
      const plan = planPreset(loadPreset('fig1a'), 'smoke').slice(0, 2);
      for (const r of plan) await queue.add(r.id, jobData(r.config, r.label, 'test'), { jobId: r.id });
      const res = await fetch(`${server.url}/api/sweeps`);
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.ok(!body.includes(SECRET), 'the password in /api/sweeps');
      const view = (JSON.parse(body) as { queue: QueueView }).queue;
      assert.equal(view.queue, `redis://:***@127.0.0.1:${redis.port}`);
      assert.deepEqual(
        view.state!.jobs.map((j) => [j.id, j.label, j.state]),
        [...plan].reverse().map((r) => [r.id, r.label, 'waiting']), // newest first
      );

      const page = await context.newPage();
      await page.goto(`${server.url}/#/sweeps`);
      await page.waitForSelector('#queue tbody tr');
      const rows = await page.$$eval('#queue tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)),
      );
      assert.deepEqual(
        rows,
        [...plan].reverse().map((r) => [r.id, r.label, 'waiting']), // newest first
      );
      assert.ok(!(await page.content()).includes(SECRET));

      await queue.close();
      await redis.stop(); // unreachable: the page says so in one line
      const gone = (await (await fetch(`${server.url}/api/sweeps`)).json()) as { queue: QueueView };
      assert.equal(gone.queue.state, null);
      assert.equal(
        gone.queue.error,
        `genlab serve: redis://:***@127.0.0.1:${redis.port}: cannot reach Redis (ECONNREFUSED); expected a running redis-server there`,
      );
    } finally {
      await context?.close();
      await server?.app.close();
      await queue.close(); // closing twice is a no-op
      await redis.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
);

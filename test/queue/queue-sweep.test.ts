// A sweep on the queue: two workers with their own stores fit fig1a's smoke runs once each, two coordinators collect
// them, the results equal a local sweep's, and the Redis password appears nowhere.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadPreset, planPreset } from '../../src/presets/preset.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { RunStore } from '../../src/store/store.js';
import { setNumThreads } from '../../src/engine/index.js';
import { startRedis } from '../support/redis-server.js';
import { filesUnder, genlab, holds, stopWorker } from '../support/queue-helpers.js';
import { tempDir } from '../support/temp.js';

const SECRET = 'pw-7f3c9e1d';

interface RunsJson {
  runs: { id: string; dir: string; status: string; results: Record<string, unknown> }[];
}

test(
  'two workers, two coordinators: every run once, results equal the local sweep, no secret anywhere',
  { timeout: 600_000 },
  async () => {
    const root = tempDir('genlab-queue-');
    const redis = await startRedis({ password: SECRET });
    const workers = ['B', 'C'].map((n) =>
      genlab(['worker', '--queue', redis.url, '--out', path.join(root, n), '--name', `worker-${n}`]),
    );
    try {
      // Two coordinators of the same sweep: the second enqueues nothing new, both collect every run.
      const env = { ...process.env, GENLAB_QUEUE: redis.url };
      const coordinators = ['A1', 'A2'].map((n) =>
        genlab(['run', 'fig1a', '--scale', 'smoke', '--out', path.join(root, n)], env),
      );
      for (const c of coordinators) assert.equal(await c.exited, 0, c.output());
      const status = genlab(['queue', 'status', '--queue', redis.url, '--json']);
      assert.equal(await status.exited, 0, status.output());
      const q = JSON.parse(status.output()) as {
        queue: string;
        workers: string[];
        jobs: { state: string; worker: string }[];
      };
      assert.equal(q.queue, `redis://:***@127.0.0.1:${redis.port}`);
      assert.deepEqual(q.workers, ['worker-B', 'worker-C']);
      assert.equal(q.jobs.length, 5);
      assert.ok(q.jobs.every((j) => j.state === 'completed' && /^worker-[BC]$/.test(j.worker)));
      for (const w of workers) await stopWorker(w);
      const logs = workers.map((w) => w.output()).join('');
      assert.equal(logs.match(/: started\n/g)?.length, 5, `each run fitted once:\n${logs}`);
      assert.doesNotMatch(logs, /resumed|failed/);

      const plan = planPreset(loadPreset('fig1a'), 'smoke');
      const local = new RunStore(path.join(root, 'local'));
      setNumThreads(1); // as the workers fit: a run's last digits depend on its thread count
      const reference = await runSweep(plan, { store: local, jobs: 1, device: 'cpu', threads: 1 });
      local.close();
      for (const n of ['A1', 'A2']) {
        const runs = genlab(['runs', '--out', path.join(root, n), '--json']);
        assert.equal(await runs.exited, 0);
        const got = JSON.parse(runs.output()) as RunsJson;
        assert.equal(got.runs.length, 5);
        for (const ref of reference) {
          const row = got.runs.find((r) => r.id === ref.run.id);
          assert.ok(row, `${n}: ${ref.run.id} missing`);
          assert.equal(row.status, 'complete');
          for (const k of [
            'trainAcc',
            'testAcc',
            'steps',
            'stepsToFit',
            'epochs',
            'bestTestAcc',
            'labelChangedFraction',
          ])
            assert.equal(
              row.results[k],
              (ref.summary as unknown as Record<string, unknown>)[k],
              `${n} ${ref.run.label}: ${k}`,
            );
          assert.equal(row.dir, path.join(root, n, ref.run.id));
          const [a, b] = [new RunStore(path.join(root, n)), new RunStore(path.join(root, 'local'))];
          assert.deepEqual(
            a.run(ref.run.id).readSteps(),
            b.run(ref.run.id).readSteps(),
            `${n} ${ref.run.label}: steps`,
          );
          a.close();
          b.close();
        }
      }
      const leaks = filesUnder(root).filter((f) => holds(f, SECRET));
      assert.deepEqual(leaks, [], 'files holding the password');
      for (const p of [...workers, ...coordinators, status])
        assert.ok(!p.output().includes(SECRET), p.output());
    } finally {
      for (const w of workers) await stopWorker(w);
      await redis.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
);

test('a wrong password or no server: one line naming the redacted URL', { timeout: 300_000 }, async () => {
  const redis = await startRedis({ password: SECRET });
  try {
    const wrong = genlab(['queue', 'status', '--queue', `redis://:not-${SECRET}@127.0.0.1:${redis.port}`]);
    assert.equal(await wrong.exited, 1);
    assert.equal(
      wrong.output(),
      `genlab queue status: redis://:***@127.0.0.1:${redis.port}: cannot reach Redis (WRONGPASS invalid username-password pair or user is disabled.); expected a running redis-server there\n`,
    );
    const bad = genlab(['worker', '--queue', `http://:${SECRET}@127.0.0.1:1`]);
    assert.equal(await bad.exited, 2);
    assert.equal(
      bad.output(),
      'genlab worker: --queue: expected a URL redis://HOST:PORT or rediss://HOST:PORT, got "http://:***@127.0.0.1:1"\n',
    );
  } finally {
    await redis.close();
  }
  const gone = genlab(['queue', 'status', '--queue', `redis://127.0.0.1:${redis.port}`]);
  assert.equal(await gone.exited, 1);
  assert.match(
    gone.output(),
    /^genlab queue status: redis:\/\/127\.0\.0\.1:\d+: cannot reach Redis \(ECONNREFUSED\); expected a running redis-server there\n$/,
  );
});

// Sweeps keep their cores busy: once no run waits, a worker still fitting takes the threads of the one that ended,
// and each run's CPU time is measured for the sweep's utilization.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { resolveConfig } from '../../src/config/config.js';
import { runId } from '../../src/experiments/fit-kind.js';
import type { PlannedRun } from '../../src/presets/preset.js';
import { cpuUse, runSweep, type SweepEvent } from '../../src/sweep/sweep.js';
import { RunStore } from '../../src/store/store.js';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { tempDir } from '../support/temp.js';

function planned(data: string, label: string, epochs: number): PlannedRun {
  const config = resolveConfig(
    [
      { dataset: { name: 'mnist', dataDir: data }, model: { name: 'mlp-1x16' } },
      { train: { epochs, batchSize: 16, stopAtTarget: false } },
    ],
    'test',
  );
  return { label, coords: {}, variant: label, replicate: 0, config, id: runId(config) };
}

test(
  'the last run of a sweep takes the cores of the runs that ended; CPU time is measured',
  { timeout: 120_000 },
  async () => {
    const data = writeSyntheticMnist({ train: 64, test: 32, side: 8 });
    const root = tempDir('genlab-cores-');
    const store = new RunStore(root);
    try {
      // The long run has far more epochs than the test waits for: once it has its new threads, the sweep stops it.
      const plan = [planned(data, 'short', 1), planned(data, 'long', 100_000)];
      const events: SweepEvent[] = [];
      let stop = false;
      const t0 = performance.now();
      const results = await runSweep(plan, {
        store,
        jobs: 2,
        threads: 1,
        device: 'cpu',
        workers: true,
        shouldStop: () => stop,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'threads') stop = true;
        },
      });
      const wall = (performance.now() - t0) / 1000;
      const threads = events.filter((e) => e.type === 'threads');
      assert.deepEqual(
        threads.map((e) => [e.run.label, e.type === 'threads' && e.threads]),
        [['long', 2]],
        "the long run took the short run's core once it ended",
      );
      assert.equal(results[0].outcome, 'complete');
      assert.equal(results[1].outcome, 'interrupted');
      for (const r of results) assert.ok((r.cpuSeconds ?? 0) > 0, `${r.run.label}: CPU time measured`);
      const use = cpuUse(results, wall, 2);
      assert.ok(
        use.utilization !== null && use.utilization > 0 && use.utilization <= 1.05,
        `utilization ${use.utilization}`,
      );
      assert.equal(cpuUse([], wall, 2).utilization, null, 'nothing measured: no utilization');
    } finally {
      store.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  },
);

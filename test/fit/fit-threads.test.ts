// fit() applies the runtime policy: a resumed run keeps the thread count it ran with unless threads are asked for.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { cpuCount, getNumThreads, liveTensors, setNumThreads } from '../../src/engine/index.js';
import { fit } from '../../src/experiments/fit.js';
import { resolveConfig } from '../../src/config/config.js';
import { RunStore } from '../../src/store/store.js';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { tempDir } from '../support/temp.js';

test("a resumed fit keeps the stored run's thread count unless threads are asked for", async (t) => {
  if (cpuCount() < 2) return t.skip('needs 2 CPUs to tell thread counts apart');
  const data = writeSyntheticMnist({ train: 64, test: 32, side: 8 });
  const out = tempDir('genlab-threads-');
  const live = liveTensors();
  const config = resolveConfig(
    [
      { dataset: { name: 'mnist', dataDir: data }, model: { name: 'mlp-1x16' } },
      { train: { epochs: 3, batchSize: 16, stopAtTarget: false } },
    ],
    'test',
  );
  const threadsAtStart: number[] = [];
  const run = async (o: { threads?: number; stopAfterEpoch?: boolean }) => {
    const store = new RunStore(out);
    try {
      return await fit(config, {
        store,
        threads: o.threads,
        onStart: () => threadsAtStart.push(getNumThreads()),
        shouldStop: () => o.stopAfterEpoch === true,
      });
    } finally {
      store.close();
    }
  };
  try {
    const first = await run({ threads: 1, stopAfterEpoch: true });
    assert.equal(first.interrupted, true);
    assert.equal(liveTensors(), live, 'tensors leaked by a fresh fit');
    setNumThreads(2); // what the policy's default would give this MLP on 2 cores with oneDNN
    await run({ stopAfterEpoch: true });
    assert.equal(liveTensors(), live, 'tensors leaked by a resumed fit');
    await run({ threads: 2 });
    assert.equal(liveTensors(), live, 'tensors leaked by a resumed fit');
    assert.deepEqual(threadsAtStart, [1, 1, 2]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

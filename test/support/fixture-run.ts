// A tiny run with one committed epoch, for the run-store tests (pack, property tests).
import { scope, tensor } from '../../src/engine/index.js';
import { initialState } from '../../src/train/index.js';
import type { RunDir } from '../../src/store/run-dir.js';
import { RunStore } from '../../src/store/store.js';
import { tempDir } from './temp.js';

const CONFIG = {
  dataset: { name: 'mnist' },
  randomization: { labels: 'random', inputs: 'true' },
  model: { name: 'mlp-1x8' },
};

/** A run with one committed epoch, under a fresh store. */
export function oneEpochRun(): { store: RunStore; run: RunDir } {
  const store = new RunStore(tempDir('genlab-pack-'));
  const run = store.run('mlp-1x8_mnist_abc');
  run.create(CONFIG);
  const state = { ...initialState(), epoch: 1, step: 2, finished: true };
  state.history.push({
    epoch: 1,
    step: 2,
    lr: 0.1,
    stepLoss: 1,
    trainLoss: 1,
    trainAcc: 1,
    testAcc: 0.1,
    testLoss: 2,
    seconds: 0,
  });
  scope(() =>
    run.commitEpoch({
      losses: Float32Array.from([0.5, 0.25]),
      tensors: new Map([['w', tensor([1, 2, 3], [3])]]),
      state,
      summary: {
        run: run.id,
        dir: run.dir,
        status: 'complete',
        model: 'mlp-1x8',
        dataset: 'mnist',
        labels: 'random',
        inputs: 'true',
        params: 3,
        trainSize: 2,
        epochs: 1,
        steps: 2,
        stepsToFit: 2,
        epochsToFit: 1,
        trainAcc: 1,
        testAcc: 0.1,
        bestTestAcc: 0.1,
        bestTestEpoch: 1,
        labelChangedFraction: 1,
        diverged: false,
        divergedReason: null,
        wallSeconds: 0,
        examplesPerSecond: 0,
      },
    }),
  );
  store.refresh(run.id);
  return { store, run };
}

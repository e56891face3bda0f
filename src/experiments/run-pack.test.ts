// Moving a run between stores: a packed run installs as if it had run there; a damaged pack is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InputError, liveTensors, scope, tensor } from '../engine/index.js';
import { initialState } from '../train/index.js';
import { RunDir } from './run-dir.js';
import { installRun, packRun, unpackRun } from './run-pack.js';
import { RunStore } from './store.js';

const CONFIG = {
  dataset: { name: 'mnist' },
  randomization: { labels: 'random', inputs: 'true' },
  model: { name: 'mlp-1x8' },
};

/** A run with one committed epoch, under a fresh store. */
export function oneEpochRun(): { store: RunStore; run: RunDir } {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'genlab-pack-')));
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

test('a packed run installed in another store reads, lists and stamps exactly as the original', () => {
  const before = liveTensors();
  const { store, run } = oneEpochRun();
  const other = new RunStore(mkdtempSync(path.join(tmpdir(), 'genlab-pack-to-')));
  try {
    const copy = installRun(other, packRun(run));
    assert.equal(copy.dir, other.dirOf(run.id));
    assert.deepEqual(copy.files(), run.files());
    for (const f of run.files())
      assert.ok(
        readFileSync(path.join(copy.dir, f.path)).equals(readFileSync(path.join(run.dir, f.path))),
        f.path,
      );
    assert.deepEqual(copy.readSummary(), { ...run.readSummary(), dir: copy.dir });
    assert.deepEqual(copy.stamp(), run.stamp());
    const strip = (r: { dir: string; updated: string }) => ({ ...r, dir: '', updated: '' });
    assert.deepEqual(other.list().map(strip), store.list().map(strip));
    assert.equal(
      Math.round(statSync(copy.file('config')).mtimeMs),
      Math.round(statSync(run.file('config')).mtimeMs),
    );
    // Installing again (a newer pack of the same run) replaces the copy.
    installRun(other, packRun(run));
    assert.deepEqual(other.runIds(), [run.id]);
  } finally {
    store.close();
    other.close();
  }
  assert.equal(liveTensors(), before);
});

test('a damaged pack is refused with one line naming what is wrong', () => {
  const { store, run } = oneEpochRun();
  const pack = packRun(run);
  store.close();
  const fails = (b: Uint8Array, pattern: RegExp) =>
    assert.throws(
      () => unpackRun(b, 'upload'),
      (e: Error) => e instanceof InputError && pattern.test(e.message),
    );
  fails(pack.subarray(0, 10), /^upload: not a run pack; expected it to start with GLRUNPK1/);
  fails(pack.subarray(0, pack.length - 1), /^upload: .*: truncated: expected \d+ bytes, pack holds \d+$/);
  const flipped = Buffer.from(pack);
  flipped[flipped.length - 1] ^= 1;
  fails(flipped, /^upload: summary\.json: corrupt: expected sha256 [0-9a-f]+, got [0-9a-f]+$/);
  const evil = Buffer.from(
    pack.toString('latin1').replace('"path":"config.json"', '"path":"../aaaaaaaa"'),
    'latin1',
  );
  fails(evil, /^upload: file entry: expected \{path, bytes, sha256, mtimeMs\} with a relative path/);
});

// The run directory: epoch commits and resume repair, older directories migrated on open, the lock, listing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { InputError, liveTensors, scope, tensor } from '../engine/index.js';
import { saveSafetensors } from '../nn/index.js';
import { initialState, type EpochRecord, type TrainState } from '../train/index.js';
import { RUN_FILES, RunDir, type FitSummary } from './run-dir.js';
import { RunLockedError } from './run-lock.js';
import { DiskFullError } from './files.js';
import { RunStore } from './store.js';
import '../experiments/fit-kind.js'; // fits' rows in the index (each kind registers its own)

const CONFIG = {
  dataset: { name: 'mnist' },
  randomization: { labels: 'random', inputs: 'true' },
  model: { name: 'mlp-1x8' },
};
import { tempDir } from '../../test/support/temp.js';

function record(epoch: number): EpochRecord {
  return {
    epoch,
    step: epoch * 3,
    lr: 0.1,
    stepLoss: 1,
    trainLoss: 1,
    trainAcc: 0.5,
    testAcc: 0.1,
    testLoss: 2,
    seconds: 0,
  };
}

function summary(run: RunDir, s: TrainState): FitSummary {
  return {
    run: run.id,
    dir: run.dir,
    status: s.finished ? 'complete' : 'running',
    model: 'mlp-1x8',
    dataset: 'mnist',
    labels: 'random',
    inputs: 'true',
    params: 10,
    trainSize: 9,
    epochs: s.epoch,
    steps: s.step,
    stepsToFit: null,
    epochsToFit: null,
    trainAcc: 0.5,
    testAcc: 0.1,
    bestTestAcc: 0.1,
    bestTestEpoch: 1,
    labelChangedFraction: 0.9,
    diverged: false,
    divergedReason: null,
    wallSeconds: 0,
    examplesPerSecond: 0,
  };
}

/** Commits `epochs` epochs of 3 steps each; weight w holds the epoch number. */
function commit(run: RunDir, state: TrainState, epochs: number): void {
  for (let i = 0; i < epochs; i++) {
    const losses = Float32Array.from([1, 2, 3].map((x) => x + 10 * state.epoch));
    state.epoch++;
    state.step += 3;
    state.history.push(record(state.epoch));
    scope(() =>
      run.commitEpoch({
        losses,
        tensors: new Map([['w', tensor([state.epoch, 0], [2])]]),
        state,
        summary: summary(run, state),
        artifacts: { correct: new Uint8Array([state.epoch]) },
      }),
    );
  }
}

function newRun(): RunDir {
  const run = new RunDir(path.join(tempDir('genlab-rundir-'), 'run-a'));
  run.create(CONFIG);
  return run;
}

test('epochs commit steps, metrics, artifacts, checkpoints (two kept) and summary; syncTo cuts what a kill left past the checkpoint', () => {
  const before = liveTensors();
  const run = newRun();
  const state = initialState();
  commit(run, state, 3);
  assert.deepEqual(Array.from(run.readSteps()), [1, 2, 3, 11, 12, 13, 21, 22, 23]);
  assert.deepEqual(Array.from(run.readSteps(7)), [22, 23]);
  assert.deepEqual(run.readMetrics(), [record(1), record(2), record(3)]);
  assert.deepEqual(run.epochArtifactEpochs('correct'), [1, 2, 3]);
  assert.deepEqual(run.readSummary(), summary(run, state));
  assert.equal(run.finishedSummary(), null, 'running is not finished');
  const ck = run.restore('cpu');
  assert.ok(ck);
  assert.deepEqual(ck.tensors.get('w')?.toArray(), [3, 0]);
  assert.equal(ck.state.epoch, 3);
  for (const t of ck.tensors.values()) t.dispose();
  const prev = run.restore('cpu', { previous: true });
  assert.equal(prev?.state.epoch, 2);
  for (const t of prev?.tensors.values() ?? []) t.dispose();

  // A kill after epoch 4's steps and artifact were written but before its checkpoint: resume at epoch 3.
  writeFileSync(run.file('steps'), new Uint8Array(new Float32Array([31, 32]).buffer), { flag: 'a' });
  writeFileSync(run.file('metrics'), '{"epoch":4,"st', { flag: 'a' }); // a torn line
  writeFileSync(run.epochArtifactPath('correct', 4), 'x');
  assert.equal(run.readMetrics().length, 3, 'a partial last line is not read');
  run.syncTo(ck.state);
  assert.equal(run.stepCount(), 9);
  assert.equal(readFileSync(run.file('metrics'), 'utf8').split('\n').length, 4);
  assert.deepEqual(run.epochArtifactEpochs('correct'), [1, 2, 3]);
  assert.equal(liveTensors(), before);
});

test('a flipped byte in a checkpoint is an error naming it and offering the previous one', () => {
  const before = liveTensors();
  const run = newRun();
  commit(run, initialState(), 2);
  const bytes = readFileSync(run.file('checkpoint'));
  bytes[bytes.length - 1] ^= 0x40;
  writeFileSync(run.file('checkpoint'), bytes);
  assert.throws(
    () => run.restore('cpu'),
    (e: Error) =>
      e instanceof InputError &&
      e.message.startsWith(`${run.file('checkpoint')}: corrupt: tensor "w" fails its checksum; expected `) &&
      e.message.endsWith('; the previous checkpoint (epoch 1) is kept: resume from it with --from-previous'),
  );
  const prev = run.restore('cpu', { previous: true });
  assert.equal(prev?.state.epoch, 1);
  for (const t of prev?.tensors.values() ?? []) t.dispose();
  assert.equal(liveTensors(), before);
});

test('a directory written before run-dir.ts (history in checkpoint metadata, worker.lock) reads and resumes', async () => {
  const before = liveTensors();
  const root = tempDir('genlab-legacy-');
  const run = new RunDir(path.join(root, 'mlp-1x8_mnist_old'));
  run.create(CONFIG);
  const state = { ...initialState(), epoch: 2, step: 6, history: [record(1), record(2)] };
  scope(() =>
    saveSafetensors(path.join(run.dir, 'checkpoint.safetensors'), new Map([['w', tensor([2, 0], [2])]]), {
      state: JSON.stringify(state),
    }),
  );
  writeFileSync(path.join(run.dir, 'steps.f32'), new Uint8Array(4 * 7)); // one step past the checkpoint
  writeFileSync(path.join(run.dir, 'worker.lock'), '999999999'); // a dead sweep worker's pid
  assert.equal(existsSync(run.file('metrics')), false);
  assert.deepEqual(run.readMetrics(), [record(1), record(2)]);
  assert.equal(existsSync(run.file('metrics')), true, 'migrated: metrics.jsonl written');
  const ck = run.restore('cpu');
  assert.equal(ck?.state.epoch, 2);
  for (const t of ck?.tensors.values() ?? []) t.dispose();
  run.syncTo(state);
  assert.equal(run.stepCount(), 6);
  const lock = await run.lock();
  assert.equal(existsSync(path.join(run.dir, 'worker.lock')), false, 'the stale legacy lock is gone');
  lock.release();
  const store = new RunStore(root);
  try {
    assert.deepEqual(
      store.list().map((r) => [r.run, r.status, r.model, r.results]),
      [['mlp-1x8_mnist_old', 'running', 'mlp-1x8', null]],
    );
  } finally {
    store.close();
  }
  assert.equal(liveTensors(), before);
});

test('one writer: a second lock names the holder; a dead holder is taken over; release frees it', async () => {
  const run = newRun();
  const lock = await run.lock({ command: 'genlab fit' });
  assert.equal(run.writer()?.pid, process.pid);
  await assert.rejects(
    run.lock(),
    (e: Error) =>
      e instanceof RunLockedError &&
      new RegExp(
        `^run-a: locked by process ${process.pid} \\(genlab fit, since \\S+\\); expected no other writer; wait for it with --wait, or stop it$`,
      ).test(e.message),
  );
  let waited = false;
  const second = run.lock({ wait: true, onWait: () => (waited = true) });
  setTimeout(() => lock.release(), 150);
  (await second).release();
  assert.ok(waited);
  assert.equal(run.writer(), null);
  // A process that died holding the lock.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  writeFileSync(
    run.file('lock'),
    JSON.stringify({ pid: Number(dead.stdout), host: (await import('node:os')).hostname() }),
  );
  assert.equal(run.writer(), null, 'a dead pid holds nothing');
  (await run.lock()).release();
});

test('the store reads a "running" run as "interrupted" when its writer died holding the lock, not when the writer lives or is elsewhere', async () => {
  const root = tempDir('genlab-killed-');
  const store = new RunStore(root);
  try {
    const run = store.run('mlp-1x8_mnist_killed');
    run.create(CONFIG);
    const lock = await run.lock();
    commit(run, initialState(), 1);
    store.refresh(run.id);
    const status = () => [store.get(run.id)?.status, store.table()[0].status, store.versions()[0].status];
    assert.deepEqual(status(), ['running', 'running', 'running'], 'its writer lives');
    const host = (await import('node:os')).hostname();
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
        .stdout,
    );
    lock.release();
    assert.deepEqual(
      status(),
      ['running', 'running', 'running'],
      'no lock: a writer elsewhere (a queue worker) or none yet',
    );
    writeFileSync(run.file('lock'), JSON.stringify({ pid: dead, host: 'another-host' }));
    assert.deepEqual(
      status(),
      ['running', 'running', 'running'],
      'a holder on another host cannot be checked',
    );
    writeFileSync(run.file('lock'), JSON.stringify({ pid: dead, host }));
    assert.deepEqual(status(), ['interrupted', 'interrupted', 'interrupted'], 'killed holding its lock');
    assert.deepEqual(
      store.list({ status: 'interrupted' }).map((r) => r.run),
      [run.id],
    );
    assert.deepEqual(store.list({ status: 'running' }), []);
    (await run.lock()).release(); // resuming takes the lock over
    assert.equal(store.get(run.id)?.status, 'running');
  } finally {
    store.close();
  }
});

test('files() lists what a copy needs (no lock, no temporary files); stamp() moves with every epoch', async () => {
  const run = newRun();
  const lock = await run.lock();
  writeFileSync(`${run.file('summary')}.tmp-123`, '');
  const s0 = run.stamp();
  commit(run, initialState(), 1);
  const s1 = run.stamp();
  assert.notDeepEqual(s0, s1);
  assert.equal(s1.epochs, 1);
  assert.deepEqual(
    run.files().map((f) => f.path),
    [
      RUN_FILES.checkpoint,
      RUN_FILES.config,
      `${RUN_FILES.epochArtifacts}/correct/000001.bin`,
      RUN_FILES.metrics,
      RUN_FILES.steps,
      RUN_FILES.summary,
    ],
  );
  lock.release();
  assert.throws(() => run.epochArtifactPath('../x', 1), /run dir: epoch artifact: expected a name/);
});

test('a full disk mid-commit: DiskFullError naming the file, no temporary file left, the run resumes from its last checkpoint', () => {
  const before = liveTensors();
  const run = newRun();
  const state = initialState();
  commit(run, state, 1);
  // Writes into /dev/full fail with ENOSPC, as on a full disk.
  for (const [file, target] of [
    [`${run.file('checkpoint')}.next.tmp-${process.pid}`, run.file('checkpoint')],
    [`${run.file('summary')}.tmp-${process.pid}`, run.file('summary')],
  ]) {
    symlinkSync('/dev/full', file);
    assert.throws(
      () => commit(run, structuredClone(state), 1),
      (e: Error) =>
        e instanceof DiskFullError &&
        e.message === `${target}: disk full (ENOSPC); expected room to write; free space and resume the run`,
    );
    assert.deepEqual(
      readdirSync(run.dir).filter((f) => /\.tmp-|\.next$/.test(f)),
      [],
      'temporary files removed',
    );
    const ck = run.restore('cpu');
    assert.ok(ck);
    for (const t of ck.tensors.values()) t.dispose();
    run.syncTo(ck.state);
    assert.equal(run.stepCount(), ck.state.step);
    assert.equal(run.readMetrics().length, ck.state.epoch);
  }
  assert.notEqual(run.readSummary()?.status, 'failed');
  assert.equal(liveTensors(), before);
});

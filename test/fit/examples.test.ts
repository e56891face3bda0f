// genlab examples end to end: every epoch records which training examples are correct, and the report
// splits them by clean and corrupted labels (Arpit et al. 2017; Toneva et al. 2019).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { RunDir } from '../../src/store/run-dir.js';
import { TRAIN_CORRECT } from '../../src/experiments/fit.js';
import { bitAt } from '../../src/train/index.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');
const data = writeSyntheticMnist({ train: 300, test: 100, side: 10 });

function genlab(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const FIT = ['fit', '--dataset', 'mnist', '--data-dir', data, '--model', 'mlp-1x96', '--batch-size', '16'];

test('examples: per-epoch correctness bitsets match the recorded accuracy, and the report splits clean from corrupted', () => {
  const out = tempDir('genlab-examples-');
  try {
    const fit = genlab([
      ...FIT,
      ...['--labels', 'corrupted:0.5', '--corruption', 'wrong-class', '--epochs', '8', '--no-stop-at-fit'],
      ...['--lr', '0.05', '--threads', '1', '--out', out, '--json'],
    ]);
    assert.equal(fit.code, 0, fit.err);
    const id = (JSON.parse(fit.out) as { run: string }).run;
    const run = new RunDir(path.join(out, id));
    const metrics = run.readMetrics();
    assert.deepEqual(run.epochArtifactEpochs(TRAIN_CORRECT), [1, 2, 3, 4, 5, 6, 7, 8]);
    // Training on every example, a run records no probabilities of the labels (only train.fraction runs do).
    assert.deepEqual(run.epochArtifactNames(), [TRAIN_CORRECT]);
    for (const m of metrics) {
      const bits = run.readEpochArtifact(TRAIN_CORRECT, m.epoch)!;
      let correct = 0;
      for (let i = 0; i < 300; i++) correct += bitAt(bits, i) ? 1 : 0;
      assert.equal(correct / 300, m.trainAcc, `epoch ${m.epoch}: bitset vs trainAcc`);
    }

    const r = genlab(['examples', id, '--out', out, '--json']);
    assert.equal(r.code, 0, r.err);
    const d = JSON.parse(r.out) as {
      examples: number;
      learnedEpoch: (number | null)[];
      forgetEvents: number[];
      corrupted: boolean[];
      cleanLearnedBeforeMedianCorrupted: number | null;
      files: { figure: { png: string }; mostForgotten: string | null; lastLearned: string | null };
    };
    assert.equal(d.examples, 300);
    for (const k of ['learnedEpoch', 'forgetEvents', 'corrupted'] as const) assert.equal(d[k].length, 300, k);
    // wrong-class corruption changes every redrawn label: about half of them
    const nCorrupt = d.corrupted.filter(Boolean).length;
    assert.ok(nCorrupt > 100 && nCorrupt < 200, `corrupted ${nCorrupt}`);
    // learned at the first epoch whose bitset has it, and never before
    const first = run.readEpochArtifact(TRAIN_CORRECT, 1)!;
    for (let i = 0; i < 300; i++) if (bitAt(first, i)) assert.equal(d.learnedEpoch[i], 1);
    // clean, learnable synthetic classes are learned before the noisy labels (Arpit et al.)
    assert.ok(d.cleanLearnedBeforeMedianCorrupted! > 0.5, `${d.cleanLearnedBeforeMedianCorrupted}`);
    assert.ok(existsSync(d.files.figure.png) && existsSync(d.files.lastLearned!));

    const text = genlab(['examples', id.slice(0, 12), '--out', out]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /\| clean +\| +\d+ \|/);
    assert.match(text.out, /of clean examples are learned before the median corrupted one/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('examples: a run without per-example records, and a wrong number of runs, are clear errors', () => {
  const out = tempDir('genlab-examples-');
  try {
    const none = genlab(['examples', '--out', out]);
    assert.equal(none.code, 2);
    assert.match(none.err, /genlab examples: expected one run \(an id, a unique prefix or a path\), got 0/);
    const fit = genlab([...FIT, '--epochs', '1', '--threads', '1', '--out', out, '--json']);
    assert.equal(fit.code, 0, fit.err);
    const id = (JSON.parse(fit.out) as { run: string }).run;
    rmSync(path.dirname(new RunDir(path.join(out, id)).epochArtifactPath(TRAIN_CORRECT, 1)), {
      recursive: true,
    });
    const r = genlab(['examples', id, '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.err, /no per-example record \(train-correct\); expected a run trained by genlab/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// train.fraction: a fit trains on a seeded fraction of its training set and holds the rest out, still
// recording which held-out examples it classifies correctly and the probability it gives each label (what
// memorization scores and their baseline need).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { liveTensors } from '../../src/engine/index.js';
import { drawFraction } from '../../src/data/index.js';
import { TRAIN_CORRECT, TRAIN_LABEL_PROB, fit, trainMembers } from '../../src/experiments/fit.js';
import { resolveConfig } from '../../src/config/config.js';
import { runId } from '../../src/experiments/fit-kind.js';
import { RunStore } from '../../src/store/store.js';
import { exampleDynamics, hardestExamples } from '../../src/experiments/examples.js';
import { bitAt, decodeFloat16 } from '../../src/train/index.js';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { tempDir } from '../support/temp.js';

test('drawFraction: seeded, ascending, round(f·n) examples with at least one on each side', () => {
  const a = drawFraction(100, 0.7, 5);
  assert.equal(a.length, 70);
  assert.deepEqual(a, drawFraction(100, 0.7, 5));
  assert.notDeepEqual(a, drawFraction(100, 0.7, 6));
  assert.deepEqual(
    a,
    [...a].sort((x, y) => x - y),
  );
  assert.equal(new Set(a).size, 70);
  assert.equal(drawFraction(10, 0.99, 0).length, 9);
  assert.equal(drawFraction(10, 0.01, 0).length, 1);
  assert.throws(
    () => drawFraction(10, 1, 0),
    /subset: fraction out of range; expected a number in \(0, 1\), got 1/,
  );
});

test('a fit with train.fraction fits its members, not the held-out examples, and records both', async () => {
  const data = writeSyntheticMnist({ train: 200, test: 40, side: 8 });
  const out = tempDir('genlab-fraction-');
  const live = liveTensors();
  const config = resolveConfig(
    [
      { dataset: { name: 'mnist', dataDir: data }, model: { name: 'mlp-1x128' } },
      { randomization: { labels: 'random' } }, // held-out random labels can only be guessed: about 10%
      { train: { fraction: 0.5, seed: 3, epochs: 60, batchSize: 16, lr: 0.05 } },
    ],
    'test',
  );
  const store = new RunStore(out);
  try {
    assert.match(runId(config), /_labels-random_inputs-true_frac0\.5_[0-9a-f]{10}$/);
    const { summary } = await fit(config, { store, threads: 1 });
    assert.equal(liveTensors(), live, 'tensors leaked');
    assert.equal(summary.trainSize, 200);
    assert.equal(summary.trainAcc, 1, 'members fitted');
    const members = trainMembers(config, 200)!;
    assert.equal(members.length, 100);
    const run = store.run(summary.run);
    const bits = run.readEpochArtifact(TRAIN_CORRECT, summary.epochs)!;
    assert.equal(bits.length, 25);
    const isMember = new Set(members);
    const acc = (inside: boolean) => {
      const idx = [...Array(200).keys()].filter((i) => isMember.has(i) === inside);
      return idx.filter((i) => bitAt(bits, i)).length / idx.length;
    };
    assert.equal(acc(true), 1, 'the bitset agrees with trainAcc on the members');
    assert.ok(acc(false) < 0.3, `held-out random labels at chance, got ${acc(false)}`);
    // Every recorded epoch's trainAcc is the members' accuracy from that epoch's bitset; its trainLoss the
    // members' mean −log p(label) from the probabilities (float16: within about 2^-11 of each p).
    assert.deepEqual(run.epochArtifactNames(), [TRAIN_CORRECT, TRAIN_LABEL_PROB]);
    for (const m of run.readMetrics()) {
      const b = run.readEpochArtifact(TRAIN_CORRECT, m.epoch)!;
      assert.equal(members.filter((i) => bitAt(b, i)).length / 100, m.trainAcc, `epoch ${m.epoch}`);
      const bytes = run.readEpochArtifact(TRAIN_LABEL_PROB, m.epoch)!;
      assert.equal(bytes.length, 400, 'float16: 2 bytes for each of 200 examples');
      const p = decodeFloat16(bytes);
      assert.ok(p.every((x) => x >= 0 && x <= 1));
      const loss = members.reduce((a, i) => a - Math.log(Math.max(p[i], 2 ** -24)), 0) / 100;
      assert.ok(
        Math.abs(loss - m.trainLoss) < 2e-3 + 1e-3 * m.trainLoss,
        `epoch ${m.epoch}: ${loss} vs ${m.trainLoss}`,
      );
      // p > 0.5 makes the label the argmax; the argmax has p ≥ 1/10 (10 classes)
      for (let i = 0; i < 200; i++) {
        if (p[i] > 0.501) assert.ok(bitAt(b, i), `epoch ${m.epoch}: example ${i} p ${p[i]} but wrong`);
        if (bitAt(b, i)) assert.ok(p[i] >= 0.099, `epoch ${m.epoch}: example ${i} right with p ${p[i]}`);
      }
    }
    // genlab examples: groups and rankings count the members only (held-out ones are never trained on).
    const d = exampleDynamics(run);
    assert.deepEqual(
      d.trainedOn.flatMap((on, i) => (on ? [i] : [])),
      members,
    );
    assert.equal(d.clean.count + (d.noisy?.count ?? 0), 100);
    assert.equal(d.noisy!.learnedFraction, 1, 'every member fitted, so every member was learned');
    const hard = hardestExamples(d, 200);
    assert.ok([...hard.lastLearned, ...hard.mostForgotten].every((i) => isMember.has(i)));
    assert.equal(hard.lastLearned.length, 100);
  } finally {
    store.close();
    rmSync(out, { recursive: true, force: true });
  }
});

test('train.fraction is checked against the schema', () => {
  assert.throws(
    () => resolveConfig([{ train: { fraction: 1 } }], 'genlab fit'),
    /^InputError: genlab fit: train\.fraction: expected a number in \(0, 1\), got 1$/,
  );
});

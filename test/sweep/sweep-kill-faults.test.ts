// kill -9 at 30+ moments of a sweep (genlab run, its fits in one process), restarted each time with the
// same command: every run ends with the metrics, per-step losses and index row of an uninterrupted sweep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { killAndResume } from '../support/kill-faults.js';

const data = writeSyntheticMnist({ train: 100, test: 50, side: 8 });
const RUN = [
  ...['run', 'fig1b', '--scale', 'smoke', '--jobs', '1', '--dataset', 'mnist', '--data-dir', data],
  ...['--set', 'dataset.trainSize=96', '--set', 'dataset.testSize=50', '--set', 'train.epochs=3', '--json'],
];

test(
  'a sweep killed at 30+ moments and restarted each time ends as an uninterrupted sweep',
  { timeout: 1_800_000 },
  async (t) => {
    const r = await killAndResume({
      name: 'sweep',
      seed: 16,
      kills: 30,
      start: (out) => [...RUN, '--out', out],
      restart: () => null, // the same command again
    });
    const runs = (JSON.parse(r.reference.out) as { runs: { outcome: string }[] }).runs;
    assert.deepEqual(
      runs.map((x) => x.outcome),
      ['complete', 'complete', 'complete'],
    );
    assert.ok(r.kills.length >= 30, `${r.kills.length} kills`);
    const hit = (re: RegExp) =>
      assert.ok(
        r.kills.some((k) => re.test(k)),
        `no kill at ${re}: ${r.kills.join(', ')}`,
      );
    hit(/^appendFileSync RUN\/steps\.f32#/);
    hit(/^writeSync RUN\/checkpoint\.safetensors\.next\.tmp#/);
    hit(/^index RUN#/);
    t.diagnostic(`${r.kills.length} kills in ${r.chains} chains: ${r.kills.join(', ')}`);
  },
);

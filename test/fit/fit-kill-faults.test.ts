// kill -9 at 30+ moments of a fit (every kind of write, torn writes, and timed kills), resumed each time:
// the run ends with the metrics, per-step losses and index row of an uninterrupted one.
import assert from 'node:assert/strict';
import path from 'node:path';
import { RunDir } from '../../src/store/run-dir.js';
import { test } from 'node:test';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { killAndResume } from '../support/kill-faults.js';

const data = writeSyntheticMnist({ train: 200, test: 100, side: 10 });
const FIT = [
  ...['fit', '--dataset', 'mnist', '--data-dir', data, '--model', 'mlp-1x32', '--labels', 'corrupted:0.5'],
  ...['--batch-size', '32', '--epochs', '4', '--no-stop-at-fit', '--lr', '0.05', '--threads', '1', '--json'],
];

test(
  'a fit killed at 30+ moments and resumed each time ends as an uninterrupted fit',
  { timeout: 1_800_000 },
  async (t) => {
    let id = '';
    const r = await killAndResume({
      name: 'fit',
      seed: 12,
      kills: 30,
      start: (out) => [...FIT, '--out', out],
      // What a user types after a kill: --resume with the run's id (its stored thread count is kept).
      restart: (out) =>
        new RunDir(path.join(out, id)).exists() ? ['fit', '--resume', id, '--out', out, '--json'] : null,
      onReference: (e) => (id = (JSON.parse(e.out) as { run: string }).run),
    });
    assert.ok(r.kills.length >= 30, `${r.kills.length} kills`);
    const hit = (re: RegExp) =>
      assert.ok(
        r.kills.some((k) => re.test(k)),
        `no kill at ${re}: ${r.kills.join(', ')}`,
      );
    hit(/^appendFileSync RUN\/steps\.f32#/); // recording an epoch's losses
    hit(/^writeSync RUN\/checkpoint\.safetensors\.next\.tmp#/); // writing a checkpoint
    hit(/^renameSync RUN\/checkpoint\.safetensors/); // replacing one
    hit(/^appendFileSync RUN\/metrics\.jsonl#/);
    hit(/ RUN\/summary\.json/);
    hit(/^index RUN#/); // updating the index
    hit(/^timed /); // SIGKILL from outside, between writes
    assert.ok(r.chains >= 3, `${r.chains} chains`);
    t.diagnostic(`${r.kills.length} kills in ${r.chains} chains: ${r.kills.join(', ')}`);
  },
);

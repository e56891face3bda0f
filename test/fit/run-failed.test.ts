// Runs that end in an error (issue 27): recorded "failed" with a one-line reason, listed by --status failed, unlocked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RunDir } from '../../src/store/run-dir.js';
import type { RunRow } from '../../src/store/store.js';
import { genlabInProcess } from '../support/cli-in-process.js';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');

function genlab(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('a fit out of memory: exit 1, status failed with the reason in summary and index, no lock, listed by --status failed', async () => {
  const data = writeSyntheticMnist({ train: 100, test: 20, side: 10 });
  const out = tempDir('genlab-failed-');
  // 10^12 hidden units of 100 inputs: 400 TB, more than any address space holds.
  const a = genlab([
    'fit',
    '--dataset',
    'mnist',
    '--data-dir',
    data,
    '--model',
    'mlp-1x1000000000000',
    '--epochs',
    '1',
    '--threads',
    '1',
    '--out',
    out,
  ]);
  assert.equal(a.code, 1, a.err);
  const reason = 'empty: out of memory: cannot allocate 400000000000000 bytes for a tensor';
  assert.equal(a.err.split('\n').filter(Boolean).pop(), reason);
  const [id] = readdirSync(out).filter((f) => f.startsWith('mlp-'));
  const run = new RunDir(path.join(out, id));
  assert.deepEqual([run.readSummary()?.status, run.readSummary()?.error], ['failed', reason]);
  assert.equal(existsSync(run.file('lock')), false, 'the lock is released');
  assert.deepEqual(run.scratch(), []);

  const listed = await genlabInProcess(['runs', '--out', out, '--status', 'failed', '--json']);
  assert.deepEqual(
    (JSON.parse(listed.out) as { runs: RunRow[] }).runs.map((r) => [r.run, r.status, r.error, r.results]),
    [[id, 'failed', reason, null]],
  );
  const text = (await genlabInProcess(['runs', '--out', out, '--status', 'failed'])).out;
  assert.match(text, new RegExp(`^${id} +failed `, 'm'));
  assert.match(text, new RegExp(`^  error: ${reason}$`, 'm'));
  // The index is a cache: rebuilt from the run directories, the run is still failed.
  const rebuilt = await genlabInProcess(['runs', '--out', out, '--reindex', '--status', 'failed', '--json']);
  assert.deepEqual(
    (JSON.parse(rebuilt.out) as { runs: RunRow[] }).runs.map((r) => [r.run, r.status, r.error]),
    [[id, 'failed', reason]],
  );
});

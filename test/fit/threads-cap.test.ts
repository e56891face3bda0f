// --threads above the CPU count: fit, run (in-process, in workers, theory presets) cap it with the same one-line notice.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cpuCount } from '../../src/engine/index.js';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');
const data = writeSyntheticMnist({ train: 64, test: 32, side: 8 });
const cpus = cpuCount();
const asked = cpus + 7;
const NOTICE = `threads: ${asked} asked for, but this machine has ${cpus} CPUs; using ${cpus}`;

/** stderr's lines about threads (progress lines aside; the store's temporary path holds the word too). */
const notices = (err: string) =>
  err.split('\n').filter((l) => l.replace(/genlab-threads-cap-\w+/g, '').includes('threads'));

function genlab(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('fit and run cap --threads at the CPU count with one notice, and the runs record the capped count', () => {
  const out = tempDir('genlab-threads-cap-');
  try {
    const fit = genlab([
      ...['fit', '--dataset', 'mnist', '--data-dir', data, '--model', 'mlp-1x16', '--epochs', '1'],
      ...['--threads', String(asked), '--out', out, '--json'],
    ]);
    assert.equal(fit.code, 0, fit.err);
    assert.deepEqual(notices(fit.err), [`genlab fit: ${NOTICE}`]);
    assert.equal((JSON.parse(fit.out) as { threads: number }).threads, cpus);
    for (const jobs of ['1', '2']) {
      const run = genlab([
        ...['run', 'fig1b', '--scale', 'smoke', '--dataset', 'mnist', '--data-dir', data, '--jobs', jobs],
        ...[
          '--set',
          'train.epochs=1',
          '--set',
          `dataset.trainSize=${32 + Number(jobs)}`,
          '--set',
          'dataset.testSize=32',
        ],
        ...['--threads', String(asked), '--out', out, '--json'],
      ]);
      assert.equal(run.code, 0, run.err);
      assert.deepEqual(notices(run.err), [`genlab run: ${NOTICE}`], `--jobs ${jobs}`);
      const runs = (JSON.parse(run.out) as { runs: { summary: { threads: number } }[] }).runs;
      assert.deepEqual(
        runs.map((r) => r.summary.threads),
        [cpus, cpus, cpus],
        `--jobs ${jobs}`,
      );
    }
    // A theory preset takes its threads from the same policy, with the same notice.
    const theory = genlab([
      ...['run', 'double-descent-rff', '--scale', 'smoke', '--set', 'features.count=20'],
      ...['--threads', String(asked), '--out', out],
    ]);
    assert.equal(theory.code, 0, theory.err);
    assert.deepEqual(notices(theory.err), [`genlab run: ${NOTICE}`]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// The run store end to end: a run killed with SIGKILL at any moment resumes to the same metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { RunDir } from '../../src/store/run-dir.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');
const data = writeSyntheticMnist({ train: 1500, test: 300, side: 10 });
const ARGS = [
  'fit',
  '--dataset',
  'mnist',
  '--data-dir',
  data,
  '--model',
  'mlp-1x96',
  '--labels',
  'random',
  '--batch-size',
  '16',
  '--epochs',
  '6',
  '--no-stop-at-fit',
  '--lr',
  '0.05',
  '--json',
];

function genlab(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function epochsDone(dir: string): number {
  try {
    return new RunDir(dir).readMetrics().length;
  } catch {
    return 0;
  }
}

test('kill -9 mid-run, then --resume: same metrics and step losses as an uninterrupted run', async () => {
  const whole = tempDir('genlab-whole-');
  const a = genlab([...ARGS, '--out', whole]);
  assert.equal(a.code, 0, a.err);
  const ref = JSON.parse(a.out) as Record<string, unknown>;

  const broken = tempDir('genlab-killed-');
  const child = spawn(process.execPath, [BIN, ...ARGS, '--out', broken], { stdio: 'ignore' });
  const runDir = path.join(broken, String(ref.run));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (epochsDone(runDir) >= 2) {
        clearInterval(timer);
        child.kill('SIGKILL'); // somewhere inside epoch 3 (or just after a checkpoint)
        resolve();
      }
    }, 5);
    child.on('exit', () => {
      clearInterval(timer);
      reject(new Error('the run finished before it could be killed; make it longer'));
    });
  });
  await new Promise((r) => child.on('exit', r));
  assert.ok(epochsDone(runDir) < 6, 'killed before the end');

  const b = genlab(['fit', '--resume', String(ref.run), '--out', broken, '--json']);
  assert.equal(b.code, 0, b.err);
  const resumed = JSON.parse(b.out) as Record<string, unknown>;
  for (const k of [
    'epochs',
    'steps',
    'stepsToFit',
    'trainAcc',
    'testAcc',
    'bestTestAcc',
    'bestTestEpoch',
    'labelChangedFraction',
  ]) {
    assert.equal(resumed[k], ref[k], k);
  }
  const losses = (dir: string) => Buffer.from(new RunDir(path.join(dir, String(ref.run))).readSteps().buffer);
  assert.ok(
    losses(whole).equals(losses(broken)),
    'per-step losses are identical, none lost or counted twice',
  );
  assert.equal(losses(whole).length, 4 * Number(ref.steps));

  const again = genlab([...ARGS, '--out', broken]);
  assert.equal(again.code, 0);
  assert.equal((JSON.parse(again.out) as { alreadyComplete: boolean }).alreadyComplete, true);

  const listed = JSON.parse(genlab(['runs', '--out', broken, '--json']).out) as {
    runs: { run: string; status: string }[];
  };
  assert.deepEqual(
    listed.runs.map((r) => [r.run, r.status]),
    [[ref.run, 'complete']],
  );
});

test('a tiny MLP fits random labels on a few hundred examples', () => {
  const out = tempDir('genlab-fit-');
  const r = genlab([
    'fit',
    '--dataset',
    'mnist',
    '--data-dir',
    data,
    '--train-size',
    '300',
    '--model',
    'mlp-1x256',
    '--labels',
    'random',
    '--epochs',
    '150',
    '--out',
    out,
    '--json',
  ]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as {
    trainAcc: number;
    stepsToFit: number | null;
    testAcc: number;
    labelChangedFraction: number;
    params: number;
  };
  assert.equal(s.trainAcc, 1);
  assert.ok(s.stepsToFit !== null && s.stepsToFit > 0);
  assert.ok(s.testAcc < 0.25, `test accuracy stays near chance: ${s.testAcc}`);
  assert.ok(s.labelChangedFraction > 0.8);
  assert.equal(s.params, 100 * 256 + 256 + 256 * 10 + 10);
});

test('a learning rate that blows up marks the run diverged, with the reason', () => {
  const out = tempDir('genlab-div-');
  const r = genlab([
    'fit',
    '--dataset',
    'mnist',
    '--data-dir',
    data,
    '--train-size',
    '200',
    '--model',
    'mlp-2x64',
    '--lr',
    '1e6',
    '--epochs',
    '5',
    '--out',
    out,
    '--json',
  ]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { diverged: boolean; divergedReason: string; status: string };
  assert.equal(s.diverged, true);
  assert.equal(s.status, 'diverged');
  assert.match(s.divergedReason, /^training loss .* at step \d+ \(epoch 1\) is (not finite|above 10000)$/);
});

// Theory experiments as stored runs, end to end through the CLI: table3 at smoke scale runs once and reports;
// each command stores its result and reuses it; genlab runs lists them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { liveTensors } from '../../src/engine/index.js';
import { genlabInProcess } from '../support/cli-in-process.js';
import { decodePngSize } from '../../src/report/png.js';
import { tempDir } from '../support/temp.js';

const genlab = (args: string[]) => genlabInProcess(args);

test('genlab run table3 --scale smoke: six kernel runs, stored; again: none recomputed; report beside the paper', async () => {
  const root = tempDir('genlab-table3-');
  const before = liveTensors();
  try {
    const first = await genlab(['run', 'table3', '--scale', 'smoke', '--out', root]);
    assert.equal(first.code, 0, first.err);
    assert.equal(first.err.match(/: complete in /g)?.length, 6, first.err);
    assert.match(first.err, /\[1\/6\] features=pixels ridge=0: complete in .*: train error 0\.00%/);

    const again = await genlab(['run', 'table3', '--scale', 'smoke', '--out', root]);
    assert.equal(again.code, 0);
    assert.equal(again.err.match(/already complete/g)?.length, 6);
    assert.doesNotMatch(again.err, /started/);

    // The same options from `genlab kernel` are the same run.
    const one = await genlab([
      'kernel',
      ...['--train-size', '200', '--test-size', '200', '--features', 'gabor', '--out', root, '--json'],
    ]);
    assert.equal(one.code, 0, one.err);
    assert.match(
      one.err,
      /stored run kernel_gaussian_fashion-mnist-200_labels-true_gabor_ridge0_0a2892ca75 /,
    );
    assert.equal((JSON.parse(one.out) as { trainError: number }).trainError, 0);

    const report = await genlab(['report', 'table3', '--scale', 'smoke', '--out', root]);
    assert.equal(report.code, 0, report.err);
    assert.equal(report.out.match(/^\| fashion-mnist \|/gm)?.length, 6, report.out);
    assert.match(report.out, /\| fashion-mnist \| pixels +\| +0 \| 200 \| +\d+\.\d\d% \| +1\.20% \|/);
    const html = readFileSync(path.join(root, 'reports', 'table3-smoke', 'table3.html'), 'utf8');
    assert.match(html, /<table/);
    assert.match(html, /How this differs from the paper/);

    const runs = await genlab(['runs', '--out', root, '--json']);
    const rows = (JSON.parse(runs.out) as { runs: { run: string; status: string; model: string }[] }).runs;
    assert.equal(rows.length, 6);
    assert.ok(rows.every((r) => r.status === 'complete' && r.model === 'kernel-gaussian'));

    const notFit = await genlab(['report', rows[0].run, '--out', root]);
    assert.equal(notFit.code, 2);
    assert.match(notFit.err, /^genlab report: run kernel_\S+ is a kernel run; expected a fit/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.equal(liveTensors(), before, 'live tensors after the runs');
});

test('minnorm, expressivity and rademacher store their results and reuse them', async () => {
  const root = tempDir('genlab-theory-');
  const before = liveTensors();
  try {
    const commands = [
      ['minnorm', '--train-size', '20', '--epochs', '5'],
      ['expressivity', '--train-size', '100', '--test-size', '50'],
      ['rademacher', '--model', 'kernel', '--train-size', '30', '--draws', '2'],
    ];
    for (const argv of commands) {
      const r = await genlab([...argv, '--out', root, '--json']);
      assert.equal(r.code, 0, `${argv[0]}: ${r.err}`);
      const again = await genlab([...argv, '--out', root, '--json']);
      assert.equal(again.code, 0);
      assert.match(again.err, new RegExp(`^${argv[0]}: stored run ${argv[0]}_`), again.err);
      const a = JSON.parse(r.out) as Record<string, unknown>;
      assert.deepEqual(JSON.parse(again.out), a);
      if (argv[0] === 'minnorm') {
        assert.ok((a.distanceToMinNorm as number) < (a.distanceFromNonzeroInit as number));
        assert.ok(decodePngSize(readFileSync(a.figure as string)).width > 100);
      }
      if (argv[0] === 'expressivity') assert.equal(a.fittedFraction, 1);
      if (argv[0] === 'rademacher') assert.ok(Math.abs((a.estimate as number) - 1) < 1e-6); // the kernel interpolates
    }
    const rows = (
      JSON.parse((await genlab(['runs', '--out', root, '--json'])).out) as { runs: { run: string }[] }
    ).runs;
    assert.deepEqual(
      rows.map((r) => r.run.split('_')[0]),
      ['minnorm', 'expressivity', 'rademacher'],
    );
    assert.ok(existsSync(path.join(root, rows[0].run, 'artifacts', 'result.json')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.equal(liveTensors(), before, 'live tensors after the runs');
});

test('bad options name the command and the key', async () => {
  const unused = path.join(tmpdir(), `genlab-unused-${process.pid}`);
  const r = await genlab(['kernel', '--filter-size', '4', '--out', unused]);
  assert.equal(r.code, 2);
  assert.ok(!existsSync(unused), 'bad input opened a run store');
  assert.equal(r.err, 'genlab kernel: features.filterSize: expected an odd size, got 4\n');
  const s = await genlab(['run', 'table3', '--scale', 'smoke', '--set', 'ridge=-1', '--dry-run']);
  assert.equal(s.code, 2);
  assert.equal(s.err, 'genlab run: --set ridge: expected a number ≥ 0, got -1\n');
});

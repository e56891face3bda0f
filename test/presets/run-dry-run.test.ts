// genlab run --dry-run: the plan with calibrated estimates, as text and as JSON, calibrating each model once per machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../support/temp.js';

const genlab = (...args: string[]) =>
  spawnSync(process.execPath, [path.resolve('bin/genlab.js'), ...args], { encoding: 'utf8' });

test('fig1a at full scale: 5 runs on 60,000 images with estimates; the calibration is cached', () => {
  const out = tempDir('genlab-dry-');
  try {
    const first = genlab('run', 'fig1a', '--scale', 'full', '--dry-run', '--json', '--out', out);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /calibrating mlp-1x512 3x28x28 batch 128 eval 2000 cpu threads 1…/);
    const plan = JSON.parse(first.stdout) as {
      runs: Record<string, unknown>[];
      totalSeconds: number;
    };
    assert.equal(plan.runs.length, 5);
    for (const r of plan.runs) {
      assert.deepEqual(Object.keys(r), ['id', 'model', 'trainSize', 'estimatedSeconds', 'complete']);
      assert.equal(r.model, 'mlp-1x512');
      assert.equal(r.trainSize, 60000);
      assert.equal(r.complete, false);
      assert.ok((r.estimatedSeconds as number) > 0);
    }
    assert.ok(plan.totalSeconds >= (plan.runs[0].estimatedSeconds as number));
    const text = genlab('run', 'fig1a', '--scale', 'full', '--dry-run', '--jobs', '1', '--out', out);
    assert.equal(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stderr, /calibrating/);
    assert.match(
      text.stdout,
      /^≤ \S+ +mlp-1x512_fashion-mnist_labels-random_inputs-true_\w+ {2}random labels$/m,
    );
    assert.match(text.stdout, /^5 of 5 runs to make: at most \S+ with --jobs 1 /m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// A sweep killed with SIGKILL after its first run completes, then restarted, completes with each run fitted exactly once.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RunDir } from '../../src/store/run-dir.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');
const ARGS = ['run', 'fig1b', '--scale', 'smoke', '--jobs', '2'];

function completed(root: string): number {
  if (!existsSync(root)) return 0;
  return readdirSync(root).filter((d) => new RunDir(path.join(root, d)).finishedSummary() !== null).length;
}

interface RunJson {
  id: string;
  outcome: string;
  summary: { steps: number; dir: string; stepsToFit: number | null } | null;
}

test('killed mid-sweep and restarted: nothing lost, nothing repeated', { timeout: 120_000 }, async () => {
  const root = tempDir('genlab-kill-');
  try {
    const child = spawn(process.execPath, [BIN, ...ARGS, '--out', root], { stdio: 'ignore' });
    const killedAfter = await new Promise<number>((resolve, reject) => {
      const poll = setInterval(() => {
        const n = completed(root);
        if (n >= 1) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve(n);
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(poll);
        reject(new Error('the sweep finished before it could be killed'));
      });
    });
    const r = spawnSync(process.execPath, [BIN, ...ARGS, '--out', root, '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { preset: string; scale: string; runs: RunJson[] };
    assert.equal(out.preset, 'fig1b');
    assert.equal(out.runs.length, 3);
    assert.ok(out.runs.filter((x) => x.outcome === 'skipped').length >= killedAfter);
    for (const run of out.runs) {
      assert.ok(run.summary, `${run.id}: no summary`);
      const dir = new RunDir(run.summary.dir);
      const epochs = dir.readMetrics().map((e) => e.epoch);
      assert.deepEqual(
        epochs,
        epochs.map((_, i) => i + 1),
        `${run.id}: epochs repeated or lost`,
      );
      assert.equal(dir.stepCount(), run.summary.steps, `${run.id}: step losses repeated or lost`);
      assert.equal(dir.writer(), null, 'no lock left behind');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

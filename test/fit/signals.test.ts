// SIGTERM (docker stop, systemd, Slurm) and SIGHUP (a closed terminal) stop genlab fit and genlab run as Ctrl-C
// does: after the current epoch's checkpoint, no lock left, exit 128 + the signal's number, the run recorded
// "interrupted" (resuming such a run is test/fit/fit-resume.test.ts's). A theory command dies at once (its solve
// is one native call) and its run reads "interrupted" from the lock it left.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RunDir } from '../../src/store/run-dir.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');
const FIT = [
  'fit',
  '--model',
  'mlp-1x64',
  '--train-size',
  '256',
  '--test-size',
  '64',
  '--epochs',
  '400',
  '--no-stop-at-fit',
  '--threads',
  '1',
  '--json',
];

const runDirs = (store: string) =>
  existsSync(store) ? readdirSync(store).filter((d) => existsSync(path.join(store, d, 'config.json'))) : [];
const epochsIn = (store: string) =>
  runDirs(store).reduce((a, d) => {
    try {
      return a + new RunDir(path.join(store, d)).readMetrics().length;
    } catch {
      return a;
    }
  }, 0);

/** Each run's status as `genlab runs --json` lists it (the store's index). */
function statuses(store: string): Record<string, string> {
  const r = spawnSync(process.execPath, [BIN, 'runs', '--out', store, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { runs } = JSON.parse(r.stdout) as { runs: { run: string; status: string }[] };
  return Object.fromEntries(runs.map((x) => [x.run, x.status]));
}

/** Starts `genlab ARGS`, sends `signal` once an epoch is stored, and resolves with its exit code and the seconds it took to stop. */
function stopAfterAnEpoch(
  args: string[],
  store: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; seconds: number; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args, '--out', store], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.resume();
  return new Promise((resolve, reject) => {
    let sent = 0;
    const timer = setInterval(() => {
      if (!sent && epochsIn(store) >= 1) {
        sent = performance.now();
        child.kill(signal);
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (!sent) reject(new Error(`exited (${code}) before the signal; make the run longer\n${err}`));
      else resolve({ code, seconds: (performance.now() - sent) / 1000, err });
    });
  });
}

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  test(`genlab fit on ${signal}: stops after its checkpoint, exit ${code}, no lock left`, async () => {
    const store = tempDir('genlab-signal-');
    const r = await stopAfterAnEpoch(FIT, store, signal);
    assert.equal(r.code, code, r.err);
    assert.ok(r.seconds < 10, `stopped in ${r.seconds.toFixed(1)} s`);
    assert.match(r.err, new RegExp(`${signal} received: stopping after this epoch's checkpoint`));
    const [id] = runDirs(store);
    const dir = path.join(store, id);
    assert.equal(existsSync(path.join(dir, 'run.lock')), false, 'the lock is released');
    const epochs = new RunDir(dir).readMetrics().length;
    assert.ok(epochs >= 1 && epochs < 400, `${epochs} epochs stored`);
    // Recorded "interrupted", in its summary and the index (not "running": nothing runs it).
    assert.equal(new RunDir(dir).readSummary()?.status, 'interrupted');
    assert.deepEqual(statuses(store), { [id]: 'interrupted' });
  });
}

test('an interrupted run is "running" again while it resumes, and "complete" when it ends', async () => {
  const store = tempDir('genlab-signal-');
  const args = FIT.map((a) => (a === '400' ? '40' : a));
  const r = await stopAfterAnEpoch(args, store, 'SIGTERM');
  assert.equal(r.code, 143, r.err);
  const [id] = runDirs(store);
  assert.deepEqual(statuses(store), { [id]: 'interrupted' });
  let seen = '';
  const child = spawn(process.execPath, [BIN, 'fit', '--resume', id, '--out', store, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.resume();
  child.stderr.resume();
  const timer = setInterval(() => {
    const s = new RunDir(path.join(store, id)).readSummary()?.status;
    if (s === 'running') seen = s;
  }, 5);
  const code = await new Promise((res) => child.on('exit', res));
  clearInterval(timer);
  assert.equal(code, 0);
  assert.equal(seen, 'running', 'the summary says running while it resumes');
  assert.deepEqual(statuses(store), { [id]: 'complete' });
});

test('genlab run on SIGTERM: the sweep stops after the running epoch, exit 143, no lock left', async () => {
  const store = tempDir('genlab-signal-');
  const args = [
    'run',
    'fig1a',
    '--scale',
    'smoke',
    '--set',
    'train.epochs=400',
    '--set',
    'train.stopAtTarget=false',
  ];
  const r = await stopAfterAnEpoch(args, store, 'SIGTERM');
  assert.equal(r.code, 143, r.err);
  assert.ok(r.seconds < 10, `stopped in ${r.seconds.toFixed(1)} s`);
  for (const d of runDirs(store))
    assert.equal(existsSync(path.join(store, d, 'run.lock')), false, `${d}: lock released`);
  const left = Object.values(statuses(store));
  assert.ok(left.length > 0 && !left.includes('running'), `no run left "running": ${left.join(', ')}`);
  assert.ok(left.includes('interrupted'), left.join(', '));
});

test('genlab kernel killed by SIGTERM mid-solve: at once, and its run reads "interrupted", then completes when run again', async () => {
  const store = tempDir('genlab-signal-');
  const args = [BIN, 'kernel', '--train-size', '6000', '--threads', '1', '--out', store, '--json'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume();
  child.stderr.resume();
  let sent = 0;
  const timer = setInterval(() => {
    const [id] = runDirs(store);
    if (!sent && id && existsSync(path.join(store, id, 'run.lock'))) {
      sent = performance.now();
      child.kill('SIGTERM');
    }
  }, 10);
  const signal = await new Promise((res) => child.on('exit', (_code, sig) => res(sig)));
  clearInterval(timer);
  assert.ok(sent, 'the kernel ended before it could be stopped: make it larger');
  assert.equal(signal, 'SIGTERM');
  assert.ok(performance.now() - sent < 10_000);
  const [id] = runDirs(store);
  assert.deepEqual(statuses(store), { [id]: 'interrupted' });
  const again = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(statuses(store), { [id]: 'complete' });
});

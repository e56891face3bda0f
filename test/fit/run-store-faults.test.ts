// The run store under faults (issue 12): two writers, a flipped checkpoint byte, a broken index, bad --out paths, a full disk.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RunDir } from '../../src/store/run-dir.js';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');
const data = writeSyntheticMnist({ train: 400, test: 100, side: 10 });
const FIT_BASE = [
  'fit',
  '--dataset',
  'mnist',
  '--data-dir',
  data,
  '--model',
  'mlp-1x32',
  '--labels',
  'random',
  '--batch-size',
  '16',
  '--no-stop-at-fit',
  '--threads',
  '1',
  '--json',
];
const FIT = [...FIT_BASE, '--epochs', '4'];
const LONG = [...FIT_BASE, '--epochs', '30'];

interface Result {
  code: number;
  out: string;
  err: string;
}

function genlab(args: string[]): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function genlabAsync(args: string[]): { pid: number; done: Promise<Result> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    pid: child.pid ?? 0,
    done: new Promise((r) => child.on('close', (code) => r({ code: code ?? -1, out, err }))),
  };
}

const tmp = (name: string) => tempDir(`genlab-${name}-`);
const outcome = (r: Result) => JSON.parse(r.out) as Record<string, unknown> & { run: string; dir: string };

/** What an uninterrupted run ends with (summary without timings, metrics without timings, step losses). */
function results(dir: string): unknown {
  const run = new RunDir(dir);
  const s = run.readSummary() as unknown as Record<string, unknown>;
  return {
    summary: { ...s, dir: '', wallSeconds: 0, examplesPerSecond: 0 },
    metrics: run.readMetrics().map((m) => ({ ...m, seconds: 0 })),
    steps: Buffer.from(run.readSteps().buffer).toString('base64'),
  };
}

let reference: { run: string; results: unknown } | undefined;
function uninterrupted(): { run: string; results: unknown } {
  if (!reference) {
    const r = genlab([...FIT, '--out', tmp('ref')]);
    assert.equal(r.code, 0, r.err);
    reference = { run: outcome(r).run, results: results(outcome(r).dir) };
  }
  return reference;
}

test('two fits of one run: the second names the process writing it and exits; with --wait it waits', async () => {
  const out = tmp('two');
  const first = genlabAsync([...LONG, '--out', out]);
  let run: RunDir | undefined;
  let ended: Result | undefined;
  void first.done.then((r) => (ended = r));
  while (!run?.writer()) {
    if (ended) assert.fail(`the first fit ended before it was seen writing: ${ended.err}`);
    await new Promise((r) => setTimeout(r, 20));
    const id = existsSync(out) ? readdirSync(out).find((f) => f.startsWith('mlp-1x32')) : undefined;
    run = id ? new RunDir(path.join(out, id)) : undefined;
  }
  process.kill(first.pid, 'SIGSTOP'); // holds the lock, however slow the machine is
  const second = genlab([...LONG, '--out', out]);
  assert.equal(second.code, 1);
  assert.equal(
    second.err.replace(/since [^)]+\)/, 'since T)'),
    `${run.id}: locked by process ${first.pid} (genlab fit, since T); expected no other writer; wait for it with --wait, or stop it\n`,
  );
  const waiter = genlabAsync([...LONG, '--out', out, '--wait']);
  await new Promise((r) => setTimeout(r, 500));
  process.kill(first.pid, 'SIGCONT');
  const waiting = await waiter.done;
  assert.equal(waiting.code, 0, waiting.err);
  assert.equal((JSON.parse(waiting.out) as { alreadyComplete: boolean }).alreadyComplete, true);
  const a = await first.done;
  assert.equal(a.code, 0, a.err);
  const steps = outcome(a).steps as number;
  assert.equal(new RunDir(outcome(a).dir).stepCount(), steps, 'each step written once');
});

test('a flipped byte in the checkpoint: an error naming it, never a diverged run; --from-previous resumes to the same end', () => {
  const ref = uninterrupted();
  const out = tmp('flip');
  const run = new RunDir(path.join(out, ref.run));
  const partial = genlabAsync([...FIT, '--out', out]);
  return (async () => {
    let ended: Result | undefined;
    void partial.done.then((r) => (ended = r));
    while (run.readMetrics().length < 2) {
      if (ended) assert.fail(`the fit ended before it could be killed: ${ended.err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    process.kill(partial.pid, 'SIGKILL');
    await partial.done;
    const file = run.file('checkpoint');
    const bytes = (await import('node:fs')).readFileSync(file);
    bytes[bytes.length - 40] ^= 0x10; // inside the last tensor's data; the header is intact
    writeFileSync(file, bytes);
    const b = genlab(['fit', '--resume', ref.run, '--out', out, '--json']);
    assert.equal(b.code, 2);
    assert.match(
      b.err,
      new RegExp(
        `^${file.replace(/[.]/g, '\\.')}: corrupt: tensor "[^"]+" fails its checksum; expected [0-9a-f]{64}, got [0-9a-f]{64}; the previous checkpoint \\(epoch \\d\\) is kept: resume from it with --from-previous\\n$`,
      ),
    );
    const listed = JSON.parse(genlab(['runs', '--out', out, '--json']).out) as {
      runs: { run: string; status: string }[];
    };
    assert.deepEqual(
      listed.runs.filter((r) => r.run === ref.run).map((r) => r.status),
      ['running'],
    );
    const c = genlab(['fit', '--resume', ref.run, '--out', out, '--from-previous', '--json']);
    assert.equal(c.code, 0, c.err);
    assert.deepEqual(results(run.dir), ref.results);
  })();
});

test('the index is a cache: a corrupt or deleted index.db is rebuilt from the run directories, with one line', () => {
  const ref = uninterrupted();
  const out = tmp('index');
  assert.equal(genlab([...FIT, '--out', out]).code, 0);
  writeFileSync(
    path.join(out, 'index.db'),
    'not a database at all, but long enough to be read as one '.repeat(200),
  );
  const a = genlab(['runs', '--out', out]);
  assert.equal(a.code, 0, a.err);
  assert.match(
    a.err,
    /^index .*index\.db: unreadable \(file is not a database\); rebuilt from 1 run directories\n$/,
  );
  assert.match(a.out, new RegExp(`^${ref.run} +complete +4 `, 'm'));
  for (const f of readdirSync(out)) if (f.startsWith('index.db')) rmSync(path.join(out, f));
  const b = genlab(['runs', '--out', out, '--json']);
  assert.match(b.err, /^index .*index\.db: missing; rebuilt from 1 run directories\n$/);
  assert.deepEqual(
    (JSON.parse(b.out) as { runs: { run: string; status: string }[] }).runs.map((r) => [r.run, r.status]),
    [[ref.run, 'complete']],
  );
  const c = genlab(['runs', '--out', out, '--reindex']);
  assert.equal(c.err, `reindexed 1 runs under ${out}\n`);
});

test('bad --out paths: one line naming --out, exit 2; runs rejected in validation leave no directory', () => {
  const dir = tmp('paths');
  const file = path.join(dir, 'a-file');
  writeFileSync(file, '');
  const a = genlab([...FIT, '--out', file]);
  assert.deepEqual([a.code, a.err], [2, `--out ${file}: expected a directory, got a file (${file})\n`]);
  const b = genlab([...FIT, '--out', path.join(file, 'below')]);
  assert.deepEqual(
    [b.code, b.err],
    [2, `--out ${path.join(file, 'below')}: expected a directory, got a file (${file})\n`],
  );
  for (const special of ['/proc/genlab-x', '/sys/genlab']) {
    const c = genlab(['runs', '--out', special]);
    assert.deepEqual(
      [c.code, c.err],
      [
        2,
        `--out ${special}: expected a directory on a disk, got a path under ${`/${special.split('/')[1]}`} (a special file system)\n`,
      ],
    );
  }
  const missing = path.join(dir, 'missing');
  const d = genlab(['runs', '--out', missing]);
  assert.equal(d.code, 0, d.err);
  assert.equal(existsSync(missing), false, 'runs does not create the store');
  const store = path.join(dir, 'store');
  const e = genlab([...FIT.map((a) => (a === data ? path.join(dir, 'no-data') : a)), '--out', store]);
  assert.equal(e.code, 2);
  assert.deepEqual(existsSync(store) ? readdirSync(store).filter((f) => !f.startsWith('index.db')) : [], []);
});

/** A tmpfs of `kb` kilobytes at a fresh directory, or null where mounting is not allowed. */
function smallDisk(kb: number): string | null {
  if (process.getuid?.() !== 0) return null;
  const at = tmp('tmpfs');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', at]);
  return r.status === 0 ? at : null;
}

test('a full disk: says so, leaves no temporary files, is recorded failed, and the run resumes to the same end', (t) => {
  const ref = uninterrupted();
  const disk = smallDisk(1024);
  if (!disk)
    return t.skip('cannot mount a tmpfs here (not root); the in-process disk-full test covers the writes');
  try {
    const out = path.join(disk, 'runs');
    mkdirSync(out);
    const filler = path.join(disk, 'filler');
    writeFileSync(filler, new Uint8Array(1024 * 1024 - 200 * 1024)); // leaves about 200 KB: two epochs or so
    const a = genlab([...FIT, '--out', out]);
    assert.equal(a.code, 1);
    assert.match(
      a.err.split('\n').slice(-2).join('\n'), // after the progress line
      /^\S+: disk full \((ENOSPC|SQLITE_FULL)\); expected room to write; free space and resume the run\n$/,
    );
    const scratch = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp-\d+$|\.next$/.test(f));
    assert.deepEqual(scratch(out), []);
    const run = new RunDir(path.join(out, ref.run));
    const listed = JSON.parse(genlab(['runs', '--out', out, '--json']).out) as {
      runs: { status: string; error: string }[];
    };
    assert.equal(listed.runs[0]?.status, 'failed');
    assert.match(listed.runs[0]?.error, /: disk full \((ENOSPC|SQLITE_FULL)\); .* resume the run$/);
    rmSync(filler);
    const b = genlab(['fit', '--resume', ref.run, '--out', out, '--json']);
    assert.equal(b.code, 0, b.err);
    assert.deepEqual(results(run.dir), ref.results);
  } finally {
    spawnSync('umount', [disk]);
  }
});

// Kill -9 fault tests' driver: a command killed at many chosen and random moments, restarted until it
// completes, must leave the store an uninterrupted run leaves (metrics, per-step losses, index, no litter).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Rng } from '../../src/engine/index.js';
import { RunDir } from '../../src/store/run-dir.js';
import { RunStore } from '../../src/store/store.js';
import { tempDir } from './temp.js';

const HARNESS = path.resolve('dist/test/support/kill-harness.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs the harness; `killAfterMs` sends SIGKILL from outside after that long (a moment between writes). */
export function harness(
  kill: string,
  fraction: number,
  log: string,
  argv: string[],
  killAfterMs?: number,
): Promise<Exit> {
  const child = spawn(process.execPath, [HARNESS, kill, String(fraction), log, '--', ...argv]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out, err });
    }),
  );
}

export interface Scenario {
  name: string;
  start(out: string): string[]; // the command that starts the work in store `out`
  restart(out: string): string[] | null; // the command a user runs after a kill (null: start's again)
  onReference?(e: Exit): void; // the uninterrupted run's output
  kills: number; // at least this many kills in all
  seed: number;
}

export interface FaultReport {
  kills: string[]; // the operation class and occurrence of each in-process kill, or `timed N ms`
  chains: number; // times the whole work was done from an empty store
  reference: Exit;
  classes: string[]; // the operation classes of an uninterrupted run
}

/** Runs the scenario: an uninterrupted reference, then kill chains until `kills` kills; compares every chain's store. */
export async function killAndResume(s: Scenario): Promise<FaultReport> {
  const tmp = tempDir(`genlab-faults-${s.name}-`);
  try {
    const refOut = path.join(tmp, 'reference');
    const refLog = path.join(tmp, 'reference.log');
    const started = Date.now();
    const reference = await harness('log', 1, refLog, s.start(refOut));
    const refMs = Date.now() - started;
    assert.equal(reference.code, 0, reference.err);
    s.onReference?.(reference);
    const ops = readFileSync(refLog, 'utf8').trim().split('\n');
    const classes = [...new Set(ops)];
    const rng = new Rng(s.seed);
    const killLog = path.join(tmp, 'kills.log');
    const timed: string[] = [];
    let chains = 0;
    // A fresh start cycles through every class; a restart through those that recur (each epoch, each process).
    const count = (c: string) => ops.filter((o) => o === c).length;
    const shuffled = (xs: string[]) => [...rng.permutation(xs.length)].map((i) => xs[i]);
    const fresh = shuffled(classes);
    const recurring = shuffled(classes.filter((c) => count(c) >= 2));
    let kills = 0;
    let picks = 0;
    // Every recurring class (each epoch's writes, the index) is killed at least once, whatever order the seed
    // gives: a class not killed yet goes first, then the pools cycle; classes met once are reached from fresh starts.
    const killed = new Set<string>();
    const more = () => kills < s.kills || recurring.some((c) => !killed.has(c));
    while (more()) {
      const out = path.join(tmp, `chain-${chains++}`);
      let argv = s.start(out);
      for (let tries = 0; ; tries++) {
        assert.ok(tries < 40, `${s.name}: chain ${chains} did not complete after 40 restarts`);
        const pool = tries === 0 ? fresh : recurring;
        const cls = pool.find((c) => !killed.has(c)) ?? pool[picks++ % pool.length];
        const timedKill = more() && rng.next() < 0.2;
        const target = more() && !timedKill ? `${cls}#${1 + rng.int(Math.min(2, count(cls)))}` : 'none';
        const delay = timedKill ? Math.round(rng.next() * refMs) : undefined;
        const r = await harness(target, rng.next(), killLog, argv, delay);
        if (r.signal !== 'SIGKILL') {
          assert.equal(r.code, 0, `${s.name}: ${argv.join(' ')} after ${tries} kills: ${r.err}`);
          break; // complete (a target class that did not occur in this process ends the chain too)
        }
        if (delay !== undefined) timed.push(`timed ${delay} ms`);
        else killed.add(cls);
        kills++;
        argv = s.restart(out) ?? s.start(out);
      }
      assertSameStore(out, refOut, s.name);
    }
    const logged = existsSync(killLog) ? readFileSync(killLog, 'utf8').trim().split('\n') : [];
    return { kills: [...logged, ...timed], chains, reference, classes };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Files holding wall-clock times (compared field by field below, times left out).
const TIMED = new Set([
  'summary.json',
  'metrics.jsonl',
  'checkpoint.safetensors',
  'checkpoint.previous.safetensors',
]);
const withoutTimes = (r: object) => ({ ...r, seconds: 0, wallSeconds: 0, examplesPerSecond: 0 });

/** Every file a directory holds, relative and sorted (scratch files included: none may be left). */
function tree(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]))
    .sort();
}

/** The killed-and-resumed store holds what the reference store holds: same runs, metrics, losses, files, index rows. */
export function assertSameStore(out: string, ref: string, name: string): void {
  const ids = new RunStore(ref, { create: false }).runIds();
  const got = new RunStore(out, { readonly: true });
  const want = new RunStore(ref, { readonly: true });
  try {
    assert.deepEqual(got.runIds(), ids, `${name}: runs`);
    for (const id of ids) {
      const a = new RunDir(path.join(out, id));
      const b = new RunDir(path.join(ref, id));
      const where = `${name}: ${id}`;
      assert.deepEqual(tree(a.dir), tree(b.dir), `${where}: files (a scratch file left, or one missing)`);
      assert.deepEqual(
        a.readMetrics().map(withoutTimes),
        b.readMetrics().map(withoutTimes),
        `${where}: metrics`,
      );
      assert.ok(
        Buffer.from(a.readSteps().buffer).equals(Buffer.from(b.readSteps().buffer)),
        `${where}: steps`,
      );
      for (const f of tree(a.dir).filter((f) => !TIMED.has(f)))
        assert.ok(
          readFileSync(path.join(a.dir, f)).equals(readFileSync(path.join(b.dir, f))),
          `${where}: ${f}`,
        );
      const sa = a.readSummary();
      const sb = b.readSummary();
      assert.ok(sa && sb);
      assert.deepEqual(
        withoutTimes({ ...sa, dir: '' }),
        withoutTimes({ ...sb, dir: '' }),
        `${where}: summary`,
      );
      const ra = got.get(id);
      const rb = want.get(id);
      assert.ok(ra?.results && rb?.results, `${where}: index row with results`);
      assert.equal(ra.status, rb.status, `${where}: index status`);
      assert.deepEqual(withoutTimes(ra.results), withoutTimes(rb.results), `${where}: index results`);
    }
  } finally {
    got.close();
    want.close();
  }
}

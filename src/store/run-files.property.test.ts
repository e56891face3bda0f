// Property tests of the run-store files (metrics, summary, lock, checkpoint, run pack): random and mutated
// contents end in an InputError naming the file (or a null lock) or in a valid result, never a crash.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { InputError, liveTensors } from '../engine/index.js';
import { RunDir } from './run-dir.js';
import { lockHolder, parseLock } from './run-lock.js';
import { packRun, unpackRun } from './run-pack.js';
import { oneEpochRun } from '../../test/support/fixture-run.js';

const RUNS = 2000;
const fixture = oneEpochRun();
fixture.store.close();
const run: RunDir = fixture.run;
const originals = {
  metrics: readFileSync(run.file('metrics')),
  summary: readFileSync(run.file('summary')),
  checkpoint: readFileSync(run.file('checkpoint')),
};
const pack = packRun(run);

const mutation = fc.oneof(
  fc.record({ at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }), cut: fc.constant(false) }),
  fc.record({ at: fc.nat(), bytes: fc.constant(new Uint8Array(0)), cut: fc.constant(true) }),
);

function mutate(b: Buffer, m: { at: number; bytes: Uint8Array; cut: boolean }): Buffer {
  const at = b.length ? m.at % b.length : 0;
  if (m.cut) return b.subarray(0, at);
  const c = Buffer.from(b);
  c.set(m.bytes.subarray(0, c.length - at), at);
  return c;
}

/** Runs fn; an error must be an InputError whose message starts with `where`. */
function clear<T>(where: string, fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `not an InputError: ${(e as Error).stack}`);
    assert.ok((e as Error).message.startsWith(where), (e as Error).message);
    return null;
  }
}

const contents = (b: Buffer) =>
  fc.oneof(
    mutation.map((m) => mutate(b, m)),
    fc.uint8Array({ maxLength: 200 }).map(Buffer.from),
    fc.json().map((j) => Buffer.from(j)),
  );

test('metrics.jsonl: mutated or random contents give checked records (epochs 1…n, numbers) or an error naming the file', () => {
  fc.assert(
    fc.property(contents(originals.metrics), (b) => {
      writeFileSync(run.file('metrics'), b);
      const records = clear(run.file('metrics'), () => run.readMetrics());
      for (const [i, r] of (records ?? []).entries()) {
        assert.equal(r.epoch, i + 1);
        for (const k of ['step', 'lr', 'trainAcc', 'testAcc', 'trainLoss'] as const)
          assert.equal(typeof r[k], 'number');
      }
    }),
    { numRuns: RUNS },
  );
  writeFileSync(run.file('metrics'), originals.metrics);
});

test('summary.json: mutated or random contents give a summary with a status or an error naming the file', () => {
  fc.assert(
    fc.property(contents(originals.summary), (b) => {
      writeFileSync(run.file('summary'), b);
      const s = clear(run.file('summary'), () => run.readSummary());
      if (s) assert.ok(['running', 'interrupted', 'complete', 'diverged', 'failed'].includes(s.status));
      clear(run.file('summary'), () => run.stamp());
    }),
    { numRuns: RUNS },
  );
  writeFileSync(run.file('summary'), originals.summary);
});

test('run.lock: any contents read as a live holder or as no lock, never an error', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.integer().map(String)), (text) => {
      const h = parseLock(text);
      if (h) assert.ok(Number.isSafeInteger(h.pid) && h.pid > 0);
      writeFileSync(run.file('lock'), text);
      lockHolder(run.file('lock'));
    }),
    { numRuns: RUNS },
  );
});

test('checkpoint: a mutated checkpoint restores exactly as written or fails naming the file', () => {
  const before = liveTensors();
  const first = run.restore('cpu');
  const state = JSON.stringify(first?.state);
  for (const t of first?.tensors.values() ?? []) t.dispose();
  fc.assert(
    fc.property(mutation, (m) => {
      writeFileSync(run.file('checkpoint'), mutate(originals.checkpoint, m));
      const ck = clear(run.file('checkpoint'), () => run.restore('cpu'));
      if (ck) {
        assert.equal(JSON.stringify(ck.state), state);
        assert.deepEqual(ck.tensors.get('w')?.toArray(), [1, 2, 3]);
        for (const t of ck.tensors.values()) t.dispose();
      }
    }),
    { numRuns: RUNS },
  );
  assert.equal(liveTensors(), before);
});

test('run pack: a mutated pack unpacks to exactly the packed files or fails naming the upload', () => {
  const files = unpackRun(pack).files;
  fc.assert(
    fc.property(
      fc.oneof(
        mutation.map((m) => mutate(pack, m)),
        fc.uint8Array({ maxLength: 300 }).map(Buffer.from),
      ),
      (b) => {
        const u = clear('upload: ', () => unpackRun(b, 'upload'));
        if (u) assert.deepEqual(u.files, files);
      },
    ),
    { numRuns: RUNS },
  );
});

// Moving a run between stores: a packed run installs as if it had run there; a damaged pack is refused.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { InputError, liveTensors } from '../engine/index.js';
import { installRun, packRun, unpackRun } from './run-pack.js';
import { RunStore } from './store.js';
import { oneEpochRun } from '../../test/support/fixture-run.js';
import { tempDir } from '../../test/support/temp.js';

test('a packed run installed in another store reads, lists and stamps exactly as the original', () => {
  const before = liveTensors();
  const { store, run } = oneEpochRun();
  const other = new RunStore(tempDir('genlab-pack-to-'));
  try {
    const copy = installRun(other, packRun(run));
    assert.equal(copy.dir, other.dirOf(run.id));
    assert.deepEqual(copy.files(), run.files());
    for (const f of run.files())
      assert.ok(
        readFileSync(path.join(copy.dir, f.path)).equals(readFileSync(path.join(run.dir, f.path))),
        f.path,
      );
    assert.deepEqual(copy.readSummary(), { ...run.readSummary(), dir: copy.dir });
    assert.deepEqual(copy.stamp(), run.stamp());
    const strip = (r: { dir: string; updated: string }) => ({ ...r, dir: '', updated: '' });
    assert.deepEqual(other.list().map(strip), store.list().map(strip));
    assert.equal(
      Math.round(statSync(copy.file('config')).mtimeMs),
      Math.round(statSync(run.file('config')).mtimeMs),
    );
    // Installing again (a newer pack of the same run) replaces the copy.
    installRun(other, packRun(run));
    assert.deepEqual(other.runIds(), [run.id]);
  } finally {
    store.close();
    other.close();
  }
  assert.equal(liveTensors(), before);
});

test('a damaged pack is refused with one line naming what is wrong', () => {
  const { store, run } = oneEpochRun();
  const pack = packRun(run);
  store.close();
  const fails = (b: Uint8Array, pattern: RegExp) =>
    assert.throws(
      () => unpackRun(b, 'upload'),
      (e: Error) => e instanceof InputError && pattern.test(e.message),
    );
  fails(pack.subarray(0, 10), /^upload: not a run pack; expected it to start with GLRUNPK1/);
  fails(pack.subarray(0, pack.length - 1), /^upload: .*: truncated: expected \d+ bytes, pack holds \d+$/);
  const flipped = Buffer.from(pack);
  flipped[flipped.length - 1] ^= 1;
  fails(flipped, /^upload: summary\.json: corrupt: expected sha256 [0-9a-f]+, got [0-9a-f]+$/);
  const header = pack.subarray(48, 48 + Number(pack.readBigUInt64LE(8)));
  fails(
    Buffer.concat([
      pack.subarray(0, 48),
      Buffer.from(header).fill(0x20, 0, 1),
      pack.subarray(48 + header.length),
    ]),
    /^upload: corrupt: the header fails its checksum$/,
  );
  // A header that checks out but names a path outside the run (as a hostile uploader could make).
  const evil = Buffer.from(header.toString().replace('"path":"config.json"', '"path":"../../x.json"'));
  const head = Buffer.alloc(48);
  pack.copy(head, 0, 0, 8);
  head.writeBigUInt64LE(BigInt(evil.length), 8);
  createHash('sha256').update(evil).digest().copy(head, 16);
  fails(
    Buffer.concat([head, evil, pack.subarray(48 + header.length)]),
    /^upload: file entry: expected \{path, bytes, sha256, mtimeMs\} with a relative path/,
  );
});

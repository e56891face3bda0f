// IDX reader: round trips (raw and gzip) and pinned error texts (random and damaged bytes: test/data-parsers-properties).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../engine/index.js';
import { readMaybeGz } from './files.js';
import { checkLabels, encodeIdx, parseIdx, readIdx } from './idx.js';
import { tempDir } from '../../test/support/temp.js';

const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => i);

test('IDX round-trips raw and gzip files', () => {
  const dir = tempDir('genlab-idx-');
  const bytes = encodeIdx([3, 4, 5], images);
  writeFileSync(path.join(dir, 'raw'), bytes);
  writeFileSync(path.join(dir, 'packed.gz'), gzipSync(bytes));
  for (const f of ['raw', 'packed.gz']) {
    const r = readIdx(path.join(dir, f), 3);
    assert.deepEqual(r.dims, [3, 4, 5]);
    assert.deepEqual([...r.data], [...images]);
  }
});

test('IDX errors name the file and say what was expected', () => {
  const good = encodeIdx([3, 4, 5], images);
  const cases: [Uint8Array, number, string][] = [
    [Uint8Array.from([0, 0]), 3, 'f: truncated: 2 bytes; expected an IDX header of at least 4 bytes'],
    [
      Uint8Array.from([1, 2, 8, 3, 0, 0]),
      3,
      'f: bad magic number; expected IDX (00 00 08 03), got 01 02 08 03',
    ],
    [Uint8Array.from([0, 0, 0x0d, 3]), 3, 'f: wrong dtype; expected 0x08 (unsigned byte), got 0x0d (float)'],
    [good, 1, 'f: wrong number of dimensions; expected 1, got 3'],
    [good.subarray(0, 10), 3, 'f: truncated: header needs 16 bytes, file holds 10'],
    [good.subarray(0, good.length - 7), 3, 'f: truncated: header says 3 images of 20 bytes, file holds 53'],
    [Uint8Array.from([...good, 0]), 3, 'f: trailing bytes: header says 3 images of 20 bytes, file holds 61'],
    [encodeIdx([0, 4, 5], new Uint8Array(0)), 3, 'f: empty: header says 0 items; expected at least one'],
    [encodeIdx([4], Uint8Array.from([1, 2])), 1, 'f: truncated: header says 4 labels, file holds 2'],
  ];
  for (const [bytes, ndim, message] of cases) {
    assert.throws(
      () => parseIdx(bytes, 'f', ndim),
      (e: Error) => e instanceof InputError && e.message === message,
    );
  }
  assert.throws(() => checkLabels(Uint8Array.from([1, 2, 12]), 10, 'l'), {
    message: 'l: label 12 at index 2 is outside the 10 classes; expected 0..9',
  });
});

test('a missing IDX file is named', () => {
  const dir = tempDir('genlab-idx-');
  assert.throws(
    () => readIdx(path.join(dir, 'absent'), 3),
    (e: Error) => e instanceof InputError && /absent: cannot read: ENOENT/.test(e.message),
  );
});

test('a gzip file that decompresses past the limit is refused with the file named, not read', () => {
  const dir = tempDir('genlab-gz-');
  const file = path.join(dir, 'bomb-idx3-ubyte.gz');
  writeFileSync(file, gzipSync(new Uint8Array(4096)));
  assert.throws(
    () => readMaybeGz(file, 1024),
    (e: Error) =>
      e instanceof InputError &&
      e.message ===
        `${file}: decompresses to more than 1024 bytes; expected a data file of at most that size`,
  );
  assert.equal(readMaybeGz(file, 4096).length, 4096);
});

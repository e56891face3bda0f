// CIFAR binary reader: CIFAR-10 and CIFAR-100 records and pinned errors (damaged bytes: test/data-parsers-properties).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCifar, parseCifar, type CifarFormat } from './cifar.js';

const C10: CifarFormat = { labelBytes: 1, labelIndex: 0, classes: 10, imageBytes: 3072 };
const pixels = (n: number): Uint8Array => Uint8Array.from({ length: n * 3072 }, (_, i) => (i * 7) % 256);

test('CIFAR-10 records split into labels and planar images', () => {
  const img = pixels(3);
  const r = parseCifar(encodeCifar([[4], [0], [9]], img), 'b', C10);
  assert.equal(r.count, 3);
  assert.deepEqual([...r.labels], [4, 0, 9]);
  assert.deepEqual([...r.images], [...img]);
});

test('CIFAR-100 keeps the fine or the coarse label', () => {
  const bytes = encodeCifar(
    [
      [3, 71],
      [19, 5],
    ],
    pixels(2),
  );
  const fine = parseCifar(bytes, 'b', { labelBytes: 2, labelIndex: 1, classes: 100, imageBytes: 3072 });
  const coarse = parseCifar(bytes, 'b', { labelBytes: 2, labelIndex: 0, classes: 20, imageBytes: 3072 });
  assert.deepEqual([...fine.labels], [71, 5]);
  assert.deepEqual([...coarse.labels], [3, 19]);
});

test('CIFAR errors name the file and what was expected', () => {
  const two = encodeCifar([[1], [2]], pixels(2));
  assert.throws(() => parseCifar(two.subarray(0, 5000), 'data_batch_1.bin', C10), {
    message:
      'data_batch_1.bin: truncated: 5000 bytes is not a whole number of 3073-byte records; expected 3073 or 6146',
  });
  assert.throws(() => parseCifar(new Uint8Array(0), 'x.bin', C10), {
    message: 'x.bin: empty; expected records of 3073 bytes',
  });
  assert.throws(() => parseCifar(encodeCifar([[1], [10]], pixels(2)), 'x.bin', C10), {
    message: 'x.bin: label 10 in record 1 is outside the 10 classes; expected 0..9',
  });
});

// Tests for the PNG encoder: signature, IHDR, CRC and a zlib round trip of the pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { crc32, decodePngSize, encodePng } from './png.js';

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789', 'ascii')), 0xcbf43926);
});

test('encodePng writes a PNG whose IHDR gives the size', () => {
  for (const channels of [1, 3, 4] as const) {
    const png = encodePng(new Uint8Array(5 * 3 * channels).fill(200), 5, 3, channels);
    assert.deepEqual(decodePngSize(png), { width: 5, height: 3 });
  }
});

test('encodePng stores filter-0 scanlines that inflate back to the pixels', () => {
  const pixels = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 10);
  const png = encodePng(pixels, 2, 2, 3);
  const idatAt = png.indexOf('IDAT', 0, 'ascii');
  const len = png.readUInt32BE(idatAt - 4);
  const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + len));
  assert.deepEqual([...raw], [0, ...pixels.subarray(0, 6), 0, ...pixels.subarray(6)]);
});

test('encodePng rejects a buffer of the wrong length', () => {
  assert.throws(() => encodePng(new Uint8Array(5), 2, 2, 1), {
    message: 'png: pixel buffer has wrong length; expected 4 (2x2x1), got 5',
  });
});

test('decodePngSize rejects non-PNG bytes and a corrupted IHDR', () => {
  assert.throws(() => decodePngSize(Buffer.alloc(40)), /png: not a PNG/);
  const png = encodePng(new Uint8Array(4), 2, 2, 1);
  png[17] ^= 1;
  assert.throws(() => decodePngSize(png), /png: IHDR CRC mismatch/);
});

// binary16 as NumPy writes it: exact values, round half to even, subnormals, overflow, and the byte layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFloat16, encodeFloat16, fromHalfBits, halfBits } from './float16.js';

test('halfBits: exact values and their bits (numpy.float16(x).view(numpy.uint16))', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [0.5, 0x3800],
    [-2, 0xc000],
    [65504, 0x7bff], // the largest finite
    [2 ** -14, 0x0400], // the smallest normal
    [2 ** -24, 0x0001], // the smallest subnormal
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
  ];
  for (const [x, h] of cases) {
    assert.equal(halfBits(x), h, `${x}`);
    assert.ok(Object.is(fromHalfBits(h), x), `${h.toString(16)}`);
  }
  assert.ok(Number.isNaN(fromHalfBits(halfBits(NaN))));
});

test('halfBits: rounds half to even, underflows to 0 and overflows to Infinity', () => {
  const ulp = 2 ** -10; // at 1
  assert.equal(fromHalfBits(halfBits(1 + ulp / 2)), 1); // a tie: to the even 1
  assert.equal(fromHalfBits(halfBits(1 + (3 * ulp) / 2)), 1 + 2 * ulp); // a tie: to the even 1 + 2 ulp
  assert.equal(fromHalfBits(halfBits(1 + ulp / 2 + 2 ** -20)), 1 + ulp); // past the tie: up
  assert.equal(fromHalfBits(halfBits(1 - 2 ** -11)), 1 - 2 ** -11); // below 1 the spacing halves
  assert.equal(fromHalfBits(halfBits(1 - 2 ** -12)), 1); // a tie: to the even 1
  assert.equal(fromHalfBits(halfBits(3 * 2 ** -25)), 2 * 2 ** -24); // a subnormal tie: to the even 2
  assert.equal(fromHalfBits(halfBits(2 ** -25)), 0); // half the smallest subnormal: to the even 0
  assert.equal(fromHalfBits(halfBits(2 ** -25 + 2 ** -40)), 2 ** -24);
  assert.equal(fromHalfBits(halfBits(65520)), Infinity); // halfway to 65536 rounds up, out of range
  assert.equal(fromHalfBits(halfBits(65519)), 65504);
});

test('encodeFloat16/decodeFloat16: 2 bytes a value, little-endian, within half an ulp', () => {
  assert.deepEqual([...encodeFloat16([1, -2])], [0x00, 0x3c, 0x00, 0xc0]);
  const xs = Array.from({ length: 1000 }, (_, i) => Math.sin(i) ** 2); // probabilities in [0, 1]
  const back = decodeFloat16(encodeFloat16(xs));
  assert.equal(back.length, xs.length);
  for (let i = 0; i < xs.length; i++) {
    const tol = Math.max(Math.abs(xs[i]) * 2 ** -11, 2 ** -25);
    assert.ok(Math.abs(back[i] - xs[i]) <= tol, `${xs[i]} → ${back[i]}`);
  }
  // a view into a larger buffer at an odd offset decodes alike
  const bytes = new Uint8Array(5);
  bytes.set(encodeFloat16([0.25, 0.75]), 1);
  assert.deepEqual([...decodeFloat16(bytes.subarray(1))], [0.25, 0.75]);
});

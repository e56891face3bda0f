// IEEE 754 half precision (binary16) for compact per-example records: 2 bytes a value, little-endian.
// Node 20 has no Float16Array; this is NumPy's conversion (npy_floatbits_to_halfbits), round half to even.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits nearest to x (round half to even; beyond 65504 ±Infinity; NaN stays NaN). */
export function halfBits(x: number): number {
  f32[0] = x;
  const f = u32[0];
  const sign = (f >>> 16) & 0x8000;
  const exp = f & 0x7f800000;
  let sig = f & 0x007fffff;
  if (exp >= 0x47800000) {
    if (exp === 0x7f800000 && sig !== 0) return sign | 0x7c00 | Math.max(sig >>> 13, 1); // NaN
    return sign | 0x7c00; // Infinity, or too large
  }
  if (exp <= 0x38000000) {
    if (exp < 0x33000000) return sign; // below half the smallest subnormal: ±0
    // Subnormal: the significand with its hidden bit, shifted to the half's 2^-24 units (13 bits to spare).
    sig = (sig + 0x00800000) >>> (113 - (exp >>> 23));
    // Round half to even; the shift may have dropped up to 11 bits, which the original still holds.
    if ((sig & 0x3fff) !== 0x1000 || (f & 0x7ff) !== 0) sig += 0x1000;
    return sign | (sig >>> 13);
  }
  if ((sig & 0x3fff) !== 0x1000) sig += 0x1000; // round half to even
  // A carry out of the significand moves into the exponent, as it should (up to Infinity).
  return sign | (((exp - 0x38000000) >>> 13) + (sig >>> 13));
}

/** The value of binary16 bits h. */
export function fromHalfBits(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** xs as binary16, 2 bytes each, little-endian. */
export function encodeFloat16(xs: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(2 * xs.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < xs.length; i++) view.setUint16(2 * i, halfBits(xs[i]), true);
  return out;
}

/** The values of bytes written by encodeFloat16 (an odd byte count is an error the caller names). */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = fromHalfBits(view.getUint16(2 * i, true));
  return out;
}

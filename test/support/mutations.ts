// Byte mutations for property tests of parsers of outside bytes: fast-check arbitraries that damage a valid file.
import fc from 'fast-check';

/** One edit of a byte string; positions and values are reduced modulo what the bytes allow. */
export type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'append'; bytes: Uint8Array }
  | { op: 'set'; at: number; value: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'insert'; at: number; value: number }
  | { op: 'delete'; at: number }
  | { op: 'setUint32'; at: number; value: number }; // a big-endian length or count, as headers hold them

/** A mutation; `header` bytes at the front get most of the targeted edits (that is where parsers decide). */
export function mutation(header: number): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const near = fc.nat({ max: Math.max(0, header - 1) });
  return fc.oneof(
    fc.record({ op: fc.constant('truncate' as const), at }),
    fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ op: fc.constant('set' as const), at: fc.oneof(near, at), value: fc.nat({ max: 255 }) }),
    fc.record({ op: fc.constant('flip' as const), at: fc.oneof(near, at), bit: fc.nat({ max: 7 }) }),
    fc.record({ op: fc.constant('insert' as const), at, value: fc.nat({ max: 255 }) }),
    fc.record({ op: fc.constant('delete' as const), at }),
    fc.record({
      op: fc.constant('setUint32' as const),
      at: near,
      value: fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(0, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat()),
    }),
  );
}

/** A copy of bytes with the mutation applied. */
export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  switch (m.op) {
    case 'truncate':
      return bytes.slice(0, m.at % (n + 1));
    case 'append':
      return join(bytes, m.bytes);
    case 'insert': {
      const at = m.at % (n + 1);
      return join(bytes.subarray(0, at), Uint8Array.of(m.value), bytes.subarray(at));
    }
    case 'delete': {
      const at = m.at % Math.max(1, n);
      return join(bytes.subarray(0, at), bytes.subarray(at + 1));
    }
    default: {
      const out = bytes.slice();
      if (n === 0) return out;
      if (m.op === 'set') out[m.at % n] = m.value;
      else if (m.op === 'flip') out[m.at % n] ^= 1 << m.bit;
      else if (n >= 4) new DataView(out.buffer).setUint32(m.at % (n - 3), m.value >>> 0, false);
      return out;
    }
  }
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Up to `max` mutations of a valid input, applied in order. */
export function mutated(valid: fc.Arbitrary<Uint8Array>, header: number, max = 3): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(mutation(header), { minLength: 1, maxLength: max }))
    .map(([bytes, ms]) => ms.reduce(applyMutation, bytes));
}

/** The same bytes at an odd offset inside a larger buffer (parsers must not assume alignment). */
export function unaligned(bytes: Uint8Array, offset: number): Uint8Array {
  const host = new Uint8Array(bytes.length + offset + 3).fill(0xee);
  host.set(bytes, offset);
  return host.subarray(offset, offset + bytes.length);
}

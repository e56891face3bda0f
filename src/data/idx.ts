// The IDX format (MNIST, Fashion-MNIST): magic, dtype code, big-endian dimensions, then unsigned bytes.
import { InputError } from '../engine/index.js';
import { readMaybeGz } from './files.js';

/** IDX dtype codes (LeCun's description of the MNIST files). */
const IDX_DTYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

export interface IdxArray {
  dims: number[]; // e.g. [60000, 28, 28] for images, [60000] for labels
  data: Uint8Array; // row-major, exactly the product of dims bytes
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/**
 * Parses IDX bytes holding unsigned bytes with `ndim` dimensions (1 for labels, 3 for images).
 * `where` names the file in errors; every malformed input throws InputError.
 */
export function parseIdx(bytes: Uint8Array, where: string, ndim: number): IdxArray {
  if (bytes.length < 4)
    throw new InputError(
      `${where}: truncated: ${bytes.length} bytes; expected an IDX header of at least 4 bytes`,
    );
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InputError(
      `${where}: bad magic number; expected IDX (00 00 08 0${ndim}), got ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
  }
  if (bytes[2] !== 0x08) {
    const name = IDX_DTYPES[bytes[2]] ?? 'unknown';
    throw new InputError(
      `${where}: wrong dtype; expected 0x08 (unsigned byte), got ${hex(bytes[2])} (${name})`,
    );
  }
  if (bytes[3] !== ndim)
    throw new InputError(`${where}: wrong number of dimensions; expected ${ndim}, got ${bytes[3]}`);
  const header = 4 + 4 * ndim;
  if (bytes.length < header)
    throw new InputError(`${where}: truncated: header needs ${header} bytes, file holds ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims[0];
  const itemBytes = dims.slice(1).reduce((a, b) => a * b, 1);
  if (count === 0) throw new InputError(`${where}: empty: header says 0 items; expected at least one`);
  if (itemBytes === 0)
    throw new InputError(
      `${where}: empty items: header says dimensions ${dims.join('×')}; expected positive sizes`,
    );
  const body = bytes.length - header;
  const want = count * itemBytes; // < 2^64; exact in a double up to 2^53, far above any file we can read
  const what = ndim === 1 ? `${count} labels` : `${count} images of ${itemBytes} bytes`;
  if (body < want) throw new InputError(`${where}: truncated: header says ${what}, file holds ${body}`);
  if (body > want) throw new InputError(`${where}: trailing bytes: header says ${what}, file holds ${body}`);
  return { dims, data: bytes.subarray(header) };
}

/** Reads an IDX file (raw or .gz). */
export function readIdx(file: string, ndim: number): IdxArray {
  return parseIdx(readMaybeGz(file), file, ndim);
}

/** Serializes unsigned bytes as IDX (used by tests and to write subsets). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  out.set([0, 0, 0x08, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}

/**
 * Checks that every label lies in [0, classes); the first offender is named with its index.
 * Runs once per load over the label bytes.
 */
export function checkLabels(labels: Uint8Array, classes: number, where: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      throw new InputError(
        `${where}: label ${labels[i]} at index ${i} is outside the ${classes} classes; expected 0..${classes - 1}`,
      );
    }
  }
}

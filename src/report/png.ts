// Minimal PNG encoder (8-bit gray/RGB/RGBA, filter 0, zlib) and a size reader for tests.
import { deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// PNG colour types (PNG spec §11.2.2): 0 gray, 2 RGB, 6 RGBA.
const COLOR_TYPE: Record<1 | 3 | 4, number> = { 1: 0, 3: 2, 4: 6 };

let crcTable: Uint32Array | null = null;

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (ISO 3309 / PNG) of the given bytes. */
export function crc32(bytes: Uint8Array): number {
  crcTable ??= makeCrcTable();
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function checkDims(pixels: Uint8Array, width: number, height: number, channels: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`png: bad size; expected positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new Error(`png: bad channel count; expected 1, 3 or 4, got ${channels}`);
  }
  const want = width * height * channels;
  if (pixels.length !== want) {
    throw new Error(
      `png: pixel buffer has wrong length; expected ${want} (${width}x${height}x${channels}), got ${pixels.length}`,
    );
  }
}

/** Encode row-major 8-bit pixels (H, W, C) as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Buffer {
  checkDims(pixels, width, height, channels);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE[channels];
  // bytes 10..12: compression 0, filter method 0, no interlace
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type 0 (None) for every scanline
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Read width and height from a PNG, validating the signature, the IHDR chunk and its CRC. */
export function decodePngSize(buf: Buffer): { width: number; height: number } {
  if (buf.length < 33 || !buf.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error(
      `png: not a PNG; expected the 8-byte PNG signature, got ${buf.subarray(0, 8).toString('hex') || 'nothing'}`,
    );
  }
  const len = buf.readUInt32BE(8);
  const type = buf.toString('ascii', 12, 16);
  if (type !== 'IHDR' || len !== 13) {
    throw new Error(`png: first chunk is not a valid IHDR; expected IHDR of 13 bytes, got ${type} of ${len}`);
  }
  const crc = buf.readUInt32BE(29);
  const want = crc32(buf.subarray(12, 29));
  if (crc !== want) {
    throw new Error(`png: IHDR CRC mismatch; expected ${want.toString(16)}, got ${crc.toString(16)}`);
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

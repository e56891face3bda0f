// Writes a small MNIST-format data set (IDX, uncompressed) whose classes are learnable, for CLI tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Rng } from '../../src/engine/index.js';
import { tempDir } from './temp.js';

function idx(magicType: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE((magicType << 8) | dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

function split(
  rng: Rng,
  n: number,
  side: number,
  classes: number,
  prototypes: Uint8Array[],
): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(n * side * side);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng.int(classes);
    labels[i] = y;
    for (let p = 0; p < side * side; p++) {
      const v = prototypes[y][p] + (rng.next() - 0.5) * 120;
      images[i * side * side + p] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { images, labels };
}

/** A directory holding train/t10k IDX files of side×side images in 10 classes. */
export function writeSyntheticMnist(opts: {
  train: number;
  test: number;
  side?: number;
  seed?: number;
}): string {
  const side = opts.side ?? 8;
  const classes = 10;
  const rng = new Rng(opts.seed ?? 1);
  const prototypes = Array.from({ length: classes }, () =>
    Uint8Array.from({ length: side * side }, () => rng.int(256)),
  );
  const dir = tempDir('genlab-synth-');
  mkdirSync(dir, { recursive: true });
  for (const [prefix, n] of [
    ['train', opts.train],
    ['t10k', opts.test],
  ] as const) {
    const s = split(rng, n, side, classes, prototypes);
    writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`), idx(0x08, [n, side, side], s.images));
    writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), idx(0x08, [n], s.labels));
  }
  return dir;
}

// The CIFAR-10 and CIFAR-100 "binary version": fixed-size records of label byte(s) then 3×32×32 pixels.
import { InputError } from '../engine/index.js';
import { readMaybeGz } from './files.js';

export interface CifarRecords {
  count: number;
  images: Uint8Array; // (count, 3, 32, 32): the file stores each image as R plane, G plane, B plane
  labels: Uint8Array; // (count)
}

export interface CifarFormat {
  labelBytes: 1 | 2; // CIFAR-10: <label>; CIFAR-100: <coarse label><fine label>
  labelIndex: 0 | 1; // which label byte to keep (CIFAR-100: 0 coarse, 1 fine)
  classes: number; // labels must lie in [0, classes)
  imageBytes: number; // 3072 for 32×32×3
}

/** Splits CIFAR binary bytes into images and labels; `where` names the file in errors. */
export function parseCifar(bytes: Uint8Array, where: string, f: CifarFormat): CifarRecords {
  const record = f.labelBytes + f.imageBytes;
  if (bytes.length === 0) throw new InputError(`${where}: empty; expected records of ${record} bytes`);
  if (bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    throw new InputError(
      `${where}: truncated: ${bytes.length} bytes is not a whole number of ${record}-byte records; expected ${whole * record} or ${(whole + 1) * record}`,
    );
  }
  const count = bytes.length / record;
  const images = new Uint8Array(count * f.imageBytes);
  const labels = new Uint8Array(count);
  // One copy per record at load time (not per batch): the records interleave labels and pixels.
  for (let i = 0; i < count; i++) {
    const at = i * record;
    const label = bytes[at + f.labelIndex];
    if (label >= f.classes) {
      throw new InputError(
        `${where}: label ${label} in record ${i} is outside the ${f.classes} classes; expected 0..${f.classes - 1}`,
      );
    }
    labels[i] = label;
    images.set(bytes.subarray(at + f.labelBytes, at + record), i * f.imageBytes);
  }
  return { count, images, labels };
}

/** Reads and concatenates several CIFAR binary files (e.g. data_batch_1..5). */
export function readCifar(files: readonly string[], f: CifarFormat): CifarRecords {
  const parts = files.map((file) => parseCifar(readMaybeGz(file), file, f));
  const count = parts.reduce((a, p) => a + p.count, 0);
  const images = new Uint8Array(count * f.imageBytes);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const p of parts) {
    images.set(p.images, n * f.imageBytes);
    labels.set(p.labels, n);
    n += p.count;
  }
  return { count, images, labels };
}

/** Serializes records in the CIFAR binary layout (tests write small files with it). */
export function encodeCifar(
  labels: readonly (readonly number[])[],
  images: Uint8Array,
  imageBytes = 3072,
): Uint8Array {
  const labelBytes = labels[0]?.length ?? 1;
  const record = labelBytes + imageBytes;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((l, i) => {
    out.set(l, i * record);
    out.set(images.subarray(i * imageBytes, (i + 1) * imageBytes), i * record + labelBytes);
  });
  return out;
}

export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

// Reading data files: raw or gzip'd, found under their standard names, with errors that say what to get.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../engine/index.js';

/** The most a data file may decompress to: well above any real set (MNIST's training images are 47 MB). */
export const MAX_DECOMPRESSED_BYTES = 2 ** 30;

/** The bytes of a file, gunzipped when it starts with the gzip magic (1f 8b), at most maxBytes of them. */
export function readMaybeGz(file: string, maxBytes = MAX_DECOMPRESSED_BYTES): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(
      `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new InputError(
          `${file}: decompresses to more than ${maxBytes} bytes; expected a data file of at most that size`,
        );
      throw new InputError(
        `${file}: not a valid gzip stream (${(e as Error).message}); expected a complete .gz file`,
      );
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The first of name and name.gz that exists in dir (or in one of its subdirs), else undefined. */
export function findFile(dirs: readonly string[], name: string): string | undefined {
  for (const dir of dirs) {
    for (const candidate of [name, `${name}.gz`]) {
      const p = path.join(dir, candidate);
      if (existsSync(p) && statSync(p).isFile()) return p;
    }
  }
  return undefined;
}

/**
 * The paths of the named files, looked up in dir and its known subdirectories. A missing directory
 * or file is an InputError that lists every expected file and how to get them.
 */
export function requireFiles(
  dir: string,
  subdirs: readonly string[],
  names: readonly string[],
  howToGet: string,
): string[] {
  const expected = `expected ${names.join(', ')} (each raw or .gz)`;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`${dir}: directory not found; ${expected}; ${howToGet}`);
  }
  const dirs = [dir, ...subdirs.map((s) => path.join(dir, s))];
  const found = names.map((n) => findFile(dirs, n));
  const missing = names.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) {
    throw new InputError(`${dir}: missing ${missing.join(', ')}; ${expected}; ${howToGet}`);
  }
  return found as string[];
}

/** A text file's non-empty lines, or undefined when it does not exist. */
export function readLines(dirs: readonly string[], name: string): string[] | undefined {
  const p = findFile(dirs, name);
  if (p === undefined) return undefined;
  return new TextDecoder()
    .decode(readMaybeGz(p))
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// Safe file writes for the run store: atomic replacement, appends, JSON reads with errors that name the file.
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { InputError } from '../engine/index.js';

/** A write that failed because the disk (or quota) is full: the run stays resumable, nothing is marked failed. */
export class DiskFullError extends Error {
  constructor(
    readonly file: string,
    cause: Error,
  ) {
    super(
      `${file}: disk full (${(cause as NodeJS.ErrnoException).code}); expected room to write; free space and resume the run`,
    );
    this.name = 'DiskFullError';
  }
}

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Rethrows a write error, as DiskFullError when the disk is full. */
export function writeFailure(file: string, e: unknown): never {
  if (FULL.has((e as NodeJS.ErrnoException).code ?? '')) throw new DiskFullError(file, e as Error);
  throw e;
}

/** Makes `dir` (and its parents) and writes a probe there, so a command fails on an unwritable output folder
 * before its work, not after: one line naming the flag, the folder and the system's reason. */
export function checkWritableDir(dir: string, flag: string): void {
  const probe = `${dir}/.genlab-probe-${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError(`${flag} ${dir}: cannot write there (${code}); expected a folder genlab can write`);
  }
}

/** Writes a file atomically: temporary file, fsync, rename. A kill leaves the old or the new file;
 * a failed write (disk full) removes its temporary file. */
export function writeAtomic(file: string, data: string | Uint8Array | (string | Uint8Array)[]): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const part of Array.isArray(data) ? data : [data]) writeFileSync(fd, part);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    writeFailure(file, e);
  }
}

/** Appends bytes; on failure the file is cut back to its old length, so no partial record remains. */
export function appendBytes(file: string, data: Uint8Array | string, oldSize: number): void {
  try {
    appendFileSync(file, data);
  } catch (e) {
    try {
      const fd = openSync(file, 'r+');
      try {
        ftruncateSync(fd, oldSize);
      } finally {
        closeSync(fd);
      }
    } catch {
      // the file may be gone; the resume trims it anyway
    }
    writeFailure(file, e);
  }
}

export function readJson<T>(file: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: missing; expected a file written by genlab`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new InputError(`${file}: corrupt: not valid JSON`);
  }
}

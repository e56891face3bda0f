// Moving a run between stores: its files packed into one checked buffer, installed as if it had run locally.
/**
 * A pack is `GLRUNPK1`, a u64 (little-endian) header length, the header's SHA-256 (32 bytes), a JSON
 * header `{format, run, files: [{path, bytes, sha256, mtimeMs}]}`, then each file's bytes in the
 * header's order.
 * `packRun` reads a run's files (RunDir.files(): no lock, no temporary files); `installRun` checks
 * everything (paths stay inside the run, sizes add up, digests match) before writing a byte, writes the
 * files into a scratch directory beside the store's runs, moves it into place over any partial copy,
 * and refreshes the store's index: the run then reads, lists, reports and resumes as a local one.
 * A pack taken while a writer is mid-epoch still installs a resumable run: resume cuts what is past the
 * checkpoint (see run-dir.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../engine/index.js';
import { writeFailure } from './files.js';
import { RUN_FILES, RunDir } from './run-dir.js';
import { RunLockedError } from './run-lock.js';
import type { RunStore } from './store.js';

const MAGIC = 'GLRUNPK1';
const FORMAT = 'genlab-run-pack/1';
const HEAD = 48; // magic, header length, header digest

interface PackEntry {
  path: string;
  bytes: number;
  sha256: string;
  mtimeMs: number;
}

export interface UnpackedRun {
  run: string;
  files: { path: string; data: Uint8Array; mtimeMs: number }[];
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const SEGMENT = /^[a-zA-Z0-9_][a-zA-Z0-9._-]*$/;

/** A relative path that stays inside the run directory: plain segments, no '..', no absolute root. */
function safePath(p: unknown): p is string {
  return (
    typeof p === 'string' &&
    p.length > 0 &&
    p.length < 500 &&
    p.split('/').every((s) => SEGMENT.test(s) && s !== '..' && s.length <= 200)
  );
}

/** One buffer holding every file of the run. */
export function packRun(run: RunDir): Buffer {
  const entries: PackEntry[] = [];
  const blobs: Buffer[] = [];
  for (const f of run.files()) {
    const data = readFileSync(path.join(run.dir, f.path));
    entries.push({ path: f.path, bytes: data.length, sha256: sha256(data), mtimeMs: f.mtimeMs });
    blobs.push(data);
  }
  const header = Buffer.from(JSON.stringify({ format: FORMAT, run: run.id, files: entries }));
  const head = Buffer.alloc(HEAD);
  head.write(MAGIC, 0, 'latin1');
  head.writeBigUInt64LE(BigInt(header.length), 8);
  createHash('sha256').update(header).digest().copy(head, 16);
  return Buffer.concat([head, header, ...blobs]);
}

/** Checks and splits a pack; every flaw is an InputError naming `where`. */
export function unpackRun(buf: Uint8Array, where = 'run pack'): UnpackedRun {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < HEAD || b.toString('latin1', 0, 8) !== MAGIC)
    throw new InputError(
      `${where}: not a run pack; expected it to start with ${MAGIC}, got ${JSON.stringify(b.toString('latin1', 0, Math.min(8, b.length)))}`,
    );
  const n = Number(b.readBigUInt64LE(8));
  if (n > b.length - HEAD)
    throw new InputError(`${where}: truncated: header says ${n} bytes, pack holds ${b.length - HEAD}`);
  const digest = createHash('sha256')
    .update(b.subarray(HEAD, HEAD + n))
    .digest();
  if (!digest.equals(b.subarray(16, HEAD)))
    throw new InputError(`${where}: corrupt: the header fails its checksum`);
  let header: { format?: unknown; run?: unknown; files?: unknown };
  try {
    header = JSON.parse(b.toString('utf8', HEAD, HEAD + n)) as typeof header;
  } catch {
    throw new InputError(`${where}: corrupt: the header is not JSON`);
  }
  if (typeof header !== 'object' || header === null || header.format !== FORMAT)
    throw new InputError(
      `${where}: expected format ${FORMAT}, got ${JSON.stringify((header as { format?: unknown } | null)?.format)}`,
    );
  if (!safePath(header.run) || header.run.includes('/'))
    throw new InputError(`${where}: expected a run id, got ${JSON.stringify(header.run)}`);
  if (!Array.isArray(header.files))
    throw new InputError(`${where}: expected a list of files, got ${typeof header.files}`);
  const files: UnpackedRun['files'] = [];
  const seen = new Set<string>();
  let at = HEAD + n;
  for (const raw of header.files as unknown[]) {
    const e = raw as Partial<PackEntry> | null;
    const ok =
      typeof e === 'object' &&
      e !== null &&
      safePath(e.path) &&
      Number.isSafeInteger(e.bytes) &&
      (e.bytes as number) >= 0 &&
      typeof e.sha256 === 'string' &&
      typeof e.mtimeMs === 'number' &&
      Number.isFinite(e.mtimeMs) &&
      e.mtimeMs >= 0;
    if (!ok)
      throw new InputError(
        `${where}: file entry: expected {path, bytes, sha256, mtimeMs} with a relative path, got ${JSON.stringify(raw)?.slice(0, 120)}`,
      );
    const entry = e as PackEntry;
    if (
      seen.has(entry.path) ||
      [...seen].some((s) => entry.path.startsWith(`${s}/`) || s.startsWith(`${entry.path}/`))
    )
      throw new InputError(`${where}: ${entry.path}: listed twice or both as file and directory`);
    seen.add(entry.path);
    if (at + entry.bytes > b.length)
      throw new InputError(
        `${where}: ${entry.path}: truncated: expected ${entry.bytes} bytes, pack holds ${b.length - at}`,
      );
    const data = b.subarray(at, at + entry.bytes);
    at += entry.bytes;
    if (sha256(data) !== entry.sha256)
      throw new InputError(
        `${where}: ${entry.path}: corrupt: expected sha256 ${entry.sha256}, got ${sha256(data)}`,
      );
    files.push({ path: entry.path, data, mtimeMs: entry.mtimeMs });
  }
  if (at !== b.length)
    throw new InputError(`${where}: expected ${at} bytes, got ${b.length} (trailing data)`);
  if (!seen.has(RUN_FILES.config))
    throw new InputError(`${where}: expected the run's ${RUN_FILES.config}, got none`);
  return { run: header.run, files };
}

/** Installs a pack into the store (replacing any partial copy of the run) and indexes it; returns its RunDir. */
export function installRun(store: RunStore, pack: Uint8Array, where = 'run pack'): RunDir {
  const u = unpackRun(pack, where);
  const writer = store.run(u.run).writer();
  if (writer) throw new RunLockedError(u.run, writer);
  const scratch = `${store.dirOf(u.run)}.install-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    for (const f of u.files) {
      const file = path.join(scratch, f.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.data);
      utimesSync(file, f.mtimeMs / 1000, f.mtimeMs / 1000);
    }
    store.adopt(u.run, scratch);
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    writeFailure(store.dirOf(u.run), e);
  }
  return store.run(u.run);
}

// Who may talk to genlab serve: loopback binding by default, a token for any other host, and downloads kept inside the run store.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { constants, realpathSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../engine/index.js';

export const TOKEN_COOKIE = 'genlab_token';

/** A refused request: the HTTP status and a one-line reason. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The token the server demands, or null on a loopback host without one. A non-loopback host
 * without --token gets a fresh random token (the caller prints it once).
 */
export function serverToken(
  host: string,
  token: string | undefined,
): { token: string | null; generated: boolean } {
  if (token !== undefined) {
    if (token.length < 8)
      throw new InputError(
        `genlab serve: --token is too short; expected at least 8 characters, got ${token.length}`,
      );
    return { token, generated: false };
  }
  if (isLoopback(host)) return { token: null, generated: false };
  return { token: randomBytes(24).toString('base64url'), generated: true };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export interface Credentials {
  authorization?: string;
  cookie?: string;
  queryToken?: string;
}

/** Whether a request carries the token: `Authorization: Bearer T`, the cookie, or `?token=T` (which then sets the cookie). */
export function hasToken(expected: string, c: Credentials): boolean {
  const bearer = /^Bearer (.+)$/.exec(c.authorization ?? '')?.[1];
  const given = [bearer, cookie(c.cookie, TOKEN_COOKIE), c.queryToken];
  return given.some((t) => t !== undefined && same(t, expected));
}

/**
 * On a loopback binding, a request must name a loopback host: a page on another site whose name
 * resolves to 127.0.0.1 (DNS rebinding) cannot read the store.
 */
export function hostAllowed(bindHost: string, hostHeader: string | undefined): boolean {
  if (!isLoopback(bindHost)) return true;
  if (!hostHeader) return false;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : hostHeader.split(':')[0];
  return isLoopback(name);
}

/**
 * The real path of a file named relative to the store root, or an HttpError: 400 for `..`,
 * absolute paths, backslashes or NUL (after decoding), 403 for a path that leaves the store
 * (a symlink pointing outside), 404 for a file that is not there.
 */
export function confinedPath(root: string, rel: string): { name: string; real: string } {
  let name: string;
  try {
    name = decodeURIComponent(rel);
  } catch {
    throw new HttpError(400, `files: malformed path; expected a path inside the run store, got "${rel}"`);
  }
  const parts = name.split('/');
  if (
    name === '' ||
    name.includes('\0') ||
    name.includes('\\') ||
    path.isAbsolute(name) ||
    parts.some((p) => p === '..' || p === '.' || p === '')
  )
    throw new HttpError(400, `files: refused path; expected a path inside the run store, got "${name}"`);
  const realRoot = realpathSync(root);
  let real: string;
  try {
    real = realpathSync(path.join(realRoot, name));
  } catch {
    throw new HttpError(404, `files: no file "${name}" in the run store`);
  }
  if (!real.startsWith(realRoot + path.sep))
    throw new HttpError(403, `files: "${name}" points outside the run store; refused`);
  return { name, real };
}

/** A file of the store opened for reading: the file as it was when opened, whatever replaces it after. */
export interface OpenedFile {
  handle: FileHandle;
  mtime: Date;
}

/**
 * Opens a file named relative to the store root (errors as confinedPath's; 404 also for a directory, or a file
 * renamed away meanwhile). Writers replace run files by renaming a new file over them: what is read through the
 * handle is the whole file that was there at open, never part of a later one.
 */
export async function openConfined(root: string, rel: string): Promise<OpenedFile> {
  const { name, real } = confinedPath(root, rel);
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK); // no symlink swapped in, no FIFO waited on
  } catch {
    throw new HttpError(404, `files: no file "${name}" in the run store`);
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw new HttpError(404, `files: "${name}" is not a file`);
  }
  return { handle, mtime: st.mtime };
}

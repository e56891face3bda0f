// One writer per run: an exclusive lock file naming its process; a dead process's lock is taken over.
import { hostname } from 'node:os';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeFailure } from './files.js';

/** Who holds a run's lock. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string; // ISO time
}

/** A held lock; release() is idempotent. */
export interface RunLock {
  readonly file: string;
  release(): void;
}

/** Another live process writes the run. */
export class RunLockedError extends Error {
  constructor(
    readonly run: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${run}: locked by process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''} (${holder.command}, since ${holder.since}); expected no other writer; wait for it with --wait, or stop it`,
    );
    this.name = 'RunLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Parses a lock file's text: JSON (genlab ≥ run-dir) or a bare pid (older sweep workers). */
export function parseLock(text: string): LockHolder | null {
  const bare = Number(text.trim());
  if (Number.isSafeInteger(bare) && bare > 0)
    return { pid: bare, host: hostname(), command: 'genlab', since: '?' };
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isSafeInteger(h.pid) && (h.pid as number) > 0 && typeof h.host === 'string')
      return {
        pid: h.pid as number,
        host: h.host,
        command: String(h.command ?? '?'),
        since: String(h.since ?? '?'),
      };
  } catch {
    // fall through: unreadable, so stale
  }
  return null;
}

/** The live holder of a lock file, or null when there is none (missing, unreadable, or its process is gone). */
export function lockHolder(file: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const h = parseLock(text);
  if (!h) return null;
  if (h.host !== hostname()) return h; // cannot tell: count it as live
  return alive(h.pid) ? h : null;
}

/** Whether a lock file is left by a process of this host that is gone (killed: SIGKILL, or a signal it did not
 * handle); false where there is no lock file, a live holder, or a holder on another host. */
export function staleLock(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const h = parseLock(text);
  return h !== null && h.host === hostname() && !alive(h.pid);
}

/** Removes a stale lock without removing a live one that replaced it meanwhile: moved aside first, checked, restored if live. */
function takeOver(file: string): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else moved it
  }
  if (lockHolder(aside) !== null) {
    try {
      linkSync(aside, file); // a live lock was moved by us: put it back unless a new one took its place
    } catch {
      // another lock exists now; ours goes
    }
  }
  rmSync(aside, { force: true });
}

/** Tries once to take the lock: the lock, or the live holder. */
export function tryLock(file: string, command: string): RunLock | LockHolder {
  for (let tries = 0; tries < 5; tries++) {
    const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let held = true;
      return {
        file,
        release() {
          if (!held) return;
          held = false;
          const h = lockHolder(file);
          if (h && h.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') writeFailure(file, e);
      const h = lockHolder(file);
      if (h) return h;
      takeOver(file);
    }
  }
  const h = lockHolder(file);
  if (h) return h;
  throw new Error(`${file}: cannot take the run lock; expected it free after removing a stale one`);
}

export const isLock = (x: RunLock | LockHolder): x is RunLock => 'release' in x;

/** Takes the lock, waiting (polling) while a live process holds it when `wait`; else RunLockedError. */
export async function acquireLock(
  file: string,
  run: string,
  o: { wait?: boolean; command?: string; onWait?(h: LockHolder): void } = {},
): Promise<RunLock> {
  let told = false;
  for (;;) {
    const got = tryLock(file, o.command ?? process.argv.slice(1, 3).join(' '));
    if (isLock(got)) return got;
    if (!o.wait) throw new RunLockedError(run, got);
    if (!told) o.onWait?.(got);
    told = true;
    await new Promise((r) => setTimeout(r, 100));
  }
}

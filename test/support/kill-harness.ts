// Fault-test harness: runs one genlab command (fit or run) in this process and SIGKILLs itself at its Nth write under the store.
/**
 * Usage (from test/support/kill-faults.ts): node dist/test/support/kill-harness.js KILL FRACTION LOG -- COMMAND ARGS…
 *
 * Every call that changes the store's files (open for writing, write, append, fsync, truncate, rename,
 * remove, mkdir, link) and every index update (RunStore.refresh) is an operation of a class: the call
 * and the file with run ids, pids and epoch numbers taken out (`renameSync RUN/checkpoint.safetensors.next`).
 * The disk changes only at these operations, so killing just before one reaches every state that a
 * kill -9 at any moment can leave. KILL is `CLASS#M`: die just before the Mth operation of CLASS (a data
 * write first writes FRACTION of its bytes: a torn write), appending `CLASS#M` to LOG; `log`: never
 * die, and write the class of every operation to LOG at exit; `none`: never die.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const [kill, fractionText, log, dashes, command, ...args] = process.argv.slice(2);
if (dashes !== '--' || !command) throw new Error('kill-harness: expected KILL FRACTION LOG -- COMMAND ARGS…');
const fraction = Number(fractionText);
const outAt = args.indexOf('--out');
const root = path.resolve(args[outAt + 1]);

const original = {
  appendFileSync: fs.appendFileSync,
  writeFileSync: fs.writeFileSync,
  writeSync: fs.writeSync,
  openSync: fs.openSync,
};
const ops: string[] = [];
const seen = new Map<string, number>(); // operations so far by class
const storeFds = new Map<number, string>(); // open descriptors of the store's files
let inside = false; // Node's fs calls itself (appendFileSync → writeFileSync → openSync): count the outer call only

const under = (p: unknown) => typeof p === 'string' && path.resolve(p).startsWith(root + path.sep);
const inStore = (target: unknown) => (typeof target === 'number' ? storeFds.has(target) : under(target));
const file = (target: unknown) =>
  typeof target === 'number'
    ? (storeFds.get(target) ?? '?')
    : path.relative(root, path.resolve(String(target)));

/** A file's class: run ids, pids and epoch numbers taken out. */
function fileClass(rel: string): string {
  const parts = rel.split(path.sep);
  if (parts.length > 1 || !parts[0].startsWith('index.db')) parts[0] = 'RUN';
  return parts
    .join('/')
    .replace(/\.(tmp|stale)-\d+/g, '.$1')
    .replace(/\d{6}\.bin/, 'N.bin');
}

/** Counts one operation; at the chosen one, does `torn` (a partial write) and dies. */
function step(op: string, target: unknown, torn?: () => void): void {
  const cls = `${op} ${fileClass(file(target))}`;
  ops.push(cls);
  const m = (seen.get(cls) ?? 0) + 1;
  seen.set(cls, m);
  if (kill !== `${cls}#${m}`) return;
  original.appendFileSync(log, `${kill}\n`);
  torn?.();
  process.kill(process.pid, 'SIGKILL');
}

const prefix = (data: unknown): unknown => {
  if (typeof data === 'string') return data.slice(0, Math.floor(data.length * fraction));
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, Math.floor(data.byteLength * fraction));
  return data;
};

type AnyFn = (...a: unknown[]) => unknown;
function wrap(
  name: keyof typeof fs,
  torn?: (a: unknown[]) => () => void,
  writes?: (a: unknown[]) => boolean,
): void {
  const f = fs[name] as unknown as AnyFn;
  (fs as unknown as Record<string, AnyFn>)[name] = function (this: unknown, ...a: unknown[]) {
    if (inside || !inStore(a[0]) || (writes && !writes(a))) return f.apply(this, a);
    step(name, a[0], torn?.(a));
    inside = true;
    try {
      const r = f.apply(this, a);
      if (name === 'openSync') storeFds.set(r as number, path.relative(root, path.resolve(a[0] as string)));
      return r;
    } finally {
      inside = false;
    }
  };
}

const writable = (a: unknown[]) => typeof a[1] === 'string' && /[wa+]/.test(a[1]);
wrap('openSync', undefined, writable);
wrap(
  'writeFileSync',
  (a) => () => original.writeFileSync(a[0] as string, prefix(a[1]) as string, a[2] as fs.WriteFileOptions),
);
wrap('appendFileSync', (a) => () => original.appendFileSync(a[0] as string, prefix(a[1]) as string));
wrap('writeSync', (a) => () => {
  const [fd, b, at, len] = a as [number, Uint8Array, number, number];
  original.writeSync(fd, b, at, Math.floor(len * fraction));
});
for (const name of [
  'fsyncSync',
  'ftruncateSync',
  'truncateSync',
  'renameSync',
  'rmSync',
  'unlinkSync',
  'mkdirSync',
  'linkSync',
] as const)
  wrap(name);
const close = fs.closeSync;
fs.closeSync = (fd: number) => {
  storeFds.delete(fd);
  close(fd);
};
syncBuiltinESMExports();

const { RunStore } = await import('../../src/store/store.js');
const refresh = RunStore.prototype.refresh;
RunStore.prototype.refresh = function (this: InstanceType<typeof RunStore>, id: string, failed?: string) {
  step('index', path.join(root, id));
  refresh.call(this, id, failed);
};

const { parseArgs } = await import('../../src/cli/args.js');
const { processIo } = await import('../../src/cli/command.js');
const cmd =
  command === 'fit'
    ? (await import('../../src/cli/fit.js')).fitCommand
    : command === 'run'
      ? (await import('../../src/cli/run.js')).runCommand
      : null;
if (!cmd) throw new Error(`kill-harness: expected the command fit or run, got ${command}`);
try {
  process.exitCode = await cmd.run(parseArgs(args, cmd.flags, cmd.name), processIo);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
}
if (kill === 'log') original.writeFileSync(log, ops.map((o) => `${o}\n`).join(''));

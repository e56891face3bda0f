// Signals never land on a thread that runs libtorch's kernels: oneDNN's JIT sgemm points rsp into the heap while it
// runs, so a signal handled there corrupts the heap (issue 27; scripts/sanitize.sh interrupts sweeps under
// AddressSanitizer). The addon blocks the asynchronous signals in the thread that loads it and the threads started
// after it (OpenMP's workers), and one thread of its own receives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { liveTensors, scope, setNumThreads, getNumThreads, tensor } from '../../src/engine/index.js';

interface Task {
  tid: number;
  name: string;
  blocked: bigint;
}

function tasks(): Task[] {
  return readdirSync('/proc/self/task').flatMap((t) => {
    try {
      const status = readFileSync(`/proc/self/task/${t}/status`, 'utf8');
      return [
        {
          tid: Number(t),
          name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '',
          blocked: BigInt(`0x${/^SigBlk:\s+(\w+)$/m.exec(status)?.[1] ?? '0'}`),
        },
      ];
    } catch {
      return []; // a thread that ended meanwhile
    }
  });
}

const bit = (signal: number) => 1n << BigInt(signal - 1);
const SIGHUP = 1;
const SIGINT = 2;
const SIGSEGV = 11;
const SIGTERM = 15;
const SIGCHLD = 17;
const SIGPROF = 27;

test('the thread that loaded the addon and the threads its kernels start block the stop signals; one thread receives them', async () => {
  const threads = getNumThreads();
  const before = new Set(tasks().map((t) => t.tid));
  setNumThreads(2); // OpenMP's worker, started now: it inherits the mask
  scope(() => {
    const a = tensor(new Float32Array(512 * 512).fill(0.5), [512, 512]);
    a.matmul(a).sum().toArray();
  });
  try {
    const all = tasks();
    const main = all.find((t) => t.tid === process.pid)!;
    for (const s of [SIGHUP, SIGINT, SIGTERM, SIGCHLD])
      assert.ok(main.blocked & bit(s), `the main thread blocks signal ${s}`);
    for (const s of [SIGSEGV, SIGPROF])
      assert.equal(main.blocked & bit(s), 0n, `signal ${s} stays unblocked`);
    const started = all.filter((t) => !before.has(t.tid));
    assert.ok(started.length > 0, 'OpenMP started a worker for the product');
    for (const t of started)
      assert.ok(t.blocked & bit(SIGINT), `thread ${t.tid} (${t.name}) started by a kernel`);
    const receiver = all.filter((t) => t.name === 'genlab-signals');
    assert.equal(receiver.length, 1);
    assert.equal(receiver[0].blocked & (bit(SIGINT) | bit(SIGTERM) | bit(SIGHUP)), 0n);
  } finally {
    setNumThreads(threads);
  }
  // A child process starts with no signal blocked (libuv resets the mask before exec).
  assert.match(execFileSync('grep', ['SigBlk', '/proc/self/status']).toString(), /^SigBlk:\s+0+\s*$/);
  // And a signal sent to the process still reaches its JavaScript handler.
  // (A signal's handle does not keep node's loop alive: the timer does, until the signal or 10 s.)
  let timer: NodeJS.Timeout | undefined;
  const got = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('no signal in 10 s'), 10_000);
    process.once('SIGUSR2', () => resolve('SIGUSR2'));
  });
  process.kill(process.pid, 'SIGUSR2');
  assert.equal(await got, 'SIGUSR2');
  clearTimeout(timer);
  assert.equal(liveTensors(), 0);
});

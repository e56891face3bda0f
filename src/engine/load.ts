// How many CPUs other programs keep busy right now, from two readings of /proc/stat (Linux).
import { readFileSync } from 'node:fs';

/** Busy and total jiffies summed over every CPU, or undefined where /proc/stat is unreadable. */
function cpuJiffies(): { busy: number; total: number } | undefined {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
  // cpu  user nice system idle iowait irq softirq steal …
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((v) => !Number.isFinite(v))) return undefined;
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3] + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * CPUs kept busy over the next `ms` milliseconds, this process sleeping meanwhile (so what is
 * counted is other programs' load), as a fraction of `cpus`; undefined where it cannot be read.
 */
export function busyCpus(cpus: number, ms = 200): number | undefined {
  const a = cpuJiffies();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const b = cpuJiffies();
  if (!a || !b || b.total <= a.total) return undefined;
  return ((b.busy - a.busy) / (b.total - a.total)) * cpus;
}

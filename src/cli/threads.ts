// --threads, defined once for every command, and the count a command takes from it: capped at this machine's
// cores with one line on stderr (the runtime policy's capThreads), never refused.
import { capThreads, thisMachine } from '../train/runtime.js';
import type { FlagSpec, Parsed } from './args.js';
import type { Io } from './command.js';

/** The --threads flag: `fallback` is its default (undefined: the runtime policy decides, e.g. every idle core). */
export function threadsFlag(help: string, fallback?: number): FlagSpec {
  return { name: 'threads', type: 'int', min: 1, default: fallback, placeholder: 'T', help };
}

/** The threads asked for (or `fallback`), capped at the cores; a capped count is said once on stderr. */
export function threadsOf(args: Parsed, io: Io, where: string, fallback: number): number {
  const { threads, notice } = capThreads(
    (args.flags.threads as number | undefined) ?? fallback,
    thisMachine(false).cpus,
  );
  if (notice) io.err(`${where}: ${notice}\n`);
  return threads;
}

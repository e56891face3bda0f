// The shape of a CLI command, and the I/O it writes through (so tests can capture it).
import type { FlagSpec, Parsed } from './args.js';

export interface Io {
  out(text: string): void; // stdout: results, tables, the --json object
  err(text: string): void; // stderr: progress, notes
  isTTY: boolean; // stderr is a terminal (live progress bars)
}

export interface Command {
  name: string;
  summary: string; // one line for `genlab --help`
  usage: string; // after `genlab NAME`
  description: string; // what it does, with an example or two
  flags: FlagSpec[];
  /** Returns the exit code. Throw InputError for bad input (exit 2), anything else for failure (exit 1). */
  run(args: Parsed, io: Io): Promise<number>;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
};

// Ctrl-C for long commands: the first asks to stop at the next checkpoint, the second quits at once.
import type { Io } from './command.js';

export interface Interrupt {
  /** True once Ctrl-C was pressed. */
  readonly stopped: () => boolean;
  /** Removes the handler (call in finally). */
  release(): void;
}

/** Installs a SIGINT handler that prints `message` on the first Ctrl-C and exits 130 on the second. */
export function onInterrupt(io: Io, message: string): Interrupt {
  let stop = false;
  const handler = () => {
    if (stop) process.exit(130);
    stop = true;
    io.err(`\ninterrupted: ${message}\n`);
  };
  process.on('SIGINT', handler);
  return { stopped: () => stop, release: () => process.off('SIGINT', handler) };
}

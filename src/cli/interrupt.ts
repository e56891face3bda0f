// Stopping long commands: Ctrl-C (SIGINT), SIGTERM (docker stop, systemd, Slurm, kill) and SIGHUP (a closed
// terminal) all ask to stop at the next checkpoint; a second signal quits at once. The exit code says which
// signal stopped the command: 128 + its number (130, 143, 129), as a shell reports a process it killed.
import type { Io } from './command.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];
const EXIT_CODE: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export interface Interrupt {
  /** True once a stop signal arrived. */
  readonly stopped: () => boolean;
  /** 128 + the number of the first stop signal (130 for Ctrl-C); 130 when none arrived. */
  readonly exitCode: () => number;
  /** Removes the handlers (call in finally). */
  release(): void;
}

/** Installs handlers that print `message` (and call `onStop`) on the first stop signal and exit at once on the second. */
export function onInterrupt(io: Io, message: string, onStop?: () => void): Interrupt {
  let first: StopSignal | null = null;
  const handlers = STOP_SIGNALS.map((sig) => {
    const handler = () => {
      if (first !== null) process.exit(EXIT_CODE[sig]);
      first = sig;
      try {
        io.err(`\n${sig === 'SIGINT' ? 'interrupted' : `${sig} received`}: ${message}\n`);
      } catch {
        // a hung-up terminal (SIGHUP) may refuse the message; stopping matters more
      }
      onStop?.();
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    stopped: () => first !== null,
    exitCode: () => (first === null ? 130 : EXIT_CODE[first]),
    release: () => {
      for (const [sig, handler] of handlers) process.off(sig, handler);
    },
  };
}

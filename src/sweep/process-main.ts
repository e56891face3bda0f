// The entry of genlab's worker processes (a sweep's worker, a queue worker's fitting child).
import { exitCodeOf } from '../engine/index.js';

/** Runs main: exits with the code it returns, or prints what it threw and exits with exitCodeOf (2: bad input). */
export function runProcessMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(exitCodeOf(e));
    },
  );
}

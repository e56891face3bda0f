// The entry of genlab's worker processes (a sweep's worker, a queue worker's fitting child), and the JSON
// lines a sweep and its workers exchange.
import { exitCodeOf } from '../engine/index.js';

/** Calls `onMessage` with each whole JSON line of a stream as it arrives (a partial last line waits for its end). */
export function eachJsonLine(
  stream: NodeJS.ReadableStream,
  onMessage: (m: Record<string, unknown>) => void,
): void {
  let pending = '';
  stream.on('data', (d: Buffer | string) => {
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onMessage(JSON.parse(line) as Record<string, unknown>);
  });
}

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

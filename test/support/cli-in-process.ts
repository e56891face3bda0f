// The CLI run in this process (src/cli/main.ts's main), its stdout and stderr captured: for tests that
// check what a command prints and stores without a child process's start-up.
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/command.js';

/** Runs `genlab ARGS` with `env` added to process.env for the call; its exit code and output. */
export async function genlabInProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return { code: await main(args, io), out, err };
  } finally {
    process.env = saved;
  }
}

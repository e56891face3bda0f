// Processes for the queue tests: genlab workers and coordinators as real CLI processes, and what they printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const BIN = path.resolve('bin/genlab.js');

export interface Proc {
  child: ChildProcess;
  output(): string; // stdout and stderr so far
  exited: Promise<number | null>;
}

/** Runs `genlab ARGS…` with its output collected. */
export function genlab(args: string[], env: NodeJS.ProcessEnv = process.env): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls `f` every 20 ms until it holds; fails after `ms`. */
export async function until(what: string, f: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await f())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Stops a worker the way Ctrl-C does and waits for it. */
export async function stopWorker(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGINT');
  await p.exited;
}

/** Every file under a directory (recursively), for looking for a secret in all of them. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

export const holds = (file: string, secret: string) => readFileSync(file).includes(Buffer.from(secret));

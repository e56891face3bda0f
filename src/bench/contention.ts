// `genlab bench contention`: a default-thread `genlab fit` on a quiet machine and beside one busy loop per CPU.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuCount } from '../engine/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GENLAB = path.resolve(HERE, '../../../bin/genlab.js');

/** A workload: `genlab fit` flags (a fresh run directory is added). */
export interface ContentionWorkload {
  name: string;
  args: string[];
}
export const WORKLOADS: ContentionWorkload[] = [
  // The demo run: MLP 1×512 fitting random labels on 2,000 Fashion-MNIST examples.
  { name: 'mlp-1x512', args: ['--labels', 'random', '--train-size', '2000'] },
  // A small AlexNet run: two epochs on 500 examples.
  {
    name: 'alexnet-small',
    args: ['--model', 'alexnet-small', '--train-size', '500', '--test-size', '500', '--epochs', '2'],
  },
];

export interface ContentionRow {
  name: string;
  quietSeconds: number; // the fit's wall seconds, default threads, nothing else running
  loadedSeconds: number; // the same beside one busy loop per CPU
  loadedSingleThreadSeconds: number; // with --threads 1 beside the same load
  slowdown: number; // loadedSeconds / quietSeconds; target ≤ 2.2
}
export interface ContentionResult extends ContentionRow {
  cpus: number;
  rows: ContentionRow[]; // every workload; the top-level fields are the first's
}

/** Runs `genlab fit ARGS --json` in a fresh run store; its summary's wall seconds. */
function fitSeconds(args: string[]): Promise<number> {
  const out = mkdtempSync(path.join(tmpdir(), 'genlab-bench-contention-'));
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [GENLAB, 'fit', ...args, '--out', out, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(out, { recursive: true, force: true });
      if (code !== 0) {
        const last = stderr.trim().split('\n').pop() ?? '';
        return reject(
          new Error(`bench contention: genlab fit ${args.join(' ')} exited with ${code}: ${last}`),
        );
      }
      resolve((JSON.parse(stdout.trim().split('\n').pop()!) as { wallSeconds: number }).wallSeconds);
    });
  });
}

/**
 * One busy loop per CPU, as separate processes: each ends by itself after `limitSeconds` even if
 * this process dies, and stop() ends them all at once.
 */
export function startLoad(n: number, limitSeconds: number): { stop(): void } {
  const code = `const end = Date.now() + ${Math.round(limitSeconds * 1000)}; while (Date.now() < end);`;
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++) children.push(spawn(process.execPath, ['-e', code], { stdio: 'ignore' }));
  return {
    stop: () => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    },
  };
}

export async function runContentionBench(progress: (msg: string) => void): Promise<ContentionResult> {
  const cpus = cpuCount();
  const rows: ContentionRow[] = [];
  for (const w of WORKLOADS) {
    progress(`${w.name}: quiet, default threads`);
    const quietSeconds = await fitSeconds(w.args);
    const load = startLoad(cpus, 30 + 20 * quietSeconds);
    try {
      progress(`${w.name}: beside ${cpus} busy loop${cpus > 1 ? 's' : ''}, default threads`);
      const loadedSeconds = await fitSeconds(w.args);
      progress(`${w.name}: beside the same load, --threads 1`);
      const loadedSingleThreadSeconds = await fitSeconds([...w.args, '--threads', '1']);
      rows.push({
        name: w.name,
        quietSeconds,
        loadedSeconds,
        loadedSingleThreadSeconds,
        slowdown: loadedSeconds / quietSeconds,
      });
    } finally {
      load.stop();
    }
  }
  return { ...rows[0], cpus, rows };
}

export function formatContentionBench(r: ContentionResult): string {
  const head = `${'workload'.padEnd(14)} ${'quiet'.padStart(8)} ${'loaded'.padStart(8)} ${'loaded 1T'.padStart(10)} ${'slowdown'.padStart(9)}`;
  const body = r.rows.map(
    (x) =>
      `${x.name.padEnd(14)} ${x.quietSeconds.toFixed(1).padStart(7)}s ${x.loadedSeconds.toFixed(1).padStart(7)}s ${x.loadedSingleThreadSeconds.toFixed(1).padStart(9)}s ${x.slowdown.toFixed(2).padStart(8)}×`,
  );
  return [
    `genlab fit wall seconds, default threads, quiet and beside one busy loop per CPU (${r.cpus}); loaded 1T: --threads 1 beside the same load`,
    head,
    ...body,
    `slowdown target ≤ 2.2×, and loaded ≤ loaded 1T`,
    '',
  ].join('\n');
}

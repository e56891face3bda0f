// Shared pieces of the genlab serve tests: a store with smoke runs, a server on a free port, Chromium, a quiet Io.
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/command.js';
import { createServer } from '../../src/serve/server.js';
import type { QueueTarget } from '../../src/sweep/queue/redis.js';
import { genlabInProcess } from './cli-in-process.js';
import { writeSyntheticMnist } from './synthetic-data.js';
import { tempDir } from './temp.js';

export const BIN = path.resolve('bin/genlab.js');

export function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), isTTY: false };
}

/** `genlab fit` flags of a smoke run on a synthetic data set (the caller adds --out). */
export function fitArgs(data: string, labels: string, epochs: number, model = 'mlp-1x32'): string[] {
  return [
    'fit',
    '--dataset',
    'mnist',
    '--data-dir',
    data,
    '--model',
    model,
    '--labels',
    labels,
    '--batch-size',
    '32',
  ].concat(['--epochs', String(epochs), '--no-stop-at-fit', '--lr', '0.05', '--threads', '1', '--json']);
}

/** A temporary store holding two complete smoke runs (true and random labels), fitted in this process. */
export async function smokeStore(): Promise<{ root: string; data: string; ids: string[] }> {
  const data = writeSyntheticMnist({ train: 300, test: 100, side: 8 });
  const root = tempDir('genlab-serve-');
  const ids: string[] = [];
  for (const labels of ['true', 'random']) {
    const io = captureIo();
    const code = await main([...fitArgs(data, labels, 3), '--out', root], io);
    if (code !== 0) throw new Error(`smoke fit failed: ${io.stderr.join('')}`);
    ids.push((JSON.parse(io.stdout.join('')) as { run: string }).run);
  }
  return { root, data, ids };
}

/**
 * A temporary store holding presets' smoke runs, each made by `genlab run NAME --scale smoke [--seeds N]` in this
 * process; `seeds` gives N for the presets that want more than their scale's.
 */
export async function presetStore(names: string[], seeds: Record<string, number> = {}): Promise<string> {
  const root = tempDir('genlab-serve-presets-');
  for (const name of names) {
    const extra = seeds[name] ? ['--seeds', String(seeds[name])] : [];
    const r = await genlabInProcess(['run', name, '--scale', 'smoke', '--out', root, ...extra]);
    if (r.code !== 0) throw new Error(`genlab run ${name} --scale smoke: ${r.err}`);
  }
  return root;
}

/** A server over root listening on a free loopback port. */
export async function listen(
  root: string,
  opts: { host?: string; token?: string | null; queue?: QueueTarget } = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const host = opts.host ?? '127.0.0.1';
  const app = await createServer({
    root,
    host,
    token: opts.token ?? null,
    queue: opts.queue,
    liveIntervalMs: 200,
  });
  await app.listen({ host, port: 0 });
  const addr = app.server.address();
  if (addr === null || typeof addr !== 'object') throw new Error('serve test: no address');
  return { app, url: `http://127.0.0.1:${addr.port}` };
}

/** Debian's Chromium, headless, with a new empty profile and nothing reaching the network on its own. */
export async function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('genlab-chromium-'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** RFC 4180 CSV (quoted cells, "" escapes) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

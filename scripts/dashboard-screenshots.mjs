#!/usr/bin/env node
// The dashboard's screenshots in docs/dashboard.md, taken from a real run store: a preset's page (its figure, tables
// with the seeds' spread, claims) and a comparison of two configurations at two seeds each (seed bands, smoothing).
// Usage: node scripts/dashboard-screenshots.mjs [--out STORE] [--preset NAME] [--scale S] [--dir DOCS]
//   defaults: --out stores/full --preset random-labels-capacity --scale cpu --dir docs
// The compare view takes the preset's first two configurations that have two seeds in the store.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'stores/full' },
    preset: { type: 'string', default: 'random-labels-capacity' },
    scale: { type: 'string', default: 'cpu' },
    dir: { type: 'string', default: 'docs' },
  },
});
const fail = (message) => {
  console.error(`dashboard-screenshots: ${message}`);
  process.exit(1);
};

const server = spawn(
  process.execPath,
  ['bin/genlab.js', 'serve', '--out', values.out, '--port', '0', '--json'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise((resolve, reject) => {
  let text = '';
  server.stdout.on('data', (b) => {
    text += b;
    const line = text.split('\n').find((l) => l.startsWith('{'));
    if (line) resolve(JSON.parse(line).url.replace(/\/$/, '')); // serve prints it with a trailing /
  });
  server.on('exit', (code) => reject(new Error(`genlab serve exited ${code} before it listened`)));
}).catch((e) => fail(e.message));

const profile = mkdtempSync(path.join(tmpdir(), 'genlab-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));

  const preset = `#/preset/${values.preset}?scale=${values.scale}`;
  await page.goto(`${url}/${preset}`);
  await page.waitForSelector('#missing', { timeout: 60_000 });
  await page.waitForTimeout(500); // the figure's SVG and the tables settle
  const presetShot = path.join(values.dir, 'serve-preset.png');
  await page.screenshot({ path: presetShot });

  // Two configurations at two seeds each, from the preset's plan as the page reads it.
  const plan = await (await fetch(`${url}/api/presets/${values.preset}?scale=${values.scale}`)).json();
  const cells = new Map();
  for (const r of plan.runs ?? []) {
    if (r.status !== 'complete') continue;
    const cell = r.label.replace(/,? ?seed \d+(\/\d+)?$/, '');
    cells.set(cell, [...(cells.get(cell) ?? []), r.id]);
  }
  const pairs = [...cells].filter(([, ids]) => ids.length >= 2).slice(0, 2);
  if (pairs.length < 2)
    fail(`${values.preset} at ${values.scale}: expected two configurations with two seeds each`);
  const ids = pairs.flatMap(([, ids]) => ids.slice(0, 2));
  await page.goto(`${url}/#/compare?ids=${ids.map(encodeURIComponent).join(',')}`);
  await page.waitForSelector('#compare .chart', { timeout: 60_000 });
  await page.waitForTimeout(500);
  const compareShot = path.join(values.dir, 'serve-compare.png');
  await page.screenshot({ path: compareShot });
  if (problems.length > 0) fail(`the pages logged errors: ${problems.join('; ')}`);
  console.log(
    `${presetShot}: ${preset}\n${compareShot}: #/compare of ${ids.length} runs (${pairs.map(([cell]) => cell).join(' and ')})`,
  );
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
  server.kill('SIGINT');
}

// The dashboard's preset pages say what `genlab report PRESET --json` says: the same tables (every number, with its
// seed spread and the paper's), the same claims and verdicts, figures and missing runs, for a fit preset run with
// two seeds, a theory preset and memorization, over a smoke store.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { inlineSvg } from '../../src/report/html.js';
import type { Claim } from '../../src/report/claims.js';
import type { Table } from '../../src/report/table.js';
import { genlabInProcess } from '../support/cli-in-process.js';
import { listen, presetStore } from '../support/serve-fixtures.js';
import { tempDir } from '../support/temp.js';

interface PageReport {
  version: string;
  seeds: number;
  planned: number;
  complete: number;
  command: string;
  reportCommand: string;
  runs: { id: string; status: string }[];
  missing: string[];
  figures: { name: string; caption: string; svg: string }[];
  tables: Table[];
  claims: Claim[];
}

interface CliReport {
  figures: { svg: string }[];
  missing: string[];
  tables: Table[];
  claims: Claim[];
}

let root: string;
let server: Awaited<ReturnType<typeof listen>>;
const reports = tempDir('genlab-serve-reports-');

before(async () => {
  root = await presetStore(['fig1a', 'double-descent-rff', 'memorization'], { fig1a: 2 });
  server = await listen(root);
});

after(async () => {
  await server?.app.close();
  if (root) rmSync(root, { recursive: true, force: true });
  rmSync(reports, { recursive: true, force: true });
});

async function page(name: string, query = ''): Promise<PageReport> {
  const r = await fetch(`${server.url}/api/presets/${name}?scale=smoke${query}`);
  const body = (await r.json()) as PageReport & { error?: string };
  assert.equal(r.status, 200, body.error);
  return body;
}

async function cliReport(name: string, seeds: string[] = []): Promise<CliReport> {
  const dir = `${reports}/${name}${seeds.join('')}`;
  const args = ['report', name, '--scale', 'smoke', ...seeds, '--out', root, '--report-dir', dir, '--json'];
  const r = await genlabInProcess(args);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as CliReport;
}

// Vega numbers its clip paths with a counter of the process: two renderings of one figure differ there only.
const sameClips = (svg: string) => svg.replace(/clip\d+/g, 'clip');

/** The page's tables, claims, figures and missing runs are the report's. */
function assertSame(name: string, api: PageReport, cli: CliReport): void {
  assert.deepEqual(api.tables, cli.tables, `${name}: tables`);
  assert.deepEqual(api.claims, cli.claims, `${name}: claims and verdicts`);
  assert.deepEqual(api.missing, cli.missing, `${name}: missing runs`);
  assert.deepEqual(
    api.figures.map((f) => sameClips(f.svg)),
    cli.figures.map((f, i) => sameClips(inlineSvg(readFileSync(f.svg, 'utf8'), `f${i + 1}`))),
    `${name}: figures`,
  );
}

test("fig1a with two seeds: the page finds the seeds and shows the report's numbers and verdicts", async () => {
  const api = await page('fig1a');
  assert.equal(api.seeds, 2, 'the seeds found in the store');
  assert.deepEqual([api.complete, api.planned, api.missing], [10, 10, []]);
  assert.equal(api.command, 'genlab run fig1a --scale smoke --seeds 2');
  assert.equal(api.reportCommand, 'genlab report fig1a --scale smoke --seeds 2');
  const cli = await cliReport('fig1a', ['--seeds', '2']);
  assertSame('fig1a', api, cli);
  assert.match(JSON.stringify(api.tables[0].rows), / \([\d.]+%–[\d.]+%\)/, 'each cell with its min–max');
  assert.ok(api.claims.length > 0 && api.claims.every((c) => c.verdict.length > 0));
  assert.equal(api.figures.length, 1);
  // Asked again with its version: nothing changed, nothing resent.
  const again = (await (
    await fetch(`${server.url}/api/presets/fig1a?scale=smoke&version=${api.version}`)
  ).json()) as object;
  assert.deepEqual(again, { version: api.version, unchanged: true });
});

test('fig1a with a third seed asked for: its runs missing, the command that makes them, as the report says', async () => {
  const api = await page('fig1a', '&seeds=3');
  const cli = await cliReport('fig1a', ['--seeds', '3']);
  assertSame('fig1a --seeds 3', api, cli);
  assert.equal(api.missing.length, 5);
  assert.equal(api.command, 'genlab run fig1a --scale smoke --seeds 3');
  assert.deepEqual(
    api.runs.filter((r) => r.status === 'missing').map((r) => r.id),
    api.missing,
  );
});

test('double-descent-rff (a theory preset) and memorization: the same tables and verdicts as genlab report', async () => {
  for (const name of ['double-descent-rff', 'memorization']) {
    const api = await page(name);
    assert.deepEqual([api.complete, api.missing.length], [api.planned, 0], name);
    assert.equal(api.command, `genlab run ${name} --scale smoke`);
    assertSame(name, api, await cliReport(name));
    assert.ok(api.claims.length > 0, `${name}: its claims`);
    assert.ok(api.figures.length > 0, `${name}: its figures`);
  }
});

test("the presets list gives each preset's completion per scale it offers", async () => {
  const list = (await (await fetch(`${server.url}/api/presets`)).json()) as {
    presets: {
      name: string;
      scales: string[];
      completion: Record<string, { seeds: number; planned: number; complete: number }>;
    }[];
  };
  const of = (name: string) => list.presets.find((p) => p.name === name)!;
  assert.deepEqual(of('fig1a').completion.smoke, { seeds: 2, planned: 10, complete: 10 });
  assert.deepEqual(of('memorization').completion.smoke, { seeds: 1, planned: 16, complete: 16 });
  assert.deepEqual(of('memorization').scales, ['smoke', 'cpu']);
  assert.equal(of('double-descent-rff').completion.cpu.complete, 0);
});

test('a preset page refuses an unknown preset, a scale not offered and bad seeds, in words', async () => {
  const cases: [string, number, RegExp][] = [
    ['/api/presets/fig9?scale=smoke', 404, /^presets: no preset "fig9"; expected one of /],
    ['/api/presets/fig1a?scale=huge', 400, /^presets: unknown scale "huge"; expected one of smoke, /],
    [
      '/api/presets/memorization?scale=full',
      400,
      /^memorization has no full scale .*; expected smoke or cpu$/,
    ],
    [
      '/api/presets/fig1a?scale=smoke&seeds=0',
      400,
      /^presets: \?seeds must be an integer from 1 to 100; got "0"$/,
    ],
  ];
  for (const [url, status, error] of cases) {
    const r = await fetch(`${server.url}${url}`);
    assert.equal(r.status, status, url);
    assert.match(((await r.json()) as { error: string }).error, error);
  }
});

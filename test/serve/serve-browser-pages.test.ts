// genlab serve in Debian's Chromium over a smoke store with seeds: every page of the nav, a run, a comparison and a
// preset page of every preset (fits with seeds, a theory preset, memorization, random labels at full size among
// them), with no console error and no failed request; a preset page redrawn as its missing runs arrive.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { presetNames } from '../../src/presets/preset.js';
import { RunStore } from '../../src/store/store.js';
import { genlabInProcess } from '../support/cli-in-process.js';
import { launchChromium, listen, presetStore } from '../support/serve-fixtures.js';

let root: string;
let server: Awaited<ReturnType<typeof listen>>;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];

before(async () => {
  root = await presetStore(['fig1a', 'table3', 'memorization', 'random-labels-protocol'], { fig1a: 2 });
  server = await listen(root);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // Leaving the page closes its live event stream: aborted by the browser, not failed.
    if (!(r.url().endsWith('/api/events') && why === 'net::ERR_ABORTED'))
      problems.push(`failed: ${r.url()} ${why}`);
  });
});

after(async () => {
  await browser?.close();
  await server?.app.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Opens a page of the app and waits for `ready`; nothing may have gone wrong on the way. */
async function open(hash: string, ready: string): Promise<void> {
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector(ready, { timeout: 60_000 });
  assert.equal(await page.$('#page .error'), null, `${hash}: ${await page.textContent('#page')}`);
  assert.deepEqual(problems, [], hash);
}

const READY: Record<string, string> = {
  runs: '#runs[data-ready="true"]',
  compare: '#page h1',
  presets: '#presets tbody tr',
  sweeps: '#page h1',
};

test('every page of the nav, a run and a comparison load without a console error or a failed request', async () => {
  await page.goto(`${server.url}/`);
  const nav = await page.$$eval('nav a', (as) => as.map((a) => (a as HTMLAnchorElement).dataset.page ?? ''));
  assert.deepEqual(nav, Object.keys(READY), 'the nav this test knows');
  for (const name of nav) await open(`#/${name}`, READY[name]);
  const runs = (await (await fetch(`${server.url}/api/runs`)).json()) as { runs: { id: string }[] };
  const fits = runs.runs.map((r) => r.id).filter((id) => id.includes('labels-random'));
  const kernel = runs.runs.map((r) => r.id).find((id) => id.startsWith('kernel'));
  assert.ok(fits.length >= 2 && kernel, 'fits and a kernel run in the store');
  await open(`#/run/${fits[0]}`, '#summary');
  await open(`#/run/${kernel}`, '#page h1');
  await open(`#/compare?ids=${fits.slice(0, 2).join(',')}`, '#compare .chart');
  // The page's icon (headless Chromium may not ask for it), and what a browser asks for beside a JSON address.
  const icon = await page.$eval('link[rel="icon"]', (l) => (l as HTMLLinkElement).href);
  for (const url of [icon, `${server.url}/favicon.ico`]) {
    const r = await fetch(url);
    assert.equal(r.status, 200, url);
    assert.equal(r.headers.get('content-type'), 'image/svg+xml', url);
  }
  assert.deepEqual(problems, []);
});

test('a page whose data arrives after the user has moved on does not draw over the page now shown', async () => {
  // The comparison picker's runs arrive 1.5 s late; by then the presets page is shown and must stay.
  let served = false;
  await page.route('**/api/runs', async (r) => {
    await new Promise((done) => setTimeout(done, 1500));
    await r.continue();
    served = true;
  });
  try {
    const asked = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/runs', { timeout: 30_000 });
    await page.goto(`${server.url}/#/compare`);
    await asked; // the picker has asked for its runs: now move on
    await page.goto(`${server.url}/#/presets`);
    await page.waitForSelector('#presets tbody tr', { timeout: 60_000 });
    for (let waited = 0; !served && waited < 30_000; waited += 100)
      await new Promise((done) => setTimeout(done, 100));
    assert.ok(served, 'the late answer was served');
    await new Promise((done) => setTimeout(done, 300));
    assert.ok(await page.$('#presets tbody tr'), 'the presets page is still shown');
    assert.equal(await page.$$eval('#page h1', (hs) => hs.map((h) => h.textContent).join()), 'Presets');
  } finally {
    await page.unroute('**/api/runs');
  }
  assert.deepEqual(problems, []);
});

test("a run's page: its config first, files folded by folder, the examples it learned last and forgot most, as genlab examples finds them", async () => {
  const runs = (await (await fetch(`${server.url}/api/runs`)).json()) as { runs: { id: string }[] };
  const id = runs.runs.map((r) => r.id).find((r) => r.includes('labels-random'))!;
  await open(`#/run/${id}`, '#examples figure.example');
  assert.equal(await page.$eval('#page h1 + *', (e) => e.id), 'config', 'the config right under the title');
  // per-epoch records: one folded row per folder, its count of files
  const folders = await page.$$eval('#files tr[data-folder]', (trs) =>
    trs.map((t) => ({ folder: (t as HTMLElement).dataset.folder, files: t.querySelectorAll('li').length })),
  );
  const correct = folders.find((f) => f.folder === 'epochs/train-correct');
  const epochs = (await (await fetch(`${server.url}/api/runs/${id}/epochs`)).json()) as { epochs: unknown[] };
  assert.equal(correct?.files, epochs.epochs.length, JSON.stringify(folders));
  // the lists are genlab examples': the same indices, in the same order
  const dir = mkdtempSync(path.join(tmpdir(), 'genlab-examples-'));
  try {
    const r = await genlabInProcess(['examples', id, '--out', root, '--report-dir', dir, '--json']);
    assert.equal(r.code, 0, r.err);
    const cli = JSON.parse(r.out) as { lastLearned: number[]; mostForgotten: number[] };
    const shown = await page.$$eval('#examples .example-cards', (lists) =>
      lists.map((l) =>
        [...l.querySelectorAll('figure')].map((f) => Number((f as HTMLElement).dataset.index)),
      ),
    );
    const expected = [cli.lastLearned, cli.mostForgotten].filter((l) => l.length > 0);
    assert.deepEqual(shown, expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // a theory run has no per-example record: it says so, without an error
  const kernel = runs.runs.map((r) => r.id).find((r) => r.startsWith('kernel'))!;
  await open(`#/run/${kernel}`, '#examples p.muted:not(:empty)');
  await page.waitForFunction(() =>
    /no per-example view/.test(document.querySelector('#examples')?.textContent ?? ''),
  );
  assert.deepEqual(problems, []);
});

test('a preset page of every preset at smoke scale, with figures, tables and verdicts where its runs are', async () => {
  for (const name of presetNames()) await open(`#/preset/${name}?scale=smoke`, '#missing');
  const drawn: Record<string, { missing: string; figures: number; tables: number; verdicts: number }> = {};
  for (const name of ['fig1a', 'table3', 'memorization', 'random-labels-protocol']) {
    await open(`#/preset/${name}?scale=smoke`, '#missing');
    drawn[name] = {
      missing: (await page.textContent('#missing')) ?? '',
      figures: (await page.$$('.report-figure svg')).length,
      tables: (await page.$$('#tables table')).length,
      verdicts: (await page.$$('#claims td.verdict')).length,
    };
  }
  assert.match(
    drawn.fig1a.missing,
    /^All 10 runs complete \(2 seeds each\)\. Report: genlab report fig1a --scale smoke --seeds 2$/,
  );
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(drawn).map(([k, v]) => [k, [v.figures > 0, v.tables > 0, v.verdicts > 0]]),
    ),
    {
      fig1a: [true, true, true],
      table3: [false, true, false], // a table of kernels, no figure, no claim
      memorization: [true, true, true],
      'random-labels-protocol': [true, true, true],
    },
  );
});

test("the runs page groups runs by preset and scale, folds seeds, filters by config fields and shows theory runs' accuracies", async () => {
  await open('#/runs', '#runs[data-fields="true"]');
  const rows = () =>
    page.$$eval('#runs tbody tr[data-id]', (trs) =>
      trs.map((t) => ({
        id: (t as HTMLElement).dataset.id ?? '',
        seeds: (t as HTMLElement).dataset.seeds ?? '1',
        run: t.querySelector('td:nth-child(2)')?.textContent ?? '',
        train: t.querySelector('td[data-col="trainAcc"]')?.textContent ?? '',
      })),
    );
  const store = new RunStore(root);
  const all = store.list();
  assert.equal((await rows()).length, all.length);

  // key=value looks in the config: the runs on random labels with MLP 1×64 (fig1a's smoke model), as configs say
  const configs = all.map((r) => ({ id: r.run, config: store.run(r.run).readConfig<unknown>() }));
  const randomMlp = configs
    .filter(({ config }) => {
      const c = config as { model?: { name?: string }; randomization?: { labels?: string } };
      return c.randomization?.labels === 'random' && c.model?.name === 'mlp-1x64';
    })
    .map((r) => r.id)
    .sort();
  store.close();
  assert.ok(randomMlp.length >= 2, 'random labels at 2 seeds');
  await page.fill('input[type=search]', 'labels=random model=mlp-1x64');
  assert.deepEqual((await rows()).map((r) => r.id).sort(), randomMlp);

  // fold seeds: fig1a's two seeds of each variant in one row, named by the plan without the seed
  await page.fill('input[type=search]', '');
  await page.selectOption('#grouping', 'preset');
  await page.check('#fold');
  const groups = await page.$$eval('#runs tr.group-head', (trs) =>
    trs.map((t) => (t as HTMLElement).dataset.group ?? 'none'),
  );
  for (const g of ['fig1a/smoke', 'table3/smoke', 'memorization/smoke', 'random-labels-protocol/smoke'])
    assert.ok(groups.includes(g), `${g} among ${groups.join(', ')}`);
  const fig1a = await page.$$eval('#runs tr', (trs) => {
    const out: { seeds: string; run: string; train: string }[] = [];
    let inFig1a = false;
    for (const t of trs as HTMLElement[]) {
      if (t.classList.contains('group-head')) inFig1a = t.dataset.group === 'fig1a/smoke';
      else if (inFig1a && t.dataset.id)
        out.push({
          seeds: t.dataset.seeds ?? '1',
          run: t.querySelector('td:nth-child(2)')?.textContent ?? '',
          train: t.querySelector('td[data-col="trainAcc"]')?.textContent ?? '',
        });
    }
    return out;
  });
  assert.equal(fig1a.length, 5, JSON.stringify(fig1a));
  for (const r of fig1a) {
    assert.equal(r.seeds, '2', JSON.stringify(r));
    assert.match(r.run, /^[A-Za-z ]+ 2 seeds$/, 'the variant, then its seeds');
    assert.match(r.train, /^\d+\.\d%( \(\d+\.\d%–\d+\.\d%\))?$/, 'mean (min–max)');
  }

  // a theory run shows its accuracies (a kernel run's 1 − error), not dashes
  await page.uncheck('#fold');
  await page.selectOption('#grouping', '');
  await page.fill('input[type=search]', 'experiment=kernel');
  const kernels = await rows();
  assert.ok(kernels.length > 0 && kernels.every((r) => r.id.startsWith('kernel')), JSON.stringify(kernels));
  for (const r of kernels) assert.match(r.train, /^\d+\.\d%$/, r.id);
  assert.deepEqual(problems, []);
});

/** Each chart's legend: the labels listed (a raw line or a band's edge is drawn but not listed). */
const legends = () =>
  page.$$eval('#compare .chart', (charts) =>
    charts.map((c) =>
      [...c.querySelectorAll('.u-legend .u-series:not(.aside)')]
        .slice(1)
        .map((s) => s.querySelector('.u-label')?.textContent ?? ''),
    ),
  );

/** The x range each chart shows. */
const xRanges = () =>
  page.$$eval('#compare .chart', (charts) =>
    charts.map((c) => [Number((c as HTMLElement).dataset.xMin), Number((c as HTMLElement).dataset.xMax)]),
  );

test('compare: seeds folded into a line and a band per variant, the loss smoothed, x in steps, epochs or examples', async () => {
  const fig1a = (await (await fetch(`${server.url}/api/presets/fig1a?scale=smoke`)).json()) as {
    runs: { id: string; label: string }[];
  };
  const of = (variant: string) => fig1a.runs.filter((r) => r.label.startsWith(variant)).map((r) => r.id);
  const ids = [...of('random labels'), ...of('true labels')];
  assert.equal(ids.length, 4, JSON.stringify(fig1a.runs));
  await open(`#/compare?ids=${ids.join(',')}`, '#compare .chart');
  const controls = await page.$eval('#compare-controls', (d) => ({
    smoothing: (d.querySelector('#smoothing') as HTMLSelectElement).value,
    x: [...d.querySelectorAll('#x-axis option')].map((o) => o.textContent),
    fold: (d.querySelector('#fold-seeds') as HTMLInputElement).checked,
  }));
  assert.deepEqual(controls, { smoothing: '0.6', x: ['step', 'epoch', 'examples seen'], fold: true });
  // One line per variant (4 runs, 2 groups), named without the seed.
  const groups = ['random labels', 'true labels'];
  assert.deepEqual(await legends(), [groups, groups, groups]);
  // Smoke fig1a: 64 examples in one batch of 128, 3 epochs: x ends at step 3, epoch 3, 192 examples seen, on
  // the loss's chart as on the accuracy's.
  const ends: Record<string, number> = { step: 3, epoch: 3, examples: 192 };
  for (const x of ['examples', 'epoch', 'step']) {
    await page.selectOption('#x-axis', x);
    await page.waitForFunction(
      (end) => Number((document.querySelector('#compare .chart') as HTMLElement).dataset.xMax) === end,
      ends[x],
    );
    assert.deepEqual(
      (await xRanges()).map((r) => r[1]),
      [ends[x], ends[x], ends[x]],
      x,
    );
  }
  // Seeds unfolded: a line per run, named with its seed; no smoothing: no raw lines behind the loss.
  await page.uncheck('#fold-seeds');
  await page.selectOption('#smoothing', '0');
  const [loss] = await legends();
  assert.equal(loss.length, 4);
  assert.ok(
    loss.every((l) => / seed \d$/.test(l)),
    loss.join(', '),
  );
  assert.equal(
    await page.$$eval('#compare .chart:first-child .u-legend .u-series', (rows) => rows.length),
    5,
  );
  assert.deepEqual(problems, []);
});

test('a preset page follows its runs: the missing ones made now appear without a reload', async () => {
  await open('#/preset/fig1a?scale=smoke&seeds=3', '#missing');
  assert.match(
    (await page.textContent('#missing')) ?? '',
    /^5 of 15 runs missing; make them with genlab run fig1a --scale smoke --seeds 3 /,
  );
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  const r = await genlabInProcess(['run', 'fig1a', '--scale', 'smoke', '--seeds', '3', '--out', root]);
  assert.equal(r.code, 0, r.err);
  await page.waitForFunction(
    () =>
      /^All 15 runs complete \(3 seeds each\)/.test(document.querySelector('#missing')?.textContent ?? ''),
    undefined,
    { timeout: 60_000 },
  );
  assert.equal(await page.evaluate(() => (window as unknown as { marker: number }).marker), 42, 'no reload');
  assert.deepEqual(problems, []);
});

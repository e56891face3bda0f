// genlab serve in Debian's Chromium: the runs table, a run's charts, a fit appearing and rising live, compare, CSV, presets, 1,000 runs.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { RunDir } from '../../src/store/run-dir.js';
import { RunStore } from '../../src/store/store.js';
import { presetNames } from '../../src/presets/preset.js';
import { decodePngSize } from '../../src/report/png.js';
import { until } from '../support/queue-helpers.js';
import { BIN, fitArgs, launchChromium, listen, parseCsv, smokeStore } from '../support/serve-fixtures.js';
import { tempDir } from '../support/temp.js';

let store: Awaited<ReturnType<typeof smokeStore>>;
let server: Awaited<ReturnType<typeof listen>>;
let browser: BrowserContext;
let page: Page;

before(async () => {
  store = await smokeStore();
  server = await listen(store.root);
  browser = await launchChromium();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await server?.app.close();
  if (store) rmSync(store.root, { recursive: true, force: true });
});

/** Non-white pixels drawn on the uPlot canvases under selector (a chart with lines has thousands). */
async function inkOf(selector: string): Promise<number[]> {
  return page.$$eval(`${selector} canvas`, (canvases) =>
    canvases.map((c) => {
      const canvas = c as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] < 600) ink++;
      return ink;
    }),
  );
}

const cellText = (id: string, col: string) =>
  page
    .$eval(`#runs tr[data-id="${id}"] td[data-col="${col}"]`, (td) => td.textContent ?? '')
    .catch(() => null);

test('the runs table lists the smoke runs, sorts and filters', async () => {
  await page.goto(`${server.url}/#/runs`);
  await page.waitForSelector('#runs[data-ready="true"]');
  const ids = await page.$$eval('#runs tbody tr', (trs) => trs.map((t) => (t as HTMLElement).dataset.id));
  assert.deepEqual([...ids].sort(), [...store.ids].sort());
  assert.equal(await cellText(store.ids[0], 'epochs'), '3');
  await page.fill('input[type=search]', 'random');
  const shown = await page.$$eval('#runs tbody tr:not([hidden])', (trs) =>
    trs.map((t) => (t as HTMLElement).dataset.id),
  );
  assert.deepEqual(shown, [store.ids[1]]);
  await page.fill('input[type=search]', '');
  await page.click('#runs th[data-key="labels"]');
  const sorted = await page.$$eval('#runs tbody tr', (trs) => trs.map((t) => (t as HTMLElement).dataset.id));
  assert.deepEqual(sorted, [store.ids[1], store.ids[0]]); // random < true
});

test("a run's page draws its charts, its randomization and its files", async () => {
  await page.goto(`${server.url}/#/run/${store.ids[1]}`);
  await page.waitForSelector('#summary[data-epochs="3"]');
  await page.waitForSelector('.chart[data-points="30"]');
  const ink = await inkOf('.chart');
  assert.equal(ink.length, 3, 'loss per step, accuracy and loss per epoch');
  assert.ok(
    ink.every((n) => n > 200),
    `charts drawn: ${ink.join(', ')} dark pixels`,
  );
  await page.waitForSelector('.images img');
  const caption = await page.textContent('.images p');
  assert.match(caption ?? '', /^top: as published \(labels [\d, ]+\); bottom: as trained/);
  const files = await page.$$eval('#files a', (as) =>
    as.map((a) => (a as HTMLAnchorElement).getAttribute('href')),
  );
  assert.ok(files.includes(`/files/${store.ids[1]}/config.json`), files.join(' '));
  const shot = path.join(tempDir('genlab-shot-'), 'serve-run.png');
  await page.screenshot({ path: shot, fullPage: false });
  assert.ok(decodePngSize(readFileSync(shot)).width >= 1000);
  if (process.env.GENLAB_UPDATE_SCREENSHOTS === '1') copyFileSync(shot, path.resolve('docs/serve-run.png'));
});

test('the CSV downloads parse', async () => {
  await page.goto(`${server.url}/#/runs`);
  await page.waitForSelector('#runs[data-ready="true"]');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a[href="/api/runs.csv"]'),
  ]);
  const rows = parseCsv(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(
    rows
      .slice(1)
      .map((r) => r[0])
      .sort(),
    [...store.ids].sort(),
  );
  await page.goto(`${server.url}/#/run/${store.ids[0]}`);
  await page.waitForSelector('#summary[data-epochs="3"]');
  for (const [kind, header, count] of [
    ['epochs', 'epoch', 3],
    ['steps', 'step', 30],
  ] as const) {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(`a[href$="/${kind}.csv"]`)]);
    const csv = parseCsv(readFileSync(await d.path(), 'utf8'));
    assert.equal(csv[0][0], header);
    assert.equal(csv.length - 1, count, kind);
  }
});

test('compare overlays two runs, each named by what differs', async () => {
  await page.goto(`${server.url}/#/runs`);
  await page.waitForSelector('#runs[data-ready="true"]');
  for (const id of store.ids) await page.check(`input[data-pick="${id}"]`);
  await page.click('text=Compare selected');
  await page.waitForSelector('#compare .chart');
  // A line per run in each legend (the loss's raw lines, drawn faint behind, are not listed); no seeds to fold.
  const legends = await page.$$eval('#compare .chart', (charts) =>
    charts.map((c) => c.querySelectorAll('.u-legend .u-series:not(.aside)').length - 1),
  );
  assert.deepEqual(legends, [2, 2, 2]);
  assert.equal(await page.$('#fold-seeds'), null);
  assert.ok((await inkOf('#compare .chart')).every((n) => n > 200));
  // Each line named by what differs, in its own colour; the differing config fields in a table.
  const series = await page.$$eval(
    '#compare .chart:first-child .u-legend .u-series:not(:first-child):not(.aside)',
    (ss) =>
      ss.map((s) => ({
        label: s.querySelector('.u-label')?.textContent,
        colour: (s.querySelector('.u-marker') as HTMLElement).style.borderColor,
      })),
  );
  assert.deepEqual(
    series.map((s) => s.label),
    ['true labels', 'random labels'],
  );
  assert.notEqual(series[0].colour, series[1].colour);
  const differs = await page.$$eval('#differs tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  );
  assert.deepEqual(differs, [
    ['true labels', 'true'],
    ['random labels', 'random'],
  ]);
  assert.equal(await page.textContent('#differs thead'), 'runrandomization.labels');
});

test('presets show the report with the runs still missing and the command that makes them', async () => {
  await page.goto(`${server.url}/#/presets/table1?scale=smoke`); // the old address: now #/preset/table1
  await page.waitForSelector('#missing', { timeout: 60_000 });
  assert.match(page.url(), /#\/preset\/table1\?scale=smoke$/);
  assert.match(
    (await page.textContent('#missing')) ?? '',
    /3 of 3 runs missing; make them with genlab run table1 --scale smoke/,
  );
  assert.ok((await page.$$('#tables table')).length > 0, 'its tables');
});

test('the presets page lists every preset and plans a theory preset and memorization like a preset of fits', async () => {
  const errors: string[] = [];
  const onError = (e: Error) => errors.push(e.message);
  page.on('pageerror', onError);
  try {
    await page.goto(`${server.url}/#/presets`);
    await page.waitForSelector('#presets tbody tr');
    const names = await page.$$eval('#presets tbody tr', (trs) =>
      trs.map((t) => (t as HTMLElement).dataset.name),
    );
    assert.deepEqual(names, presetNames());
    assert.equal(await page.$('.error'), null, 'no error on the presets page');
    const listed = (await (await fetch(`${server.url}/api/presets`)).json()) as {
      presets: { name: string }[];
    };
    assert.deepEqual(
      listed.presets.map((p) => p.name),
      presetNames(),
    );
    for (const name of ['double-descent-rff', 'table3', 'memorization']) {
      await page.goto(`${server.url}/#/preset/${name}?scale=smoke`);
      await page.waitForSelector('#missing', { timeout: 60_000 });
      const runs = (await page.$$eval('#preset-runs tr', (trs) => trs.length)) as number;
      assert.match(
        (await page.textContent('#missing')) ?? '',
        new RegExp(`${runs} of ${runs} runs missing; make them with genlab run ${name} --scale smoke`),
      );
      assert.ok(runs > 1, `${name}: its runs planned`);
    }
    // A scale a preset does not offer: a dash, not a link.
    await page.goto(`${server.url}/#/presets`);
    await page.waitForSelector('#presets tbody tr');
    const cell = await page.$eval('#presets tr[data-name="memorization"] td[data-scale="full"]', (td) => ({
      links: td.querySelectorAll('a').length,
      text: td.textContent ?? '',
      title: td.getAttribute('title'),
    }));
    assert.deepEqual(
      { ...cell, title: cell.title?.split(':')[0] },
      { links: 0, text: '–', title: 'no full scale' },
    );
    assert.match(cell.title ?? '', /^no full scale: thousands of models/);
  } finally {
    page.off('pageerror', onError);
  }
  assert.deepEqual(errors, []);
});

test('a genlab fit started now appears and its epoch count rises without a reload', async () => {
  await page.goto(`${server.url}/#/runs`);
  await page.waitForSelector('#runs[data-ready="true"]');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  // Far more epochs than the page needs to watch: once it has seen the count rise twice, Ctrl-C stops
  // the fit at its next checkpoint, so no machine is fast enough to finish before the page looks.
  const child = spawn(
    process.execPath,
    [BIN, ...fitArgs(store.data, 'random', 5000, 'mlp-1x512'), '--out', store.root],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  try {
    const seen: number[] = [];
    let id: string | null = null;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && seen.length < 3) {
      id ??= await page.$$eval(
        '#runs tbody tr',
        (trs, known) => {
          const fresh = trs.map((t) => (t as HTMLElement).dataset.id).find((x) => x && !known.includes(x));
          return fresh ?? null;
        },
        store.ids,
      );
      if (id) {
        const n = Number((await cellText(id, 'epochs')) ?? NaN);
        if (Number.isFinite(n) && n !== seen.at(-1)) seen.push(n);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(id, 'the new run appeared in the table');
    assert.ok(seen.length >= 3, `the count rose while the page watched: ${seen.join(' → ')}`);
    assert.ok(
      seen.every((n, i) => i === 0 || n > seen[i - 1]),
      `the count only rises: ${seen.join(' → ')}`,
    );
    child.kill('SIGINT');
    assert.equal(await exited, 130, 'the fit stopped at its checkpoint (exit 130, resumable)');
    // The page follows to the last epoch the stopped run recorded.
    const last = new RunDir(path.join(store.root, id)).readMetrics().length;
    assert.ok(last < 5000 && last >= seen.at(-1)!, `recorded ${last} epochs`);
    await until(
      `the page to show ${last} epochs`,
      async () => Number(await cellText(id!, 'epochs')) === last,
      30_000,
    );
    assert.equal(Number(await cellText(id, 'epochs')), last);
    assert.equal(
      await page.evaluate(() => (window as unknown as { marker: number }).marker),
      42,
      'no reload',
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
});

test('1,000 runs: the runs page is usable (rows drawn, sorted by a click) and the time is measured', async () => {
  const root = tempDir('genlab-serve-1000-');
  const labels = ['true', 'random', 'corrupted:0.2', 'corrupted:0.5'];
  for (let i = 0; i < 1000; i++) {
    const run = new RunDir(path.join(root, `mlp-1x512_cifar10_run-${String(i).padStart(4, '0')}`));
    const info = { model: 'mlp-1x512', dataset: 'cifar10', labels: labels[i % 4], inputs: 'true' };
    run.create({
      model: { name: info.model },
      dataset: { name: info.dataset },
      randomization: { labels: info.labels, inputs: info.inputs },
    });
    run.writeSummary({
      ...info,
      run: run.id,
      dir: run.dir,
      status: i % 10 ? 'complete' : 'diverged',
      params: 1_578_506,
      trainSize: 50_000,
      epochs: 1 + (i % 50),
      steps: 100 * i,
      stepsToFit: i % 3 ? 50 * i : null,
      epochsToFit: null,
      trainAcc: (i % 97) / 96,
      testAcc: (i % 89) / 100,
      bestTestAcc: 0.5,
      bestTestEpoch: 1,
      labelChangedFraction: 0,
      diverged: false,
      divergedReason: null,
      wallSeconds: 1,
      examplesPerSecond: 1,
    });
  }
  const big = new RunStore(root);
  assert.equal(big.reindex(), 1000);
  big.close();
  const s = await listen(root);
  try {
    // In the page's own clock: from navigation start to the table drawn (its mark), five fresh loads.
    const drawnMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto('about:blank');
      await page.goto(`${s.url}/#/runs`);
      await page.waitForSelector('#runs[data-ready="true"]');
      drawnMs.push(await page.evaluate(() => performance.getEntriesByName('genlab:runs-ready')[0].startTime));
    }
    // Measured and printed, not a pass/fail bound (timing belongs in bench/): the aim is 1 s, and the
    // README gives what it printed here (about 0.5 s; 3.1 s before the table's own query and early fetch).
    const drawn = [...drawnMs].sort((a, b) => a - b)[2];
    const sortMs = await page.evaluate(() => {
      const t0 = performance.now();
      (document.querySelector('#runs th[data-key="trainAcc"]') as HTMLElement).click();
      void (document.querySelector('#runs') as HTMLElement).offsetHeight; // layout included
      return performance.now() - t0;
    });
    assert.equal(await page.textContent('#count'), '200 runs shown of 1000 (1000 of 1000 runs match)');
    assert.equal(await page.$eval('#runs tbody tr td[data-col="trainAcc"]', (td) => td.textContent), '0.0%');
    await page.click('#more');
    assert.equal(await page.$$eval('#runs tbody tr', (trs) => trs.length), 400);
    await page.fill('input[type=search]', 'run-0999');
    assert.equal(await page.textContent('#count'), '1 of 1000 runs');
    console.log(
      `serve: 1,000 runs: table drawn ${drawn.toFixed(0)} ms after navigation start (median of ${drawnMs.map((x) => x.toFixed(0)).join(', ')}), a sort ${sortMs.toFixed(0)} ms (in the page's clock)`,
    );
  } finally {
    await s.app.close();
    rmSync(root, { recursive: true, force: true });
  }
});

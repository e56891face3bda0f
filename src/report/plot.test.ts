// Tests for the figure machinery: SVG content, PNG size, downsampling and atomic writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePngSize } from './png.js';
import { barChart, downsample, lineChart, MAX_POINTS, writeFigure } from './plot.js';
import { textWidth } from './text-metrics.js';

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  assert.ok(m, 'svg has width and height');
  return { width: Math.round(Number(m[1])), height: Math.round(Number(m[2])) };
}

test('downsample leaves short series alone and bucket-averages long ones', () => {
  assert.deepEqual(downsample([1, 2], [3, 4]), { x: [1, 2], y: [3, 4] });
  const x = Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual(downsample(x, x, 5), { x: [0.5, 2.5, 4.5, 6.5, 8.5], y: [0.5, 2.5, 4.5, 6.5, 8.5] });
  assert.throws(() => downsample([1], []), {
    message: 'plot: series x and y differ in length; expected equal, got 1 and 0',
  });
});

test("lineChart draws titles, legend and a PNG of the SVG's size", async () => {
  const n = 20_000;
  const x = Array.from({ length: n }, (_, i) => i);
  const fig = await lineChart({
    title: 'Loss vs steps',
    xLabel: 'training steps',
    yLabel: 'average loss',
    series: [
      { name: 'true labels', x, y: x.map((i) => 2.3 * Math.exp(-i / 2000)) },
      { name: 'random labels', x, y: x.map((i) => 2.3 * Math.exp(-i / 8000)) },
    ],
  });
  for (const text of ['Loss vs steps', 'training steps', 'average loss', 'true labels', 'random labels']) {
    assert.ok(fig.svg.includes(text), `svg mentions "${text}"`);
  }
  assert.deepEqual(decodePngSize(fig.png), svgSize(fig.svg));
  // Downsampled: the path data holds far fewer than 20,000 points per line.
  assert.ok(fig.svg.length < n * 2 * 10, `svg is ${fig.svg.length} chars`);
  assert.ok(MAX_POINTS <= 1000);
});

test('lineChart handles log axes, a fixed y domain and non-finite values', async () => {
  const fig = await lineChart({
    title: 'log',
    xLabel: 'p',
    yLabel: 'error',
    logX: true,
    logY: true,
    yDomain: [0.01, 10],
    points: true,
    series: [{ name: 's', x: [1, 10, 100, 0], y: [1, Number.NaN, 0.1, 1] }],
  });
  assert.ok(fig.svg.includes('error'));
  assert.ok(decodePngSize(fig.png).width > 100);
});

test('lineChart marks vertical rules with their labels, on log axes too', async () => {
  const spec = {
    title: 'double descent',
    xLabel: 'parameters',
    yLabel: 'test error (%)',
    logX: true,
    series: [{ name: 'p = 0', x: [100, 1000, 10000], y: [30, 40, 20] }],
  };
  const plain = await lineChart(spec);
  const marked = await lineChart({
    ...spec,
    markers: [
      { x: 1000, label: 'n × classes' },
      { x: -1, label: 'not drawn on a log axis' },
    ],
  });
  assert.ok(marked.svg.includes('n × classes'));
  assert.ok(!marked.svg.includes('not drawn'));
  assert.ok(marked.svg.includes('stroke-dasharray="6,4"'));
  assert.ok(!plain.svg.includes('stroke-dasharray'));
  assert.deepEqual(decodePngSize(marked.png), svgSize(marked.svg));
});

test('lineChart draws bands and thin seed lines in their series colour, with one legend entry each', async () => {
  const spec = { title: 'seeds', xLabel: 'p', yLabel: 'error' };
  const plain = await lineChart({ ...spec, series: [{ name: 'mean of 3', x: [0, 1], y: [10, 90] }] });
  const spread = await lineChart({
    ...spec,
    series: [
      {
        name: 'mean of 3',
        x: [0, 0.5, 1],
        y: [10, 50, 90],
        band: { lo: [8, 45, 88], hi: [12, 55, 92] },
        seeds: [
          { x: [0, 1], y: [8, 88] },
          { x: [0, 1], y: [12, 92] },
        ],
      },
    ],
  });
  assert.ok(!plain.svg.includes('opacity="0.18"'));
  assert.ok(spread.svg.includes('opacity="0.18"'), 'a shaded band');
  assert.equal(spread.svg.match(/stroke-width="0.8"/g)?.length, 2, 'two thin lines');
  assert.equal(spread.svg.match(/>mean of 3</g)?.length, 1, 'one legend entry');
  assert.deepEqual(decodePngSize(spread.png), svgSize(spread.svg));
  await assert.rejects(
    lineChart({ ...spec, series: [{ name: 'b', x: [1, 2], y: [1, 2], band: { lo: [1], hi: [1, 2] } }] }),
    { message: 'lineChart: series "b" has x and band.lo of different lengths; expected equal, got 2 and 1' },
  );
  await assert.rejects(
    lineChart({ ...spec, series: [{ name: 's', x: [1], y: [1], seeds: [{ x: [1, 2], y: [1] }] }] }),
    {
      message:
        'lineChart: series "s" has a seed line\'s x and y of different lengths; expected equal, got 2 and 1',
    },
  );
});

test('lineChart rejects mismatched series', async () => {
  await assert.rejects(
    lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'bad', x: [1, 2], y: [1] }] }),
    {
      message: 'lineChart: series "bad" has x and y of different lengths; expected equal, got 2 and 1',
    },
  );
});

test('barChart draws groups and series', async () => {
  const fig = await barChart({
    title: 'Test accuracy',
    xLabel: 'model',
    yLabel: 'accuracy (%)',
    bars: [
      { group: 'Inception', series: 'genlab', value: 85 },
      { group: 'Inception', series: 'paper', value: 89.05 },
      { group: 'MLP 1x512', series: 'genlab', value: 50 },
      { group: 'MLP 1x512', series: 'paper', value: 50.39 },
    ],
  });
  for (const text of ['Test accuracy', 'Inception', 'MLP 1x512', 'genlab', 'paper'])
    assert.ok(fig.svg.includes(text), text);
  assert.deepEqual(decodePngSize(fig.png), svgSize(fig.svg));
});

test('writeFigure writes both files and leaves no temp files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'genlab-report-'));
  try {
    const fig = { svg: "<svg xmlns='http://www.w3.org/2000/svg'/>", png: Buffer.from([1, 2, 3]) };
    const paths = await writeFigure(join(dir, 'sub'), 'fig1a', fig);
    assert.equal(await readFile(paths.svg, 'utf8'), fig.svg);
    assert.deepEqual(await readFile(paths.png), fig.png);
    assert.deepEqual((await readdir(join(dir, 'sub'))).sort(), ['fig1a.png', 'fig1a.svg']);
    await assert.rejects(writeFigure(dir, '../x', fig), /writeFigure: bad basename/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('textWidth uses DejaVu Sans advances', () => {
  assert.equal(textWidth('0000', 10), 4 * 6.36);
  assert.ok(textWidth('Loss', 13, true) > textWidth('Loss', 13));
  assert.ok(Math.abs(textWidth('é', 10) - 6.2) < 1e-9);
});

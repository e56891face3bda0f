// double-descent-rff end to end at smoke scale: genlab run stores twelve random-features runs, genlab report draws the peak at N = n.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { liveTensors } from '../../src/engine/index.js';
import { genlabInProcess } from '../support/cli-in-process.js';
import { decodePngSize } from '../../src/report/png.js';
import { tempDir } from '../support/temp.js';

const genlab = (args: string[]) => genlabInProcess(args);

test('genlab run/report double-descent-rff --scale smoke: min-norm fits on N features, the figure with N = n marked', async () => {
  const root = tempDir('genlab-rff-');
  const before = liveTensors();
  try {
    const run = await genlab(['run', 'double-descent-rff', '--scale', 'smoke', '--out', root]);
    assert.equal(run.code, 0, run.err);
    assert.equal(run.err.match(/: complete in /g)?.length, 12, run.err);
    // N ≥ n interpolates the training labels, noisy ones included.
    assert.match(
      run.err,
      /count=150 labels=corrupted:0\.2: complete in .*: N = 150, n = 100: test error [\d.]+%, train 0\.00%/,
    );

    const report = await genlab([
      'report',
      'double-descent-rff',
      '--scale',
      'smoke',
      '--out',
      root,
      '--json',
    ]);
    assert.equal(report.code, 0, report.err);
    const files = JSON.parse(report.out) as {
      missing: string[];
      figures: { png: string; svg: string }[];
      tables: { title: string; columns: string[]; rows: string[][]; notes?: string[] }[];
    };
    assert.deepEqual(files.missing, []);
    assert.deepEqual(
      files.figures.map((f) => path.basename(f.png)),
      ['double-descent-rff.png', 'double-descent-rff-norm.png'],
    );
    for (const f of files.figures) assert.ok(decodePngSize(readFileSync(f.png)).width > 100);
    assert.match(readFileSync(files.figures[0].svg, 'utf8'), /N = n = 100/);
    const [peaks, perRun, claims] = files.tables;
    assert.equal(peaks.rows.length, 2); // 0 and 20% label noise
    // The peak's row states Φ's rank, its condition number and the training error at N = n: full rank, and
    // cond(Φ) past the Gram route's 10³, so those two runs (and only those) took the SVD route.
    const col = (name: string) => peaks.columns.indexOf(name);
    for (const row of peaks.rows) {
      assert.equal(row[col('rank of Φ nearest N = n')], 100);
      assert.ok(Number(row[col('cond(Φ) nearest N = n')]) > 1e3, String(row));
      assert.equal(row[col('train error % nearest N = n')], '0.00');
    }
    assert.match(peaks.notes?.join(' ') ?? '', /gelsd.*here 2 of 12 runs/);
    assert.equal(perRun.rows.length, 12);
    assert.equal(claims.title, "The paper's claims, measured here");
    assert.equal(claims.rows.length, 6);
    assert.ok(
      claims.rows.every((r) => r[2] !== '—'),
      JSON.stringify(claims.rows),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.equal(liveTensors(), before, 'live tensors after the runs');
});

test('double-descent-rff --seeds 2: each N run twice with its seed moved, reported per cell; the book finds the seeds', async () => {
  const root = tempDir('genlab-rff-seeds-');
  const before = liveTensors();
  const smoke = ['double-descent-rff', '--scale', 'smoke', '--seeds', '2', '--out', root];
  const run = await genlab(['run', ...smoke]);
  assert.equal(run.code, 0, run.err);
  assert.equal(run.err.match(/: complete in /g)?.length, 24, run.err);
  assert.match(run.err, /count=150 labels=corrupted:0\.2 seed 2\/2: complete in /);
  assert.match(run.err, /next: genlab report double-descent-rff --scale smoke --seeds 2 --out /);

  // The report finds the two seeds in the store without --seeds.
  const report = await genlab([
    'report',
    ...smoke.filter((a, i) => a !== '--seeds' && smoke[i - 1] !== '--seeds'),
    '--json',
  ]);
  assert.equal(report.code, 0, report.err);
  const files = JSON.parse(report.out) as {
    missing: string[];
    tables: { columns: string[]; rows: string[][]; notes: string[] }[];
    claims: { verdict: string }[];
  };
  assert.deepEqual(files.missing, []);
  const [peaks, perN] = files.tables;
  assert.equal(perN.rows.length, 12, 'one row per N and noise level');
  assert.equal(perN.columns[perN.columns.length - 1], 'seeds');
  assert.ok(perN.rows.every((r) => r[r.length - 1] === '2'));
  assert.match(perN.rows[0][4], /^[\d.]+ \([\d.]+–[\d.]+\)$/, 'two seeds: the mean (min–max)');
  assert.ok(peaks.notes.some((n) => n.includes('the mean over its 2 seeds')));
  assert.equal(files.claims.length, 6);

  const book = await genlab(['book', '--out', root, '--dir', path.join(root, 'book'), '--json']);
  assert.equal(book.code, 0, book.err);
  const sections = (
    JSON.parse(book.out) as { sections: { preset: string; seeds: number; commands: string[] }[] }
  ).sections;
  assert.deepEqual(
    sections.map((s) => [s.preset, s.seeds]),
    [['double-descent-rff', 2]],
  );
  assert.match(sections[0].commands[0], /^genlab run double-descent-rff --scale smoke --out .* --seeds 2$/);
  assert.match(sections[0].commands[1], /^genlab report double-descent-rff --scale smoke --seeds 2 --out /);
  assert.equal(liveTensors(), before, 'live tensors after the runs');
});

test('random-features options: bad values name the key; an unknown feature map gets a did-you-mean', async () => {
  const root = tempDir('genlab-rff-bad-');
  try {
    const bad = await genlab([
      'run',
      'double-descent-rff',
      '--scale',
      'smoke',
      '--out',
      root,
      '--set',
      'features.map=relux',
    ]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.err,
      /^genlab run: --set features\.map: unknown value "relux"; expected one of relu, fourier; did you mean "relu"\?/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// genlab demo at a reduced size: five runs fitted, figure and tables written, table printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { decodePngSize } from '../../src/report/png.js';
import { tempDir } from '../support/temp.js';

test('the demo fits all five variants of Figure 1a and writes PNG, SVG, Markdown and HTML', () => {
  const data = writeSyntheticMnist({ train: 400, test: 200, side: 10 });
  const out = tempDir('genlab-demo-');
  const args = [
    'demo',
    '--dataset',
    'mnist',
    '--data-dir',
    data,
    '--train-size',
    '200',
    '--test-size',
    '100',
    '--model',
    'mlp-1x256',
    '--out',
    out,
  ];
  const r = spawnSync(process.execPath, [path.resolve('bin/genlab.js'), ...args, '--json'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    runs: { labels: string; inputs: string; trainAcc: number }[];
    files: Record<string, string>;
  };
  assert.deepEqual(
    j.runs.map((s) => `${s.labels}/${s.inputs}`),
    ['true/true', 'random/true', 'true/shuffled-pixels', 'true/random-pixels', 'true/gaussian'],
  );
  assert.ok(
    j.runs.every((s) => s.trainAcc === 1),
    'every variant fitted',
  );
  const png = decodePngSize(readFileSync(j.files.png));
  assert.ok(png.width > 300 && png.height > 200);
  assert.match(readFileSync(j.files.svg, 'utf8'), /random labels/);
  assert.match(readFileSync(j.files.markdown, 'utf8'), /\| Gaussian +\| +100\.00% \|/);
  assert.match(readFileSync(j.files.html, 'utf8'), /<table/);

  const again = spawnSync(process.execPath, [path.resolve('bin/genlab.js'), ...args], { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /\| random labels +\| +100\.00% \|/);
  assert.equal(
    (again.stderr.match(/already in the run store/g) ?? []).length,
    5,
    'a second demo reuses the five runs',
  );
});

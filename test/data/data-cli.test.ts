// genlab data end to end: text and --json output, PNG grids and artifact on disk, bad input exits 2 with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Rng, liveTensors } from '../../src/engine/index.js';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/command.js';
import { encodeIdx } from '../../src/data/idx.js';
import { decodePngSize } from '../../src/report/png.js';
import { loadArtifact } from '../../src/randomize/index.js';
import { tempDir } from '../support/temp.js';

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    out: (t: string) => {
      io.stdout += t;
    },
    err: (t: string) => {
      io.stderr += t;
    },
  };
  return io;
}

/** An MNIST-layout directory of 12×12 images, labels cycling through 0..9. */
function mnistDir(n: number, m: number): string {
  const rng = new Rng(1);
  const dir = tempDir('genlab-data-cli-');
  const px = (k: number): Uint8Array => Uint8Array.from({ length: k * 144 }, () => rng.int(256));
  const lb = (k: number): Uint8Array => Uint8Array.from({ length: k }, (_, i) => i % 10);
  writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), encodeIdx([n, 12, 12], px(n)));
  writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([n], lb(n)));
  writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), encodeIdx([m, 12, 12], px(m)));
  writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([m], lb(m)));
  return dir;
}

test('genlab data --json: sizes, shape, classes, fraction changed; PNGs and the artifact are written', async () => {
  const before = liveTensors();
  const dir = mnistDir(400, 50);
  const out = tempDir('genlab-data-out-');
  const io = capture();
  const code = await main(
    [
      'data',
      '--dataset',
      'mnist',
      '--data-dir',
      dir,
      '--labels',
      'corrupted:0.5',
      '--corruption',
      'wrong-class',
      '--inputs',
      'random-pixels',
      '--train-size',
      '200',
      '--randomization-seed',
      '4',
      '--out',
      out,
      '--json',
    ],
    io,
  );
  assert.equal(code, 0, io.stderr);
  const r = JSON.parse(io.stdout) as Record<string, unknown>;
  assert.equal(r.trainSize, 200);
  assert.equal(r.testSize, 50);
  assert.deepEqual(r.shape, [1, 12, 12]);
  assert.equal((r.classes as string[]).length, 10);
  assert.ok(Math.abs((r.labelChangedFraction as number) - 0.5) < 0.12);
  assert.equal(r.expectedLabelChangedFraction, 0.5);
  const h = r.histogram as Record<string, number[]>;
  assert.deepEqual(
    h.trainBefore.reduce((a, b) => a + b),
    200,
  );
  assert.deepEqual(h.test, Array(10).fill(5));
  for (const f of ['before.png', 'after.png']) {
    assert.deepEqual(decodePngSize(readFileSync(path.join(out, f))), {
      width: 8 * 26 + 2,
      height: 10 * 26 + 2,
    });
  }
  const a = loadArtifact(out);
  assert.equal(a.labelChangedFraction, r.labelChangedFraction);
  assert.equal(a.spec.seed, 4);
  assert.equal(liveTensors(), before);
});

test('genlab data prints counts, the label histogram and the fraction changed', async () => {
  const io = capture();
  const code = await main(
    [
      'data',
      '--dataset',
      'mnist',
      '--data-dir',
      mnistDir(100, 20),
      '--labels',
      'random',
      '--out',
      tempDir('genlab-o-'),
    ],
    io,
  );
  assert.equal(code, 0, io.stderr);
  assert.match(io.stdout, /^mnist from .*\ntrain 100, test 20, shape \[1, 12, 12\], 10 classes\n/);
  assert.match(io.stdout, /randomization: labels random \(uniform\), inputs true, seed 0; test set: clean\n/);
  assert.match(io.stdout, /labels changed: \d+\.\d\d% of train \(expected 90\.00%\)\n/);
  assert.match(io.stdout, /\n0 +10 +\d+ +2\n/);
});

test('genlab data: bad input is one line on stderr and exit code 2', async () => {
  const cases: [string[], string][] = [
    [
      ['--dataset', 'mnist'],
      'data: mnist needs --data-dir DIR; download them from http://yann.lecun.com/exdb/mnist/ and pass --data-dir\n',
    ],
    [
      ['--dataset', 'fashion-mnist', '--data-dir', '/nonexistent'],
      "/nonexistent: directory not found; expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each raw or .gz); install Debian's dataset-fashion-mnist (apt install dataset-fashion-mnist) or pass --data-dir\n",
    ],
    [
      ['--inputs', 'shuffled-pixel'],
      'genlab data: --inputs: unknown value "shuffled-pixel"; expected one of true, shuffled-pixels, random-pixels, gaussian; did you mean "shuffled-pixels"?\n',
    ],
    [
      ['--labels', 'corrupted:2'],
      'genlab data: --labels: bad corruption level "2"; expected a number in [0, 1], e.g. corrupted:0.2\n',
    ],
  ];
  for (const [argv, message] of cases) {
    const io = capture();
    assert.equal(await main(['data', ...argv], io), 2, argv.join(' '));
    assert.equal(io.stderr, message);
  }
});

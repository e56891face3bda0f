// The CLI's answers to bad input: one line naming the flag, what was expected and what was found; exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { genlabInProcess } from '../support/cli-in-process.js';
import { tempDir } from '../support/temp.js';

const run = (args: string[]) => genlabInProcess(args);

const cases: [string[], string][] = [
  [['fit', '--lr', 'abc'], 'genlab fit: --lr: expected a number, got "abc"\n'],
  [['fit', '--epochs', '0'], 'genlab fit: --epochs: expected an integer ≥ 1, got 0\n'],
  [['fit', '--batch-size', '12.5'], 'genlab fit: --batch-size: expected an integer, got "12.5"\n'],
  [['fit', '--learning-rate', '0.1'], 'genlab fit: unknown flag --learning-rate; see genlab fit --help\n'],
  [
    ['fit', '--epoch', '3'],
    'genlab fit: unknown flag --epoch; see genlab fit --help; did you mean "--epochs"?\n',
  ],
  [
    ['fit', '--model', 'alexnet-smal'],
    'genlab fit: --model: unknown model "alexnet-smal"; expected one of mlp-1x512, mlp-3x512, alexnet-small, inception-small, inception-small-nobn, mlp-DEPTHxWIDTH; did you mean "alexnet-small"?\n',
  ],
  [
    ['fit', '--inputs', 'random-pixel'],
    'genlab fit: --inputs: unknown value "random-pixel"; expected one of true, shuffled-pixels, random-pixels, gaussian; did you mean "random-pixels"?\n',
  ],
  [
    ['fit', '--augment', 'crop,flips'],
    'genlab fit: --augment: unknown item "flips"; expected items from crop, flip, brightness, contrast, saturation, hue; did you mean "flip"?\n',
  ],
  [['fit', '--lr'], 'genlab fit: --lr: expected a value (X), got nothing\n'],
  [['fti'], 'genlab: unknown command "fti"; expected one of demo, fit, runs, models, info, data, bench'],
  [['models', '--input', '3x28'], 'genlab models: --input: expected CxHxW like 3x28x28, got "3x28"\n'],
  [['runs', '--out', ''], '--out: expected a directory, got "" (an empty path is not the current one)\n'],
  // Theory flags take what their options take: the schema's bounds, in its words, before any store is opened.
  [['minnorm', '--lr', '0'], 'genlab minnorm: lr: expected a positive number or null, got 0\n'],
  [['kernel', '--gamma', '-1'], 'genlab kernel: gamma: expected a positive number or null, got -1\n'],
];

for (const [args, message] of cases) {
  test(`genlab ${args.join(' ')} → exit 2 with a clear message`, async () => {
    const r = await run(args);
    assert.equal(r.code, 2);
    assert.ok(r.err.startsWith(message), `got: ${r.err}`);
    assert.equal(r.out, '');
  });
}

test('bad --labels is named with the flag', async () => {
  const r = await run(['fit', '--labels', 'corrupted:1.5']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^genlab fit: .*labels.*1\.5/);
});

test('--help teaches: usage, examples and every flag with its default', async () => {
  const r = await run(['fit', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^Usage: genlab fit /);
  assert.match(r.out, /Examples:/);
  assert.match(r.out, /--lr-decay X\s+.*\(default: 0\.95\)/);
  assert.match(r.out, /--resume RUN/);
});

test('genlab models --json lists Table 1 counts', async () => {
  const r = await run(['models', '--json']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out) as { models: { name: string; params: number; matchesPaper: boolean }[] };
  assert.deepEqual(
    j.models.map((m) => m.params),
    [1209866, 1735178, 1387786, 1649402, 1649402],
  );
  assert.ok(j.models.every((m) => m.matchesPaper));
});

test("genlab info says genlab's kernels run on libtorch's OpenMP threads (Debian's libtorch links libgomp)", async (t) => {
  if (process.env.LIBTORCH) return t.skip('built against $LIBTORCH, which may have no OpenMP runtime');
  // scripts/torch-config.cjs compiles the addon with -fopenmp when libtorch_cpu names an OpenMP
  // runtime; without it at::parallel_for runs serially and the kernels ignore --threads.
  const r = await run(['info', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { parallelKernels: boolean; kernelSimd: string };
  assert.equal(j.parallelKernels, true);
  // The copy of the kernels' loops the loader picked (target_clones): one of three on x86-64.
  if (process.arch === 'x64') assert.match(j.kernelSimd, /^(AVX-512|AVX2|SSE2)$/);
  assert.match(
    (await run(['info'])).out,
    new RegExp(`^genlab's kernels: on libtorch's threads \\(OpenMP\\), ${j.kernelSimd}$`, 'm'),
  );
});

test('a bad GENLAB_CPU_SGEMM is named, with the values it takes', async () => {
  process.env.GENLAB_CPU_SGEMM = 'openblas';
  try {
    const r = await run(['info']);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'GENLAB_CPU_SGEMM: expected "oneDNN" or "libtorch", got "openblas"\n');
  } finally {
    delete process.env.GENLAB_CPU_SGEMM;
  }
});

test('genlab memorization: an unwritable --report-dir fails before any model is trained', async () => {
  const root = tempDir('genlab-memo-report-');
  const file = path.join(root, 'a-file');
  writeFileSync(file, '');
  const out = path.join(root, 'runs');
  const r = await run([
    'memorization',
    '--scale',
    'smoke',
    '--out',
    out,
    '--report-dir',
    path.join(file, 'r'),
  ]);
  assert.equal(r.code, 2);
  assert.equal(
    r.err,
    `genlab memorization: --report-dir ${file}/r: cannot write there (ENOTDIR); expected a folder genlab can write\n`,
  );
  assert.ok(!existsSync(out), 'no store made, no model trained');
});

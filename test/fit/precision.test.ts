// --precision bf16 end to end: a run of its own (fp32 ids unchanged), trained under CPU autocast and recorded so;
// refused in one line where the CPU has no native bfloat16 (GENLAB_CPU_BF16=0 simulates one).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { genlabInProcess } from '../support/cli-in-process.js';
import { writeSyntheticMnist } from '../support/synthetic-data.js';
import { tempDir } from '../support/temp.js';

const data = writeSyntheticMnist({ train: 256, test: 64 });
const fit = (out: string, ...more: string[]) => [
  ...['fit', '--dataset', 'mnist', '--data-dir', data, '--model', 'mlp-1x16', '--epochs', '2'],
  ...['--out', out, '--json', ...more],
];
const runsIn = (dir: string) => readdirSync(dir).filter((d) => d.startsWith('mlp-'));

test('bf16: a run of its own beside fp32, trained in bf16 and recorded so', async () => {
  const out = tempDir('genlab-bf16-');
  const native = { GENLAB_CPU_BF16: '1' }; // the same numbers on any CPU; only the speed needs the flag
  const fp = await genlabInProcess(fit(out), native);
  assert.equal(fp.code, 0, fp.err);
  const bf = await genlabInProcess(fit(out, '--precision', 'bf16'), native);
  assert.equal(bf.code, 0, bf.err);
  const [a, b] = [JSON.parse(fp.out), JSON.parse(bf.out)];
  assert.doesNotMatch(a.run, /bf16/);
  assert.match(b.run, /_bf16_[0-9a-f]{10}$/);
  const config = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  assert.equal(config(a.dir).train.precision, undefined, 'fp32 is left out of the config: old ids stay');
  assert.equal(config(b.dir).train.precision, 'bf16');
  const firstLoss = (dir: string) =>
    JSON.parse(readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n')[0]).trainLoss;
  assert.ok(Number.isFinite(firstLoss(b.dir)));
  assert.notEqual(firstLoss(b.dir), firstLoss(a.dir), 'bf16 computes its own numbers');
  assert.equal(b.epochs, 2);
  // fp32 given in words is the fp32 run, not a third one
  const again = await genlabInProcess(fit(out, '--precision', 'fp32'), native);
  assert.equal(JSON.parse(again.out).run, a.run);
  assert.equal(runsIn(path.dirname(a.dir)).length, 2);
});

test('bf16 on a CPU without native bfloat16: fit, run and bench engine refuse in one line, nothing stored', async () => {
  const out = tempDir('genlab-bf16-no-');
  const none = { GENLAB_CPU_BF16: '0' };
  const r = await genlabInProcess(fit(out, '--precision', 'bf16'), none);
  assert.equal(r.code, 2);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(
    r.err,
    /train\.precision: bf16 needs a CPU with native bfloat16 and this one has none \(GENLAB_CPU_BF16=0 \(set in the environment\)\); emulated it is slower than fp32, so use fp32/,
  );
  assert.ok(
    !existsSync(out) || !readdirSync(out, { recursive: true }).some((f) => String(f).includes('bf16')),
    'no run left',
  );
  const bench = await genlabInProcess(['bench', 'engine', '--precision', 'bf16'], none);
  assert.equal(bench.code, 2);
  assert.match(
    bench.err,
    /genlab bench engine: --precision: bf16 needs a CPU with native bfloat16 and this one has none \(GENLAB_CPU_BF16=0/,
  );
  const info = await genlabInProcess(['info', '--json'], none);
  assert.deepEqual(JSON.parse(info.out).bf16, {
    native: false,
    why: 'GENLAB_CPU_BF16=0 (set in the environment)',
  });
  const text = await genlabInProcess(['info'], none);
  assert.match(text.out, /^bf16 \(--precision bf16\): not native, refused \(GENLAB_CPU_BF16=0/m);
  const bad = await genlabInProcess(fit(out, '--precision', 'fp16'));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--precision.*fp16.*fp32, bf16/);
});

test("a report of a preset with --set says so beside the paper's differences and in its command", async () => {
  const out = tempDir('genlab-bf16-report-');
  const r = await genlabInProcess([
    ...['report', 'fig1a', '--scale', 'smoke', '--out', out, '--set', 'train.precision=bf16'],
    ...['--report-dir', path.join(out, 'report')],
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.err,
    /make them with: genlab run fig1a --scale smoke --out \S+ --set train\.precision=bf16\n/,
  );
  const md = readFileSync(path.join(out, 'report', 'fig1a.md'), 'utf8');
  assert.match(md, /• train\.precision = "bf16" in every run \(set on the command line\), not the preset's/);
  assert.match(md, /Make them with `genlab run fig1a --scale smoke --out \S+ --set train\.precision=bf16`/);
});

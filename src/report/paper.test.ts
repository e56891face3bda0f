// Internal checks on the transcribed paper numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chanceError,
  KERNEL_RESULTS,
  MODEL_LABEL,
  PARAM_COUNTS,
  RANDOM_LABELS_REGULARIZED,
  TABLE1,
  TABLE2_IMAGENET,
  table1Row,
} from './paper.js';

test('Table 1 has 19 rows, 5 of them random labels, each with a source', () => {
  assert.equal(TABLE1.length, 19);
  assert.equal(TABLE1.filter((r) => r.labels === 'random').length, 5);
  for (const r of TABLE1) {
    assert.equal(r.source, 'Table 1');
    assert.ok(r.train >= r.test && r.train <= 100 && r.test > 0, `${r.model}: ${r.train} / ${r.test}`);
    assert.equal(r.crop === null, r.labels === 'random');
  }
  // Random labels test at chance (10%) give or take a point.
  for (const r of TABLE1.filter((x) => x.labels === 'random')) assert.ok(Math.abs(r.test - 10) < 1);
});

test("Table 1 lookups find the paper's cells", () => {
  assert.equal(table1Row('inception-small', 'true', true, true)?.test, 89.05);
  assert.equal(table1Row('mlp-1x512', 'random')?.train, 99.34);
  assert.equal(table1Row('alexnet-small', 'true', false, false)?.test, 76.07);
  assert.equal(table1Row('mlp-1x512', 'true', true, false), undefined);
});

test('parameter counts cover every model and match §3', () => {
  assert.deepEqual(PARAM_COUNTS.map((p) => p.model).sort(), Object.keys(MODEL_LABEL).sort());
  assert.equal(PARAM_COUNTS.find((p) => p.model === 'mlp-1x512')?.params, 2352 * 512 + 512 + 512 * 10 + 10);
  assert.equal(PARAM_COUNTS.find((p) => p.model === 'mlp-3x512')?.params, 1_209_866 + 2 * (512 * 512 + 512));
});

test('ImageNet, appendix and kernel numbers are as transcribed', () => {
  assert.equal(TABLE2_IMAGENET.find((r) => r.setting === 'no regularizers')?.top1TestEarlyStopping, 63.16);
  const alex = RANDOM_LABELS_REGULARIZED.find((r) => r.model === 'alexnet-small');
  assert.deepEqual([alex?.converged, alex?.train], [false, null]);
  assert.deepEqual(
    KERNEL_RESULTS.map((k) => k.testError),
    [1.2, 0.6, 46, 17, 15],
  );
  assert.deepEqual(
    KERNEL_RESULTS.filter((k) => k.norm !== null).map((k) => k.norm),
    [220, 390],
  );
  assert.equal(chanceError(10), 90);
});

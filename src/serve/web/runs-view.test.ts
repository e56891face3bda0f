// The runs page's filter and folded numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldNumbers, parseFilter, passes } from './runs-view.js';

const fields = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
    .toLowerCase();

const alexRandom = fields({
  'model.name': 'alexnet-small',
  'randomization.labels': 'random',
  'randomization.inputs': 'true',
  'train.lr': '0.01',
  'train.seed': '1',
});
const mlpCorrupted = fields({
  'model.name': 'mlp-1x512',
  'randomization.labels': 'corrupted:0.4',
  'randomization.inputs': 'true',
  'train.lr': '0.01',
  'train.seed': '0',
});
const row = 'complete fashion-mnist';

test('runs filter: key=value looks in the config field the key names; words anywhere', () => {
  const pick = (q: string) => [alexRandom, mlpCorrupted].map((f) => passes(parseFilter(q), row, f));
  assert.deepEqual(pick('model=alexnet-small labels=random'), [true, false]);
  assert.deepEqual(pick('labels=corrupted'), [false, true]); // a value contains the term
  assert.deepEqual(pick('Model=MLP'), [false, true]); // case does not matter
  assert.deepEqual(pick('train.seed=1'), [true, false]); // a whole key path
  assert.deepEqual(pick('seed=0'), [false, true]); // the last key: train.seed here
  assert.deepEqual(pick('lr=0.01 complete'), [true, true]); // a word matches the row
  assert.deepEqual(pick('alexnet'), [true, false]); // or a config value
  assert.deepEqual(pick('random'), [true, false]); // values only: both have randomization.* keys
  assert.deepEqual(pick('labels=random model=mlp'), [false, false]); // every term must hold
  assert.deepEqual(pick('depth=3'), [false, false]); // no such field
  assert.deepEqual(pick(''), [true, true]);
  assert.deepEqual(parseFilter('  a=b  c '), [
    { key: 'a', value: 'b' },
    { key: null, value: 'c' },
  ]);
  assert.deepEqual(parseFilter('=x'), [{ key: null, value: '=x' }]); // no key: a word
});

test('runs filter: a folded row takes the mean, min and max of the seeds that have a number', () => {
  assert.deepEqual(foldNumbers([0.5, null, 0.7, Number.NaN]), { mean: 0.6, min: 0.5, max: 0.7, count: 2 });
  assert.deepEqual(foldNumbers([null]), { mean: null, min: null, max: null, count: 0 });
  assert.deepEqual(foldNumbers([3]), { mean: 3, min: 3, max: 3, count: 1 });
});

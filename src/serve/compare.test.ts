// Compared runs are labelled by what differs between their configs, never by their run ids when something does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareConfigs } from './compare.js';

const config = (labels: string, inputs = 'true', seed = 0, lr = 0.01) => ({
  dataset: { name: 'cifar10', trainSize: 50000 },
  randomization: { labels, inputs, seed },
  model: { name: 'mlp-1x512' },
  train: { lr, seed, augment: [] },
});

test('fig1a variants: labels from the randomization, as the report names them', () => {
  const c = compareConfigs(
    ['a', 'b', 'c', 'd'],
    [config('true'), config('random'), config('true', 'gaussian'), config('corrupted:0.4')],
  );
  assert.deepEqual(c.labels, ['true labels', 'random labels', 'Gaussian', 'corrupted labels (p = 0.4)']);
  assert.deepEqual(
    c.differing.map((f) => [f.key, f.values]),
    [
      ['randomization.inputs', ['true', 'true', 'gaussian', 'true']],
      ['randomization.labels', ['true', 'random', 'true', 'corrupted:0.4']],
    ],
  );
  assert.equal(c.same, 7);
});

test('seeds (their randomization seed implied) and other fields by name; identical labels made distinct', () => {
  const c = compareConfigs(['a', 'b'], [config('random', 'true', 0), config('random', 'true', 1, 0.1)]);
  assert.deepEqual(c.labels, ['lr=0.01, seed 0', 'lr=0.1, seed 1']);
  // Gaussian inputs with true or random labels: the paper names both "Gaussian"; the ids tell them apart.
  const twins = compareConfigs(
    ['x', 'y', 'z'],
    [config('true', 'gaussian'), config('random', 'gaussian'), null],
  );
  assert.deepEqual(twins.labels, ['Gaussian (x)', 'Gaussian (y)', 'z']);
  assert.deepEqual(
    twins.differing.map((f) => [f.key, f.values]),
    [['randomization.labels', ['true', 'random', null]]],
  );
});

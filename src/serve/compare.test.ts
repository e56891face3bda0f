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

test("seeds of one variant form a group, labelled without the seed; fig1a's variants are groups of their own", () => {
  const c = compareConfigs(
    ['r0', 't0', 'r1', 'g0', 't1', 'x'],
    [
      config('random', 'true', 0),
      config('true', 'true', 0),
      config('random', 'true', 1),
      config('true', 'gaussian', 0),
      config('true', 'true', 1),
      null,
    ],
  );
  assert.deepEqual(c.groups, [0, 1, 0, 2, 1, 3]);
  assert.deepEqual(c.groupLabels, ['random labels', 'true labels', 'Gaussian', 'x']);
  assert.deepEqual(c.labels.slice(0, 3), [
    'random labels, seed 0',
    'true labels, seed 0',
    'random labels, seed 1',
  ]);
  // Replicates move both seeds together (seedless, as --seeds makes them): the randomization's seed alone moved is
  // another draw under the same training seed, another configuration.
  const redrawn = { ...config('random'), randomization: { labels: 'random', inputs: 'true', seed: 7 } };
  assert.deepEqual(compareConfigs(['a', 'b'], [config('random'), redrawn]).groups, [0, 1]);
});

test('groups: seeds of a single configuration are counted; twins and other fields stay apart', () => {
  const seeds = compareConfigs(
    ['a', 'b', 'c'],
    [config('random', 'true', 0), config('random', 'true', 1), config('random', 'true', 2)],
  );
  assert.deepEqual([seeds.groups, seeds.groupLabels], [[0, 0, 0], ['3 seeds']]);
  const lr = compareConfigs(['a', 'b'], [config('random', 'true', 0), config('random', 'true', 0, 0.1)]);
  assert.deepEqual(
    [lr.groups, lr.groupLabels],
    [
      [0, 1],
      ['lr=0.01', 'lr=0.1'],
    ],
  );
  const twins = compareConfigs(
    ['x0', 'y0', 'x1', 'y1'],
    [
      config('true', 'gaussian', 0),
      config('random', 'gaussian', 0),
      config('true', 'gaussian', 1),
      config('random', 'gaussian', 1),
    ],
  );
  assert.deepEqual(
    [twins.groups, twins.groupLabels],
    [
      [0, 1, 0, 1],
      ['Gaussian (x0, x1)', 'Gaussian (y0, y1)'],
    ],
  );
});

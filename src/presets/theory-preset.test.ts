// Theory options and presets: defaults, error texts that name the key path, content-addressed ids, table3's plan.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseOptions, partialOf } from '../config/schema.js';
import { presetDir, SCALES } from './preset.js';
import {
  isTheoryPreset,
  loadAnyPreset,
  parseTheoryOverrides,
  parseTheoryPreset,
  planTheoryPreset,
  type TheoryPreset,
} from './theory-preset.js';
import { THEORY_EXPERIMENTS, theoryRunId } from '../experiments/theory/index.js';
import { KERNEL_OPTIONS } from '../experiments/theory/kernel.js';

const TABLE3_SMOKE = [
  'kernel_gaussian_fashion-mnist-200_labels-true_pixels_ridge0_045accb464',
  'kernel_gaussian_fashion-mnist-200_labels-true_pixels_ridge0.1_8036eb56d0',
  'kernel_gaussian_fashion-mnist-200_labels-true_gabor_ridge0_0a2892ca75',
  'kernel_gaussian_fashion-mnist-200_labels-true_gabor_ridge0.1_9f3d79be49',
  'kernel_gaussian_fashion-mnist-200_labels-true_random-conv_ridge0_825d03154c',
  'kernel_gaussian_fashion-mnist-200_labels-true_random-conv_ridge0.1_59c30b4666',
];

const bad = (value: unknown) => () => parseOptions(KERNEL_OPTIONS, value, 'genlab kernel');

test('kernel options: defaults filled in, errors name the key path', () => {
  const d = KERNEL_OPTIONS.parse({});
  assert.equal(d.dataset.trainSize, 10000);
  assert.equal(d.features.name, 'pixels');
  assert.equal(d.solver.name, 'auto');
  assert.equal(d.gamma, null);
  assert.throws(bad({ ridge: -1 }), { message: 'genlab kernel: ridge: expected a number ≥ 0, got -1' });
  assert.throws(bad({ dataset: { trainSize: 0 } }), {
    message: 'genlab kernel: dataset.trainSize: expected an integer ≥ 1 or null, got 0',
  });
  assert.throws(bad({ dataset: { trainSize: 2.5 } }), {
    message: 'genlab kernel: dataset.trainSize: expected an integer ≥ 1 or null, got 2.5',
  });
  assert.throws(bad({ features: { filterSize: 4 } }), {
    message: 'genlab kernel: features.filterSize: expected an odd size, got 4',
  });
  assert.throws(bad({ features: { nme: 'gabor' } }), {
    message:
      'genlab kernel: features: unknown key "nme"; expected one of name, scales, orientations, filters, filterSize, pool; did you mean "name"?',
  });
  assert.throws(bad({ kernel: 'gausian' }), {
    message:
      'genlab kernel: kernel: unknown value "gausian"; expected one of gaussian, laplacian, linear, polynomial; did you mean "gaussian"?',
  });
  assert.throws(bad({ dataset: { name: 'fashion-mnst' } }), {
    message:
      /^genlab kernel: dataset\.name: unknown data set "fashion-mnst"; expected one of .*; did you mean "fashion-mnist"\?$/,
  });
  assert.throws(bad({ labels: 'corrupted:2' }), {
    message: /^genlab kernel: labels: bad corruption level "2"; expected a number in \[0, 1\]/,
  });
  // A layer of a preset: any subset of keys, no defaults filled in.
  assert.deepEqual(parseOptions(partialOf(KERNEL_OPTIONS), { features: { name: 'gabor' } }, 'x'), {
    features: { name: 'gabor' },
  });
});

test('a theory run id is a content address: same options, same id; any option changed, another', () => {
  const e = THEORY_EXPERIMENTS.kernel;
  const a = KERNEL_OPTIONS.parse({ dataset: { trainSize: 2000 } });
  const b = KERNEL_OPTIONS.parse({ dataset: { trainSize: 2000, testSize: null }, ridge: 0 });
  assert.equal(theoryRunId(e, a), theoryRunId(e, b));
  assert.notEqual(theoryRunId(e, a), theoryRunId(e, { ...a, ridge: 0.1 }));
  assert.match(
    theoryRunId(e, a),
    /^kernel_gaussian_fashion-mnist-2000_labels-true_pixels_ridge0_[0-9a-f]{10}$/,
  );
});

function table3(): TheoryPreset {
  const p = loadAnyPreset('table3');
  assert.ok(isTheoryPreset(p));
  return p;
}

test('table3 plans six kernel runs at every scale, with the ids it planned when it was made', () => {
  const p = table3();
  for (const scale of SCALES) {
    const plan = planTheoryPreset(p, scale);
    assert.deepEqual(
      plan.map((r) => r.label),
      ['pixels', 'gabor', 'random-conv'].flatMap((f) => [`features=${f} ridge=0`, `features=${f} ridge=0.1`]),
    );
    assert.equal(new Set(plan.map((r) => r.id)).size, 6);
  }
  assert.deepEqual(
    planTheoryPreset(p, 'smoke').map((r) => r.id),
    TABLE3_SMOKE,
  );
});

test('--set on a theory preset: checked against the options schema; an axis narrows to its value', () => {
  const p = table3();
  const plan = planTheoryPreset(
    p,
    'smoke',
    parseTheoryOverrides(p, ['ridge=0', 'dataset.trainSize=50'], 'w'),
  );
  assert.equal(plan.length, 3);
  assert.ok(plan.every((r) => (r.options as { dataset: { trainSize: number } }).dataset.trainSize === 50));
  assert.throws(() => parseTheoryOverrides(p, ['ridge=x'], 'genlab run'), {
    message: 'genlab run: --set ridge: expected a number ≥ 0, got "x"',
  });
  assert.throws(() => parseTheoryOverrides(p, ['featurs.name=gabor'], 'genlab run'), {
    message:
      /^genlab run: --set: options: unknown key "featurs"; expected one of .*; did you mean "features"\?$/,
  });
  assert.throws(() => parseTheoryOverrides(p, ['features=gabor'], 'genlab run'), {
    message:
      'genlab run: --set: "features" is a section; expected a key inside it, one of name, scales, orientations, filters, filterSize, pool',
  });
});

test('theory preset documents: errors name the file and the key path', () => {
  interface Doc {
    [k: string]: unknown;
    grid: Record<string, unknown[]>;
    scales: Record<string, { options: { dataset: Record<string, unknown> } }>;
  }
  const where = 'presets/table3.json';
  const parse = (mutate: (d: Doc) => void) => {
    const d = JSON.parse(readFileSync(path.join(presetDir(), 'table3.json'), 'utf8')) as Doc;
    mutate(d);
    return () => parseTheoryPreset(d, where);
  };
  assert.throws(
    parse((d) => (d.scales.cpu.options.dataset.trainSise = 5)),
    {
      message:
        /^presets\/table3\.json: scales\.cpu\.options\.dataset: unknown key "trainSise"; .*did you mean "trainSize"\?$/,
    },
  );
  assert.throws(
    parse((d) => (d.grid.ridge = [0, -1])),
    { message: 'presets/table3.json: grid.ridge[1]: expected a number ≥ 0, got -1' },
  );
  assert.throws(
    parse((d) => (d.experiment = 'kernal')),
    {
      message:
        /^presets\/table3\.json: experiment: unknown experiment "kernal"; expected one of kernel, minnorm, expressivity, rademacher, random-features; did you mean "kernel"\?$/,
    },
  );
  assert.throws(
    parse((d) => delete d.scales.paper),
    { message: 'presets/table3.json: scales.paper: expected an object, got nothing' },
  );
  assert.throws(
    parse((d) => (d.report = 'table4')),
    {
      message:
        'presets/table3.json: report: unknown value "table4"; expected one of table3, double-descent-rff; did you mean "table3"?',
    },
  );
});

test('a theory plan with seeds: replicate 0 is the run without seeds, replicate k has the seed moved by k', () => {
  const p = table3();
  const plan = planTheoryPreset(p, 'smoke', {}, 3);
  assert.equal(plan.length, 18);
  assert.deepEqual(
    plan.filter((r) => r.replicate === 0).map((r) => r.id),
    TABLE3_SMOKE,
  );
  assert.deepEqual(
    plan.slice(0, 3).map((r) => [r.label, r.replicate, (r.options as { seed: number }).seed]),
    [
      ['features=pixels ridge=0 seed 1/3', 0, 0],
      ['features=pixels ridge=0 seed 2/3', 1, 1],
      ['features=pixels ridge=0 seed 3/3', 2, 2],
    ],
  );
  assert.equal(new Set(plan.map((r) => r.id)).size, 18);
  // The seed is the only thing that moves: the same cell, the same options otherwise.
  assert.deepEqual(plan[1].coords, plan[0].coords);
  assert.deepEqual({ ...(plan[1].options as object), seed: 0 }, plan[0].options);
  assert.deepEqual(planTheoryPreset(p, 'smoke', {}, 1), planTheoryPreset(p, 'smoke'));
  // Seeds move from the options' own seed (--set seed=5): replicate 0 is the run --set seed=5 plans alone.
  const five = parseTheoryOverrides(p, ['seed=5'], 'w');
  const moved = planTheoryPreset(p, 'smoke', five, 2);
  assert.deepEqual(
    moved.filter((r) => r.replicate === 0).map((r) => r.id),
    planTheoryPreset(p, 'smoke', five).map((r) => r.id),
  );
  assert.deepEqual(
    moved.slice(0, 2).map((r) => (r.options as { seed: number }).seed),
    [5, 6],
  );
  assert.throws(() => planTheoryPreset(p, 'smoke', {}, 0), {
    message: 'table3 (smoke): seeds: expected an integer from 1 to 100, got 0',
  });
});

test('a theory scale\'s "seeds": its plan\'s default, from 1 to 100', () => {
  const doc = JSON.parse(readFileSync(path.join(presetDir(), 'double-descent-rff.json'), 'utf8')) as {
    scales: Record<string, Record<string, unknown>>;
  };
  doc.scales.smoke.seeds = 2;
  const p = parseTheoryPreset(doc, 'presets/double-descent-rff.json');
  assert.equal(p.scales.smoke.seeds, 2);
  assert.equal(p.scales.cpu.seeds, 1);
  const plan = planTheoryPreset(p, 'smoke');
  assert.equal(plan.length, 24);
  assert.match(plan[1].label, /^count=20 labels=true seed 2\/2$/);
  assert.equal(planTheoryPreset(p, 'smoke', {}, 1).length, 12);
  doc.scales.smoke.seeds = 0;
  assert.throws(() => parseTheoryPreset(doc, 'presets/double-descent-rff.json'), {
    message: 'presets/double-descent-rff.json: scales.smoke.seeds: expected an integer in [1, 100], got 0',
  });
});

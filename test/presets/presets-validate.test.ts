// Every preset validates and plans at every scale; schema errors name the key path (pinned text).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  loadPreset,
  parseOverrides,
  parsePreset,
  planPreset,
  presetDir,
  presetNames,
  presetNamesOf,
  presetScale,
  presetScales,
  SCALES,
} from '../../src/presets/preset.js';
import { resolveConfig } from '../../src/config/config.js';
import { runId } from '../../src/experiments/fit-kind.js';

const EXPECTED = [
  'double-descent-width',
  'double-descent-width-budget',
  'early-stopping',
  'fig1a',
  'fig1b',
  'fig1c',
  'fig2b',
  'memorization',
  'memorization-budget',
  'random-labels-capacity',
  'random-labels-protocol',
  'table-random-regularized',
  'table1',
];

function doc(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(presetDir(), `${name}.json`), 'utf8')) as Record<string, unknown>;
}

// Memorization's smoke scale is K = 16 models of seconds each: fewer leave most examples unscored. The
// protocol ablation's 2 inputs × 3 schedules and its half-rate run are 7 runs of 3 epochs on 64 examples.
const SMOKE_RUNS: Record<string, number> = {
  memorization: 16,
  'memorization-budget': 16,
  'random-labels-protocol': 7,
};

test('every preset loads and plans at every scale it offers, with unique run ids', () => {
  assert.deepEqual(presetNames(), [...EXPECTED, 'double-descent-rff', 'table3'].sort());
  assert.deepEqual(presetNamesOf('fit'), EXPECTED);
  for (const name of presetNamesOf('fit')) {
    const p = loadPreset(name);
    const offered = presetScales(p);
    assert.deepEqual(
      offered,
      SCALES.filter((s) => !p.absent[s]),
      `${name}: every scale, unless it says why not`,
    );
    if (name.startsWith('memorization')) assert.deepEqual(offered, ['smoke', 'cpu']);
    for (const scale of offered) {
      const plan = planPreset(p, scale);
      assert.ok(plan.length > 0, `${name} ${scale}: no runs`);
      assert.equal(new Set(plan.map((r) => r.id)).size, plan.length);
      assert.ok(presetScale(p, scale).description.length > 0);
    }
    assert.ok(
      planPreset(p, 'smoke').length <= (SMOKE_RUNS[name] ?? 6),
      `${name}: smoke scale should stay tiny`,
    );
  }
});

test('fig1c and early-stopping report the runs of fig1b and table1: same configs, same ids', () => {
  for (const [a, b] of [
    ['fig1c', 'fig1b'],
    ['early-stopping', 'table1'],
  ]) {
    for (const scale of SCALES)
      assert.deepEqual(
        planPreset(loadPreset(a), scale).map((r) => r.id),
        planPreset(loadPreset(b), scale).map((r) => r.id),
      );
  }
});

test('schema errors name the key path', () => {
  interface Doc {
    scales: Record<string, { train?: unknown; dataset: { name: string } }>;
    grid: Record<string, unknown[]>;
    [k: string]: unknown;
  }
  const bad = (mutate: (d: Doc) => void) => {
    const d = doc('fig1b') as unknown as Doc;
    mutate(d);
    return () => parsePreset(d, 'presets/fig1b.json');
  };
  assert.throws(
    bad((d) => (d.scales.cpu.train = { lr: 'x' })),
    { message: 'presets/fig1b.json: scales.cpu.train.lr: expected a positive number, got "x"' },
  );
  assert.throws(
    bad((d) => (d.scales.cpu.train = { epoch: 3 })),
    {
      message:
        /^presets\/fig1b\.json: scales\.cpu\.train: unknown key "epoch"; expected one of .*; did you mean "epochs"\?$/,
    },
  );
  assert.throws(
    bad((d) => (d.grid['randomization.labels'] = ['corrupted:2'])),
    { message: /^presets\/fig1b\.json: grid\.randomization\.labels\[0\]: bad corruption level "2"/ },
  );
  assert.throws(
    bad((d) => (d.scales.smoke.dataset.name = 'fashion-mnst')),
    {
      message:
        /scales\.smoke\.dataset\.name: unknown value "fashion-mnst"; .*did you mean "fashion-mnist"\?$/,
    },
  );
  assert.throws(
    bad((d) => delete d.scales.paper),
    {
      message:
        'presets/fig1b.json: scales.paper: missing; expected every scale (smoke, cpu, mid, full, paper), one the preset does not offer as {"absent": "why"}',
    },
  );
  assert.throws(
    bad((d) => (d.reprot = 'fig1b')),
    { message: /^presets\/fig1b\.json: unknown key "reprot"; .*did you mean "report"\?$/ },
  );
  assert.throws(() => loadPreset('fig1d'), {
    message: /^presets: unknown preset "fig1d"; .*did you mean "fig1a"\?$/,
  });
});

test('--set overrides are checked against the schema and reach every run', () => {
  assert.throws(() => parseOverrides(['train.lr=x'], 'genlab run'), {
    message: 'genlab run: --set train.lr: expected a positive number, got "x"',
  });
  assert.throws(() => parseOverrides(['train.lrr=1'], 'genlab run'), {
    message: /^genlab run: --set: train: unknown key "lrr"; .*did you mean "lr"\?$/,
  });
  assert.throws(() => parseOverrides(['epochs'], 'genlab run'), {
    message: 'genlab run: --set "epochs": expected key=value, e.g. train.epochs=20',
  });
  const o = parseOverrides(
    ['train.epochs=7', 'dataset.testSize=null', 'train.augment=crop,flip'],
    'genlab run',
  );
  const plan = planPreset(loadPreset('fig1a'), 'smoke', o);
  assert.ok(
    plan.every(
      (r) =>
        r.config.train.epochs === 7 &&
        r.config.dataset.testSize === null &&
        r.config.train.augment.join() === 'crop,flip',
    ),
  );
});

test('--set on a grid axis narrows the grid to that value: labels and variants follow it', () => {
  const plan = planPreset(
    loadPreset('table1'),
    'cpu',
    parseOverrides(['model.name=mlp-3x512'], 'genlab run'),
    1,
  );
  // Table 1's crop variants are only for the conv nets: an MLP gets wd, none and random labels.
  assert.deepEqual(
    plan.map((r) => r.label),
    ['name=mlp-3x512 wd', 'name=mlp-3x512 none', 'name=mlp-3x512 random labels'],
  );
  // The cpu scale's own 2 seeds: each run twice, the first the run planned with one seed.
  const seeded = planPreset(
    loadPreset('table1'),
    'cpu',
    parseOverrides(['model.name=mlp-3x512'], 'genlab run'),
  );
  assert.deepEqual(
    seeded.map((r) => r.label),
    [
      'name=mlp-3x512 wd seed 1/2',
      'name=mlp-3x512 wd seed 2/2',
      'name=mlp-3x512 none seed 1/2',
      'name=mlp-3x512 none seed 2/2',
      'name=mlp-3x512 random labels seed 1/2',
      'name=mlp-3x512 random labels seed 2/2',
    ],
  );
  assert.deepEqual(
    seeded.filter((r) => r.replicate === 0).map((r) => r.id),
    plan.map((r) => r.id),
  );
  assert.deepEqual(
    seeded.map((r) => [r.config.train.seed, r.config.randomization.seed]),
    [
      [0, 0],
      [1, 1],
      [0, 0],
      [1, 1],
      [0, 0],
      [1, 1],
    ],
  );
  assert.ok(plan.every((r) => r.config.model.name === 'mlp-3x512' && r.config.train.augment.length === 0));
});

test('model.init: pytorch spelled out is the default run (same id); others are runs of their own', () => {
  const base = resolveConfig([{ model: { name: 'inception-small-nobn' } }], 'test');
  const spelled = resolveConfig([{ model: { name: 'inception-small-nobn', init: 'pytorch' } }], 'test');
  const he = resolveConfig([{ model: { name: 'inception-small-nobn', init: 'he-normal' } }], 'test');
  assert.equal(base.model.init, undefined);
  assert.equal(runId(spelled), runId(base));
  assert.notEqual(runId(he), runId(base));
  assert.throws(() => resolveConfig([{ model: { name: 'mlp-1x512', init: 'xavier' } }], 'preset x'), {
    name: 'InputError',
    message:
      'preset x: model.init: unknown value "xavier"; expected one of pytorch, glorot-uniform, he-normal',
  });
});

// Presets beyond the paper (issue 17) choose their own scales: double descent sweeps MLP widths on 1-channel images.
const BEYOND_PAPER = new Set([
  'double-descent-width',
  'double-descent-width-budget',
  'memorization',
  'memorization-budget',
  'random-labels-capacity',
  'random-labels-protocol',
]);

test('full scale: every run on all of Fashion-MNIST; mid: the conv rows on 10,000 images', () => {
  const conv = (m: string) => m.startsWith('inception') || m.startsWith('alexnet');
  for (const name of presetNamesOf('fit').filter((n) => !BEYOND_PAPER.has(n))) {
    for (const r of planPreset(loadPreset(name), 'full')) {
      assert.equal(r.config.dataset.name, 'fashion-mnist');
      assert.equal(r.config.dataset.trainSize, null, `${name} full ${r.label}`);
      assert.equal(r.config.dataset.testSize, null, `${name} full ${r.label}`);
      assert.equal(r.config.dataset.channels, 3, `${name} full ${r.label}`);
      assert.deepEqual(r.config.train.schedule, { kind: 'constant' });
    }
    for (const r of planPreset(loadPreset(name), 'mid')) {
      assert.equal(r.config.dataset.trainSize, 10000, `${name} mid ${r.label}`);
      assert.ok(conv(r.config.model.name), `${name} mid: ${r.config.model.name} is not a conv net`);
    }
  }
  const fig1a = planPreset(loadPreset('fig1a'), 'full');
  assert.deepEqual(
    fig1a.map((r) => [r.config.model.name, r.variant]),
    ['true labels', 'random labels', 'shuffled pixels', 'random pixels', 'Gaussian'].map((v) => [
      'mlp-1x512',
      v,
    ]),
  );
});

test("full scale: --set train.schedule.kind=exponential runs the paper's schedule", () => {
  const o = parseOverrides(['train.schedule.kind=exponential'], 'genlab run');
  for (const r of planPreset(loadPreset('fig1a'), 'full', o))
    assert.deepEqual(r.config.train.schedule, { kind: 'exponential', gamma: 0.95, every: 50000 });
});

test("dataset.channels: absent is the data set's own (same ids); 3 is a run of its own, CIFAR's own when spelled out", () => {
  const base = resolveConfig([{}], 'test');
  const three = resolveConfig([{ dataset: { channels: 3 } }], 'test');
  assert.equal(base.dataset.channels, undefined);
  assert.notEqual(runId(three), runId(base));
  const cifar = resolveConfig([{ dataset: { name: 'cifar10' } }], 'test');
  assert.equal(runId(resolveConfig([{ dataset: { name: 'cifar10', channels: 3 } }], 'test')), runId(cifar));
  assert.throws(() => resolveConfig([{ dataset: { channels: 2 } }], 'preset x'), {
    name: 'InputError',
    message: 'preset x: dataset.channels: expected an integer in [3, 3], got 2',
  });
});

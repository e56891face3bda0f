// The memorization preset: the same run ids genlab memorization planned before it was a preset, its grid over
// train.seed as {"range": [from, to]}, scales it does not offer, and no further seeds (pinned errors).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { resolveConfig, type PartialConfig } from '../../src/config/config.js';
import { runId } from '../../src/experiments/fit-kind.js';
import { planMemorization } from '../../src/presets/memorization.js';
import { loadPreset, parsePreset, planPreset, presetDir } from '../../src/presets/preset.js';

// The settings src/experiments/memorization.ts held before the preset, and how it planned them: model k's
// config was [setting, overrides, { train: { seed: k, fraction } }], fraction 0.7 unless --subset said.
const BEFORE: Record<'smoke' | 'cpu', { k: number; config: PartialConfig }> = {
  smoke: {
    k: 16,
    config: {
      dataset: { name: 'fashion-mnist', trainSize: 64, testSize: 64 },
      randomization: { labels: 'corrupted:0.5' },
      model: { name: 'mlp-1x64' },
      train: { epochs: 60, lr: 0.05, batchSize: 32 },
    },
  },
  cpu: {
    k: 200,
    config: {
      dataset: { name: 'fashion-mnist', trainSize: 2000, testSize: 500 },
      randomization: { labels: 'corrupted:0.2' },
      model: { name: 'mlp-1x512' },
      train: { epochs: 60, lr: 0.05, batchSize: 64, schedule: { kind: 'constant' } },
    },
  },
};

function idsBefore(
  scale: 'smoke' | 'cpu',
  k = BEFORE[scale].k,
  fraction = 0.7,
  overrides: PartialConfig = {},
) {
  return Array.from({ length: k }, (_, seed) =>
    runId(resolveConfig([BEFORE[scale].config, overrides, { train: { seed, fraction } }], 'before')),
  );
}

test('memorization preset: the same run ids as genlab memorization planned before, at smoke and cpu', () => {
  const p = loadPreset('memorization');
  for (const scale of ['smoke', 'cpu'] as const) {
    const plan = planPreset(p, scale);
    assert.equal(plan.length, BEFORE[scale].k);
    assert.deepEqual(
      plan.map((r) => r.id),
      idsBefore(scale),
      scale,
    );
    assert.deepEqual(
      planMemorization({ scale }).map((r) => r.id),
      idsBefore(scale),
    );
    // every model sees the same corrupted labels: one randomization seed
    assert.equal(new Set(plan.map((r) => r.config.randomization.seed)).size, 1);
  }
  const o: PartialConfig = { randomization: { labels: 'corrupted:0.4' } };
  assert.deepEqual(
    planMemorization({ scale: 'smoke', k: 5, fraction: 0.5, overrides: o }).map((r) => r.id),
    idsBefore('smoke', 5, 0.5, o),
  );
  assert.deepEqual(
    planMemorization({ scale: 'cpu', k: 250 }).map((r) => r.id),
    idsBefore('cpu', 250),
  );
});

/** The memorization preset's document, its scales loosely typed for edits. */
interface Doc {
  scales: Record<string, { grid?: Record<string, unknown>; [k: string]: unknown }>;
}

function doc(): Doc {
  return JSON.parse(readFileSync(path.join(presetDir(), 'memorization.json'), 'utf8')) as Doc;
}

function bad(edit: (d: Doc) => void): () => void {
  const d = doc();
  edit(d);
  return () => parsePreset(d, 'presets/memorization.json');
}

test('grid axes as {"range": [from, to]}: the integers from ≤ i < to, checked like a list', () => {
  const d = doc();
  d.scales.smoke.grid!['train.seed'] = { range: [3, 6] };
  const p = parsePreset(d, 'presets/memorization.json');
  assert.deepEqual(p.scales.smoke?.grid?.['train.seed'], [3, 4, 5]);
  const where = 'presets/memorization.json: scales.smoke.grid.train.seed';
  const cases: [unknown, string][] = [
    [
      { range: [5, 5] },
      `${where}.range: expected [from, to], integers with from < to (the values from, from + 1, …, to − 1), got [5,5]`,
    ],
    [
      { range: [0, 1.5] },
      `${where}.range: expected [from, to], integers with from < to (the values from, from + 1, …, to − 1), got [0,1.5]`,
    ],
    [{ range: [0, 100_001] }, `${where}.range: expected at most 100,000 values, got [0,100001] (100,001)`],
    [{ range: [0, 2], step: 2 }, `${where}: unknown key "step"; expected one of range`],
    [[], `${where}: expected a non-empty list of values or {"range": [from, to]}, got []`],
    [{ range: [-2, 0] }, `${where}[0]: expected an integer ≥ 0, got -2`],
  ];
  for (const [v, message] of cases)
    assert.throws(
      bad((x) => (x.scales.smoke.grid!['train.seed'] = v)),
      { name: 'InputError', message },
    );
});

test('a scale a preset does not offer: said so in the preset, refused by name when planned', () => {
  const p = loadPreset('memorization');
  assert.throws(() => planPreset(p, 'full'), {
    name: 'InputError',
    message: `memorization has no full scale (${p.absent.full}); expected smoke or cpu`,
  });
  assert.throws(() => planMemorization({ scale: 'paper' }), {
    message: /^memorization has no paper scale \(/,
  });
  assert.throws(
    bad((d) => (d.scales.smoke = { absent: 'no' })),
    {
      message:
        'presets/memorization.json: scales.smoke: expected a scale (every preset has a smoke scale, for CI), got {"absent": …}',
    },
  );
  assert.throws(
    bad((d) => (d.scales.mid = { absent: 'no', description: 'x' })),
    {
      message:
        'presets/memorization.json: scales.mid: description: not allowed with absent; expected only absent',
    },
  );
  assert.throws(
    bad((d) => (d.scales.mid = { absent: '' })),
    { message: 'presets/memorization.json: scales.mid.absent: expected a non-empty string, got ""' },
  );
});

test('a grid over train.seed takes one seed: further seeds would redraw the shared randomization', () => {
  const p = loadPreset('memorization');
  assert.throws(() => planPreset(p, 'cpu', {}, 2), {
    name: 'InputError',
    message:
      'memorization (cpu): seeds: expected 1, got 2: its runs are a grid over train.seed sharing one randomization, and further seeds would redraw randomization.seed',
  });
  assert.throws(
    bad((d) => (d.scales.cpu.seeds = 2)),
    {
      message:
        'presets/memorization.json: scales.cpu.seeds: expected 1 (its runs are a grid over train.seed sharing one randomization; more seeds would redraw randomization.seed), got 2',
    },
  );
});

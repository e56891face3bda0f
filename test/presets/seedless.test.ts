// seedless: a run and its replicates (genlab run --seeds) share one cell, which the runs page folds into a row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPreset, planPreset, seedless } from '../../src/presets/preset.js';
import { loadAnyPreset, planTheoryPreset, type TheoryPreset } from '../../src/presets/theory-preset.js';

test("seedless: a fit's replicates share it; its variants, and memorization's K models, do not", () => {
  const runs = planPreset(loadPreset('fig1a'), 'smoke', {}, 3);
  const cells = new Map<string, Set<string>>(); // cell → variants
  for (const r of runs) {
    const c = seedless(r.config);
    cells.set(c, (cells.get(c) ?? new Set()).add(r.variant));
  }
  assert.equal(cells.size, runs.length / 3, 'five cells of three seeds');
  for (const variants of cells.values()) assert.equal(variants.size, 1);
  // memorization: a grid over train.seed, one randomization: models, not replicates
  const models = planPreset(loadPreset('memorization'), 'smoke');
  assert.equal(new Set(models.map((r) => seedless(r.config))).size, models.length);
});

test("seedless: a theory run's replicates (options.seed + k) share it; anything else that is not a config stays itself", () => {
  const p = loadAnyPreset('double-descent-rff') as TheoryPreset;
  const runs = planTheoryPreset(p, 'smoke', {}, 2);
  const cells = new Set(runs.map((r) => seedless({ experiment: r.experiment, options: r.options })));
  assert.equal(cells.size, runs.length / 2);
  assert.equal(seedless(null), 'null');
  assert.equal(seedless({ a: 1 }), '{"a":1}');
});

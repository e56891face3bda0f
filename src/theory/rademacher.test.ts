// Rademacher estimates: an interpolating kernel machine scores 1, a heavily ridged one far less; an MLP fits random signs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, liveTensors, rand, scope } from '../engine/index.js';
import { estimateRademacher } from './rademacher.js';

const base = { draws: 3, seed: 1, hidden: 64, epochs: 60, lr: 0.05, gamma: 0.5, ridge: 0 };

test('kernel interpolation fits every random labelling (estimate 1); a large ridge does not', () => {
  const before = liveTensors();
  scope(() => {
    const x = rand([80, 10], { generator: new Generator(9) });
    const exact = estimateRademacher(x, { ...base, model: 'kernel' });
    assert.equal(exact.draws, 3);
    assert.ok(Math.abs(exact.estimate - 1) < 1e-6, `estimate ${exact.estimate}`);
    const ridged = estimateRademacher(x, { ...base, model: 'kernel', ridge: 100 });
    assert.ok(ridged.estimate < 0.5, `ridged ${ridged.estimate}`);
    assert.ok(ridged.stderr >= 0);
  });
  assert.equal(liveTensors(), before);
});

test('a small MLP trained on random signs correlates with them far above chance', () => {
  const before = liveTensors();
  scope(() => {
    const x = rand([64, 20], { generator: new Generator(10) });
    const r = estimateRademacher(x, { ...base, model: 'mlp', draws: 2 });
    assert.ok(r.estimate > 0.5, `estimate ${r.estimate}`);
  });
  assert.equal(liveTensors(), before);
});

// Initializations: the variance each one promises, and zero biases where promised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, liveTensors, noGrad } from '../engine/index.js';
import { Conv2d, Linear } from './index.js';

/** Sample variance of a tensor's values. */
function variance(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
}

test('glorot-uniform and he-normal draw the variance they promise, with zero biases', () => {
  const before = liveTensors();
  // Conv2d(64 → 128, 3×3): fan_in 576, fan_out 1,152; 73,728 weights.
  const cases = [
    ['glorot-uniform', 2 / (576 + 1152)],
    ['he-normal', 2 / 576],
    ['pytorch', 1 / (3 * 576)],
  ] as const;
  for (const [init, want] of cases) {
    const conv = new Conv2d(64, 128, 3, { generator: new Generator(1), init });
    const [w, b] = noGrad(() => [
      conv.stateDict().get('weight')!.toArray(),
      conv.stateDict().get('bias')!.toArray(),
    ]);
    const got = variance(w);
    assert.ok(Math.abs(got / want - 1) < 0.03, `${init}: weight variance ${got}, expected ${want}`);
    if (init !== 'pytorch')
      assert.ok(
        b.every((v) => v === 0),
        `${init}: biases start at zero`,
      );
    else
      assert.ok(
        b.some((v) => v !== 0),
        'pytorch: biases drawn',
      );
    conv.dispose();
  }
  const lin = new Linear(300, 100, { generator: new Generator(2), init: 'he-normal' });
  const lw = noGrad(() => lin.stateDict().get('weight')!.toArray());
  assert.ok(Math.abs(variance(lw) / (2 / 300) - 1) < 0.05, 'Linear: he-normal over fan_in = in features');
  lin.dispose();
  assert.equal(liveTensors(), before);
});

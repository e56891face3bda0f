// Section 5: SGD from zero reaches X⁺y; from a non-zero start it reaches another interpolant with a larger norm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, liveTensors, randn, scope, zeros } from '../engine/index.js';
import { minNormSolution, randomInit, sgdLeastSquares } from './minnorm.js';

test('SGD from zero converges to the minimum-norm interpolant; from elsewhere to a larger-norm one', () => {
  const before = liveTensors();
  scope(() => {
    const g = new Generator(8);
    const x = randn([30, 120], { generator: g, dtype: 'float64' });
    const y = randn([30], { generator: g, dtype: 'float64' });
    const star = minNormSolution(x, y);
    const opts = { epochs: 500, batchSize: 5, generator: g };
    const fromZero = sgdLeastSquares(x, y, zeros([120], { dtype: 'float64' }), star, opts);
    const last = fromZero.curve[fromZero.curve.length - 1];
    assert.ok(last.residual < 1e-5, `residual ${last.residual}`);
    assert.ok(last.distance < 1e-5, `distance ${last.distance}`);
    const elsewhere = sgdLeastSquares(x, y, randomInit(120, star.norm().item(), g), star, opts);
    const end = elsewhere.curve[elsewhere.curve.length - 1];
    assert.ok(end.residual < 1e-5, `residual ${end.residual}`);
    assert.ok(end.distance > 0.5, `distance ${end.distance}`);
    assert.ok(end.norm > last.norm * 1.2);
    fromZero.w.dispose();
    elsewhere.w.dispose();
  });
  assert.equal(liveTensors(), before);
});

// Kernel interpolation: the in-place Cholesky path agrees with a float64 dense solve, interpolates, and explains non-PD failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  Tensor,
  arange,
  liveTensors,
  linalg,
  randint,
  randn,
  rand,
  scope,
} from '../engine/index.js';
import {
  NotPositiveDefiniteError,
  classError,
  disposeInterpolant,
  fitKernel,
  gramMatrix,
  kernelBlock,
  predict,
  rkhsNorm,
} from './kernel.js';

const oneHot = (labels: Tensor, k: number): Tensor =>
  labels
    .reshape(-1, 1)
    .eq(arange(0, k, 1, { dtype: 'int64' }).reshape(1, k))
    .to('float64');

test('Gaussian interpolation by in-place Cholesky agrees with a float64 dense solve, in float64 and float32', () => {
  const before = liveTensors();
  scope(() => {
    const g = new Generator(4);
    const x = rand([300, 20], { generator: g, dtype: 'float64' });
    const labels = randint(0, 10, [300], { generator: g });
    const y = oneHot(labels, 10);
    const spec = { name: 'gaussian' as const, gamma: 0.5 };
    const Kfull = kernelBlock(spec, x, x);
    const reference = linalg.solve(Kfull, y); // float64 LU solve, K formed whole
    const f64 = fitKernel(spec, x, y);
    assert.ok(f64.alpha.sub(reference).abs().max().item() / reference.abs().max().item() < 1e-8);
    const train = predict(f64, x);
    assert.equal(classError(train, labels), 0); // interpolation: zero training error
    assert.ok(train.sub(y).abs().max().item() < 1e-6);
    const norm = rkhsNorm(f64, train);
    const refNorm = Math.sqrt(reference.mul(Kfull.matmul(reference)).sum().item());
    assert.ok(Math.abs(norm - refNorm) / refNorm < 1e-8);
    const f32 = fitKernel(spec, x.to('float32'), y.to('float32'));
    const test = rand([100, 20], { generator: g, dtype: 'float64' });
    assert.ok(predict(f32, test).to('float64').sub(predict(f64, test)).abs().max().item() < 1e-2);
    for (const f of [f64, f32]) disposeInterpolant(f);
  });
  assert.equal(liveTensors(), before);
});

test('the Gram matrix computes the upper triangle block by block, and every kernel is symmetric', () => {
  const before = liveTensors();
  scope(() => {
    const x = randn([50, 7], { generator: new Generator(5), dtype: 'float64' });
    for (const name of ['gaussian', 'laplacian', 'linear', 'polynomial'] as const) {
      const spec = { name, gamma: 0.1 };
      const full = gramMatrix(spec, x, 0, undefined, true);
      assert.ok(full.sub(full.t()).abs().max().item() < 1e-9, name);
      assert.ok(
        full
          .sub(kernelBlock(spec, x, x))
          .abs()
          .max()
          .item() < 1e-9,
        name,
      );
      full.dispose();
    }
  });
  assert.equal(liveTensors(), before);
});

test('a rank-deficient kernel gives the non-positive-definite message with a suggested ridge, and the ridge fixes it', () => {
  const before = liveTensors();
  scope(() => {
    const x = randn([40, 5], { generator: new Generator(6), dtype: 'float64' }); // linear kernel of rank 5 < 40
    const y = randn([40, 2], { generator: new Generator(7), dtype: 'float64' });
    const spec = { name: 'linear' as const, gamma: 1 };
    assert.throws(
      () => fitKernel(spec, x, y),
      (e: unknown) => {
        assert.ok(e instanceof NotPositiveDefiniteError);
        assert.match(
          e.message,
          /^kernel: the kernel matrix is not positive definite in float64 \(Cholesky failed at column \d+ of 40, ridge 0\); expected a positive definite K — duplicate or nearly collinear points do this; add a ridge, e.g. --ridge [0-9.e-]+$/,
        );
        return true;
      },
    );
    const f = fitKernel(spec, x, y, 1e-3);
    assert.equal(f.alpha.shape.join('x'), '40x2');
    disposeInterpolant(f);
  });
  assert.equal(liveTensors(), before);
});

test('conjugate gradient reaches the Cholesky answer within its tolerance, with the same test error', () => {
  const before = liveTensors();
  scope(() => {
    const g = new Generator(8);
    const x = rand([400, 30], { generator: g, dtype: 'float64' });
    const labels = randint(0, 10, [400], { generator: g });
    const y = oneHot(labels, 10);
    const xt = rand([200, 30], { generator: g, dtype: 'float64' });
    const spec = { name: 'gaussian' as const, gamma: 0.3 };
    const exact = fitKernel(spec, x, y, 0, undefined, { solver: 'cholesky' });
    for (const tol of [1e-3, 1e-9]) {
      const cg = fitKernel(spec, x, y, 0, undefined, { solver: 'cg', tol, landmarks: 100 });
      assert.equal(cg.solver, 'cg');
      assert.ok(
        cg.relativeResidual !== null && cg.relativeResidual <= tol * 1.01,
        `residual ${cg.relativeResidual} at tol ${tol}`,
      );
      assert.ok(cg.iterations > 0 && cg.iterations < 400);
      const [pe, pc] = [predict(exact, xt), predict(cg, xt)];
      // ‖ΔY‖ ≤ tol‖Y‖ on the training points; on test points the difference stays of that order
      assert.ok(pc.sub(pe).abs().max().item() < 50 * tol, `tol ${tol}: ${pc.sub(pe).abs().max().item()}`);
      assert.equal(classError(cg.trainPred, labels), 0);
      if (tol < 1e-6)
        assert.equal(classError(pc, labels.narrow(0, 0, 200)), classError(pe, labels.narrow(0, 0, 200)));
      disposeInterpolant(cg);
    }
    disposeInterpolant(exact);
  });
  assert.equal(liveTensors(), before);
});

test('the tiled Gaussian and Laplacian kernels match distances computed directly', () => {
  const before = liveTensors();
  scope(() => {
    const g = new Generator(9);
    const [a, b] = [
      rand([70, 9], { generator: g, dtype: 'float64' }),
      rand([1100, 9], { generator: g, dtype: 'float64' }),
    ];
    const d = linalg.cdist(a, b, 2);
    assert.ok(
      kernelBlock({ name: 'gaussian', gamma: 0.7 }, a, b).sub(d.square().mul(-0.7).exp()).abs().max().item() <
        1e-12,
    );
    assert.ok(
      kernelBlock({ name: 'laplacian', gamma: 0.7 }, a, b).sub(d.mul(-0.7).exp()).abs().max().item() < 1e-6,
    );
  });
  assert.equal(liveTensors(), before);
});

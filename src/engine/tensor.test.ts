// Engine basics: values round-trip, broadcasting, scopes free what they should, errors name the op.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Tensor,
  tensor,
  zeros,
  randn,
  scope,
  keep,
  liveTensors,
  noGrad,
  Generator,
  arange,
  cat,
} from './index.js';

test('values round-trip through libtorch', () => {
  const before = liveTensors();
  scope(() => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.dtype, 'float32');
    const b = a.add(tensor([10, 20, 30])).mul(2);
    assert.deepEqual(b.toArray(), [22, 44, 66, 28, 50, 72]);
    assert.equal(a.sum().item(), 21);
    assert.deepEqual(arange(0, 4).toArray(), [0, 1, 2, 3]);
    assert.deepEqual(cat([arange(0, 2), arange(5, 6)]).toArray(), [0, 1, 5]);
  });
  assert.equal(liveTensors(), before);
});

test('scope keeps what it returns and what keep() marks', () => {
  const before = liveTensors();
  let kept: Tensor | undefined;
  const out = scope(() => {
    const tmp = zeros([2]);
    kept = keep(tmp.add(1));
    return { x: zeros([3]), list: [zeros([4])] };
  });
  assert.equal(liveTensors(), before + 3);
  assert.equal(out.x.shape[0], 3);
  out.x.dispose();
  out.list[0].dispose();
  kept?.dispose();
  assert.equal(liveTensors(), before);
});

test('a scope that throws frees everything it made', () => {
  const before = liveTensors();
  assert.throws(
    () =>
      scope(() => {
        zeros([5]);
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(liveTensors(), before);
});

test('libtorch errors become JS errors naming the op, and the process goes on', () => {
  scope(() => {
    const a = zeros([2, 3]);
    assert.throws(
      () => a.matmul(a),
      /^Error: matmul: mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/,
    );
    assert.equal(a.add(1).sum().item(), 6);
  });
});

test('using a disposed tensor is an error, dispose is idempotent', () => {
  const a = zeros([1]);
  a.dispose();
  a.dispose();
  assert.throws(() => a.add(1), /tensor: used after dispose\(\)/);
});

test('seeded generators reproduce PyTorch draws', () => {
  scope(() => {
    const g = new Generator(42);
    const x = randn([3], { generator: g }).toArray();
    // torch.randn(3, generator=torch.Generator().manual_seed(42))
    const ref = [0.3367, 0.1288, 0.2345];
    x.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-4));
  });
});

test('autograd: gradients of a simple function', () => {
  scope(() => {
    const x = tensor([1, 2, 3]).requiresGrad_();
    const y = x.mul(x).sum();
    y.backward();
    assert.deepEqual(x.grad?.toArray(), [2, 4, 6]);
    const z = noGrad(() => x.mul(2));
    assert.equal(z.requiresGrad, false);
  });
});

test('integer tensors keep their dtype in arithmetic with numbers and alpha', () => {
  scope(() => {
    const a = arange(0, 4);
    assert.equal(a.dtype, 'int64');
    const b = a.add(a, 2).sub(1);
    assert.equal(b.dtype, 'int64');
    assert.deepEqual(b.toArray(), [-1, 2, 5, 8]);
    assert.deepEqual(a.clone().add_(a, -1).toArray(), [0, 0, 0, 0]);
    assert.deepEqual(
      tensor([1, 2])
        .add(tensor([1, 1]), 0.5)
        .toArray(),
      [1.5, 2.5],
    );
  });
});

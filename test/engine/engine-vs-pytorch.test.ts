// Ops, gradients, default initializations and error text of the engine against PyTorch's values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  cpuConv,
  cpuSgemm,
  noGrad,
  Tensor,
  randn,
  scope,
  setCpuConv,
  setCpuSgemm,
  tensor,
  zeros,
  type CpuSgemm,
} from '../../src/engine/index.js';
import { native, type Handle } from '../../src/engine/native.js';
import { Conv2d, F, Linear } from '../../src/nn/index.js';
import { assertClose, get, leakFree, loadFixture, reference } from '../support/helpers.js';

type In = Record<string, Tensor>;
const bnArgs = (i: In, training: boolean, affine = true, momentum = 0.1, eps = 1e-5): F.BatchNormArgs => ({
  weight: affine ? i.w : undefined,
  bias: affine ? i.b : undefined,
  runningMean: i.rm,
  runningVar: i.rv,
  training,
  momentum,
  eps,
});

/** Each fixture case of make-fixtures.py, computed with genlab. */
const CASES: Record<string, (i: In) => Tensor> = {
  linear: (i) => F.linear(i.x, i.w, i.b),
  matmul: (i) => i.a.matmul(i.b),
  conv_stride_pad: (i) => F.conv2d(i.x, i.w, i.b, { stride: 2, padding: 1 }),
  conv_groups: (i) => F.conv2d(i.x, i.w, i.b, { padding: [2, 1], groups: 2 }),
  maxpool: (i) => F.maxPool2d(i.x, 3, { stride: 2 }),
  maxpool_pad_ceil: (i) => F.maxPool2d(i.x, 3, { stride: 2, padding: 1, ceilMode: true }),
  maxpool_ties: (i) => F.maxPool2d(i.x, 3, { stride: 2, padding: 1 }),
  maxpool_ties_2x2: (i) => F.maxPool2d(i.x, 2),
  matmul_2d_t: (i) => i.a.t().matmul(i.b.t()),
  matmul_2d_strided: (i) => i.a.slice(1, 0, 8, 2).matmul(i.b),
  linear_bias_grad: (i) => F.linear(i.x, i.w, i.b),
  linear_f64: (i) => F.linear(i.x, i.w, i.b),
  avgpool: (i) => F.avgPool2d(i.x, 2),
  avgpool_pad: (i) => F.avgPool2d(i.x, 3, { stride: 2, padding: 1, countIncludePad: false }),
  bn_train: (i) => F.batchNorm(i.x, bnArgs(i, true)),
  bn_eval: (i) => F.batchNorm(i.x, bnArgs(i, false)),
  bn_train_plain: (i) => F.batchNorm(i.x, bnArgs(i, true, false, 0.3, 1e-3)),
  lrn: (i) => F.localResponseNorm(i.x, 5, 1e-2, 0.75, 2),
  log_softmax: (i) => F.logSoftmax(i.x, 1),
  cross_entropy: (i) => F.crossEntropy(i.x, i.t),
  cross_entropy_sum: (i) => F.crossEntropy(i.x, i.t, 'sum'),
  nll: (i) => F.nllLoss(i.x, i.t),
  nll_none: (i) => F.nllLoss(i.x, i.t, 'none'),
  sum_dims: (i) => i.x.sum([0, 2]),
  mean_keep: (i) => i.x.mean(1, true),
  var: (i) => i.x.var(2),
  logsumexp: (i) => i.x.logsumexp(1),
  max: (i) => i.x.max(),
  relu_mul: (i) => i.x.relu().mul(i.y).sub(i.y.exp()),
};

/** Splits "<case>.<kind>.<name>" keys into one record per case. */
function cases(all: Map<string, Tensor>): Map<string, { in: In; out: In; grad: In }> {
  const out = new Map<string, { in: In; out: In; grad: In }>();
  for (const [key, t] of all) {
    const [name, kind, arg] = key.split('.');
    if (kind !== 'in' && kind !== 'out' && kind !== 'grad') continue;
    if (!out.has(name)) out.set(name, { in: {}, out: {}, grad: {} });
    out.get(name)![kind][arg] = t;
  }
  return out;
}

test('every fixture case has a genlab counterpart', () => {
  leakFree(() => {
    const names = [...cases(loadFixture('ops.safetensors')).keys()].sort();
    assert.deepEqual(names, Object.keys(CASES).sort());
  });
});

for (const name of Object.keys(CASES)) {
  test(`${name}: values and gradients match PyTorch`, () => {
    leakFree(() => {
      const c = cases(loadFixture('ops.safetensors')).get(name);
      assert.ok(c, `fixture case ${name}`);
      for (const k of Object.keys(c.grad)) c.in[k].requiresGrad_(true);
      const y = CASES[name](c.in);
      assertClose(y, c.out.y, `${name}: output`);
      // BatchNorm in training updates the running statistics in place, as PyTorch does.
      if (c.out.rm) assertClose(c.in.rm, c.out.rm, `${name}: running mean`);
      if (c.out.rv) assertClose(c.in.rv, c.out.rv, `${name}: running var`);
      if (c.in.gout) {
        y.mul(c.in.gout).sum().backward();
        for (const [k, g] of Object.entries(c.grad)) {
          const mine = c.in[k].grad;
          assert.ok(mine, `${name}: gradient of ${k}`);
          assertClose(mine, g, `${name}: gradient of ${k}`);
        }
      }
    });
  });
}

test("maxPool2d: genlab's plane kernel (with and without gradients) and the channels-last forward give libtorch's plain kernel's values and gradients, NaN, ±∞ and ties included", () => {
  leakFree(() => {
    // A 3-D (N·C, H, W) input takes libtorch's plain kernel; the same values as (N, C, H, W) take
    // genlab's plane kernel (float32), or the channels-last copy under setCpuConv('libtorch').
    const windows: [number, { stride: number; padding: number; ceilMode: boolean }][] = [
      [3, { stride: 2, padding: 1, ceilMode: true }],
      [3, { stride: 2, padding: 1, ceilMode: false }], // small AlexNet's and Inception's pool
      [2, { stride: 2, padding: 0, ceilMode: false }], // the CNN with BN's
      [2, { stride: 2, padding: 1, ceilMode: true }],
      [3, { stride: 1, padding: 1, ceilMode: false }],
      [4, { stride: 3, padding: 2, ceilMode: true }],
    ];
    const special = [NaN, Infinity, -Infinity];
    const before = cpuConv();
    try {
      for (const which of ['genlab', 'libtorch'] as const) {
        setCpuConv(which);
        for (const [H, W] of [
          [9, 9],
          [8, 11],
        ]) {
          const n = 2 * 6 * H * W;
          const vals = Array.from({ length: n }, (_, i) =>
            i % 17 === 0 ? special[(i / 17) % 3] : (i * 7) % 5,
          );
          for (const [k, opts] of windows) {
            scope(() => {
              const what = `${which}, ${H}×${W}, kernel ${k} ${JSON.stringify(opts)}`;
              const x4 = tensor(vals).reshape(2, 6, H, W).requiresGrad_();
              const x3 = tensor(vals).reshape(12, H, W).requiresGrad_();
              const y4 = F.maxPool2d(x4, k, opts);
              const y3 = F.maxPool2d(x3, k, opts);
              assert.deepEqual(y4.shape.slice(2), y3.shape.slice(1), `${what}: shape`);
              assertClose(y4.reshape(...y3.shape), y3, `${what}: values`, 0, 0);
              // Without gradients the plane kernel computes the values alone (no indices): the same bits.
              const alone = F.maxPool2d(tensor(vals).reshape(2, 6, H, W), k, opts);
              assertClose(alone.reshape(...y3.shape), y3, `${what}: values without gradients`, 0, 0);
              const gout = tensor(Array.from({ length: y3.numel }, (_, i) => (i % 11) - 5)).reshape(
                ...y3.shape,
              );
              y4.mul(gout.reshape(...y4.shape))
                .sum()
                .backward();
              y3.mul(gout).sum().backward();
              assertClose(x4.grad!.reshape(12, H, W), x3.grad!, `${what}: gradients`, 0, 0);
            });
          }
        }
      }
    } finally {
      setCpuConv(before);
    }
  });
});

test("setCpuSgemm: oneDNN's sgemm and libtorch's path give the same products to float rounding", () => {
  leakFree(() => {
    const g = new Generator(3);
    const x = randn([64, 300], { generator: g });
    const w = randn([200, 300], { generator: g });
    const b = randn([200], { generator: g });
    const before = cpuSgemm();
    try {
      setCpuSgemm('libtorch');
      assert.equal(cpuSgemm(), 'libtorch');
      const viaLibtorch = F.linear(x, w, b);
      setCpuSgemm(before);
      assertClose(F.linear(x, w, b), viaLibtorch, `linear via ${before}`, 1e-4, 1e-4);
    } finally {
      setCpuSgemm(before);
    }
    assert.throws(() => setCpuSgemm('mkl' as CpuSgemm), {
      name: 'InputError',
      message: 'CPU sgemm: expected "oneDNN" or "libtorch", got "mkl"',
    });
  });
});

test('Linear and Conv2d with Generator(s) draw what torch.manual_seed(s) draws', () => {
  const ref = reference().init;
  leakFree(() => {
    const st = loadFixture('train.safetensors');
    const lin = new Linear(ref.linear.in, ref.linear.out, { generator: new Generator(ref.linear.seed) });
    const conv = new Conv2d(ref.conv.in, ref.conv.out, ref.conv.kernel, {
      generator: new Generator(ref.conv.seed),
    });
    try {
      for (const [m, prefix] of [
        [lin, 'init.linear'],
        [conv, 'init.conv'],
      ] as const) {
        for (const [k, t] of m.stateDict()) {
          // The same libtorch draws the same float32 values: equal, not merely close.
          assertClose(t.detach(), get(st, `${prefix}.${k}`), `${prefix}.${k}`, 0, 0);
        }
      }
    } finally {
      lin.dispose();
      conv.dispose();
    }
  });
});

test("shape mismatches throw an Error naming the op with libtorch's message, and the process goes on", () => {
  const msg = reference().errors;
  leakFree(() => {
    const x = zeros([1, 2, 5, 5]);
    const w = zeros([4, 3, 3, 3]);
    const expectError = (fn: () => unknown, op: string, text: string): void => {
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof Error && !(e instanceof TypeError), `${op}: an Error`);
        assert.equal(e.message, `${op}: ${text}`);
        return true;
      });
    };
    expectError(() => F.conv2d(x, w, undefined), 'conv2d', msg.conv2d);
    expectError(() => F.linear(zeros([2, 3]), zeros([4, 5])), 'linear', msg.linear);
    expectError(() => zeros([2, 3]).add(zeros([4, 5])), 'add', msg.add);
    // The engine still works after the errors.
    assert.equal(F.conv2d(zeros([1, 3, 5, 5]), w, undefined).shape.join('x'), '1x4x3x3');
  });
});

test("maxPool2d: one-element kernel, stride and padding lists reach libtorch's reading of them (one size for both sides), and malformed ones its error", () => {
  leakFree(() => {
    const x = randn([2, 3, 9, 9], { generator: new Generator(8) });
    const one = new Tensor(native.maxPool2d(x.handle, [3], [2], [1], false));
    assertClose(one, F.maxPool2d(x, 3, { stride: 2, padding: 1 }), 'one-element lists', 0, 0);
    assert.throws(
      () => native.maxPool2d(x.handle, [3, 3, 3], [2], [1], false),
      /^Error: maxPool2d: .*kernel_size/,
    );
  });
});

test('wrong argument types throw a TypeError naming the op', () => {
  leakFree(() => {
    const x = tensor([1, 2, 3]);
    const bogus = 'not a tensor' as unknown as Handle;
    assert.throws(() => native.linear(bogus, x.handle), {
      name: 'TypeError',
      message: 'linear: argument 0: expected a tensor handle, got a string',
    });
    assert.throws(() => native.add(x.handle, bogus), TypeError);
    assert.throws(
      () =>
        F.conv2d(zeros([1, 1, 3, 3]), zeros([1, 1, 1, 1]), undefined, { stride: 'two' as unknown as number }),
      {
        name: 'TypeError',
        message: 'conv2d: argument 3: expected an array of integers',
      },
    );
    const ceilMode = 'yes' as unknown as boolean;
    assert.throws(
      () => F.maxPool2d(zeros([1, 1, 4, 4]), 2, { ceilMode }),
      /^TypeError: maxPool2d: argument 4: expected a boolean$/,
    );
    assert.equal(
      noGrad(() => x.sum().item()),
      6,
    );
  });
});

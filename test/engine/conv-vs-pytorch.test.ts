// genlab's fused conv-net kernels (native/src/ops-conv.cc) against PyTorch, and against libtorch's own ops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  tensor,
  cpuConv,
  getNumThreads,
  noGrad,
  rand,
  randn,
  setCpuConv,
  setNumThreads,
  type CpuConv,
  type Tensor,
} from '../../src/engine/index.js';
import {
  BatchNorm2d,
  Conv2d,
  F,
  Flatten,
  Linear,
  LocalResponseNorm,
  MaxPool2d,
  ReLU,
  Sequential,
} from '../../src/nn/index.js';
import { assertClose, get, leakFree, loadFixture, stateUnder, train } from '../support/helpers.js';

/** Runs fn with the conv-net layers on `which` path, then puts the previous path back. */
function withConv<T>(which: CpuConv, fn: () => T): T {
  const before = cpuConv();
  setCpuConv(which);
  try {
    return fn();
  } finally {
    setCpuConv(before);
  }
}

type In = Record<string, Tensor>;
/** Each case of make_conv() in make-fixtures.py, computed with genlab. */
const CASES: Record<string, (i: In) => Tensor> = {
  lrn_alexnet: (i) => F.localResponseNorm(i.x, 9, 1e-3, 0.75, 1),
  lrn_even: (i) => F.localResponseNorm(i.x, 4, 0.5, 0.6, 1.5),
  lrn_wide: (i) => F.localResponseNorm(i.x, 7, 0.2, 1.3, 0.5),
  lrn_big: (i) => F.localResponseNorm(i.x, 5, 1e-4, 0.75, 1),
  bn_relu: (i) => bnRelu(i, 1e-5),
  bn_relu_shift: (i) => bnRelu(i, 1e-3),
  bn_relu_long: (i) => bnRelu(i, 1e-5),
  bn_relu_unit: (i) => bnRelu(i, 1e-5),
};
/** relu(batch_norm(x)) in training, without running statistics, as one fused call. */
function bnRelu(i: In, eps: number): Tensor {
  return F.batchNorm(i.x, { weight: i.w, bias: i.b, training: true, momentum: 0.1, eps, relu: true });
}

/** The tensors of case `name`: inputs, the output y and the gradients of sum(y · gout). */
function fixtureCase(all: Map<string, Tensor>, name: string): { in: In; out: Tensor; grad: In } {
  const c = { in: {} as In, out: get(all, `${name}.out.y`), grad: {} as In };
  for (const [key, t] of all) {
    const [n, kind, arg] = key.split('.');
    if (n === name && kind === 'in') c.in[arg] = t;
    if (n === name && kind === 'grad') c.grad[arg] = t;
  }
  return c;
}

test('every conv fixture case has a genlab counterpart', () => {
  leakFree(() => {
    const names = new Set([...loadFixture('conv.safetensors').keys()].map((k) => k.split('.')[0]));
    names.delete('alex');
    assert.deepEqual([...names].sort(), Object.keys(CASES).sort());
  });
});

for (const which of ['genlab', 'libtorch'] as const) {
  for (const name of Object.keys(CASES)) {
    test(`${name} on ${which}'s path: values and gradients match PyTorch`, () => {
      leakFree(() =>
        withConv(which, () => {
          const c = fixtureCase(loadFixture('conv.safetensors'), name);
          for (const k of Object.keys(c.grad)) c.in[k].requiresGrad_(true);
          const y = CASES[name](c.in);
          assertClose(y, c.out, `${name}: output`);
          y.mul(c.in.gout).sum().backward();
          for (const [k, g] of Object.entries(c.grad))
            assertClose(c.in[k].grad!, g, `${name}: gradient of ${k}`);
          // Without autograd the forward takes its no-save branch: the same values.
          c.in.x.requiresGrad_(false);
          assertClose(CASES[name](c.in), c.out, `${name}: output without autograd`);
        }),
      );
    });
  }

  test(`a small AlexNet follows PyTorch for 20 SGD steps on ${which}'s path`, () => {
    leakFree(() =>
      withConv(which, () => {
        const st = loadFixture('conv.safetensors');
        const lrn = (): LocalResponseNorm => new LocalResponseNorm(9, 1e-3, 0.75, 1);
        const pool = (): MaxPool2d => new MaxPool2d(3, { stride: 2, padding: 1 });
        // (N, 3, 14, 14) conv5(8) ReLU pool LRN → (8, 7, 7) conv5(8) ReLU LRN pool → (8, 4, 4) → 10
        const net = new Sequential(
          new Conv2d(3, 8, 5, { padding: 2 }),
          new ReLU(),
          pool(),
          lrn(),
          new Conv2d(8, 8, 5, { padding: 2 }),
          new ReLU(),
          lrn(),
          pool(),
          new Flatten(),
          new Linear(8 * 4 * 4, 10),
        );
        try {
          net.loadStateDict(stateUnder(st, 'alex.init'));
          const losses = train(net, get(st, 'alex.x'), get(st, 'alex.y'), 20, { lr: 0.05, momentum: 0.9 });
          assertClose(losses, get(st, 'alex.losses').toArray(), 'AlexNet losses', 1e-3, 1e-5);
          const w = net.stateDict().get('4.weight')!.detach();
          assertClose(w, get(st, 'alex.final.4.weight'), 'final 4.weight', 1e-3, 1e-4);
        } finally {
          net.dispose();
        }
      }),
    );
  });
}

test("batch norm + ReLU without autograd (training and eval) equals libtorch's batch_norm and relu, running statistics too", () => {
  leakFree(() => {
    const g = new Generator(11);
    // Channels of 1,600 values (runs longer than a chunk), and Inception's BN: shift only, eps 1e-3.
    for (const [shape, bnOpts] of [
      [[3, 4, 40, 40], {}],
      [[16, 8, 7, 7], { scale: false, center: true, eps: 1e-3, momentum: 0.01 }],
    ] as const) {
      const x = randn(shape, { generator: g }).mul(1.5).add(0.2);
      const out: Record<CpuConv, Tensor[]> = { genlab: [], libtorch: [] };
      for (const which of ['genlab', 'libtorch'] as const)
        withConv(which, () => {
          const bn = new BatchNorm2d(shape[1], bnOpts);
          const state = bn.stateDict();
          noGrad(() => {
            const mean = randn([shape[1]], { generator: new Generator(3) });
            const variance = rand([shape[1]], { generator: new Generator(4) }).add(0.5);
            state.get('running_mean')!.copy_(mean);
            state.get('running_var')!.copy_(variance);
            mean.dispose();
            variance.dispose();
            const train = bn.forwardRelu(x);
            bn.eval();
            const evalOut = bn.forwardRelu(x);
            out[which] = [
              train,
              evalOut,
              state.get('running_mean')!.clone(),
              state.get('running_var')!.clone(),
            ];
          });
          bn.dispose();
        });
      ['training output', 'eval output', 'running mean', 'running var'].forEach((what, k) =>
        assertClose(out.genlab[k], out.libtorch[k], `${shape.join('×')}: ${what}`, 1e-5, 1e-6),
      );
      for (const t of [x, ...out.genlab, ...out.libtorch]) t.dispose();
    }
  });
});

test('Sequential pools before a ReLU that precedes max pooling: the same values and gradients to the bit', () => {
  leakFree(() => {
    const g = new Generator(5);
    const conv = new Conv2d(3, 4, 3, { padding: 1, generator: g });
    const net = new Sequential(conv, new ReLU(), new MaxPool2d(3, { stride: 2, padding: 1 }));
    const x = randn([2, 3, 9, 9], { generator: g });
    const gout = randn([2, 4, 5, 5], { generator: g });
    const grads = (y: Tensor): Tensor[] => {
      y.mul(gout).sum().backward();
      const out = [y.detach(), conv.weight.grad!, conv.stateDict().get('bias')!.grad!].map((t) => t.clone());
      net.zeroGrad();
      return out;
    };
    // A weight pushed negative makes whole windows ≤ 0, where the two orders pick different maxima.
    noGrad(() => conv.weight.narrow(0, 0, 1).sub_(1));
    const fused = grads(net.forward(x));
    const plain = grads(F.maxPool2d(F.relu(conv.forward(x)), 3, { stride: 2, padding: 1 }));
    ['output', 'weight gradient', 'bias gradient'].forEach((what, k) =>
      assertClose(fused[k], plain[k], what, 0, 0),
    );
    net.dispose();
  });
});

test("genlab's kernels (batch norm + ReLU, max pooling, LRN) give the same bits on 2 threads as on 1", () => {
  // Each splits its work across OpenMP threads (at::parallel_for) by channel or plane, so the thread
  // count must not change a digit: a run's results depend on its config, not on --threads.
  leakFree(() => {
    const g = new Generator(11);
    const x = randn([8, 16, 24, 24], { generator: g }); // past every kernel's grain, so 2 threads split it
    const gout = randn([8, 16, 24, 24], { generator: g });
    const w = rand([16], { generator: g });
    const b = randn([16], { generator: g });
    const poolOut = randn([8, 16, 12, 12], { generator: g });
    const results = (): Tensor[] => {
      const xi = x.detach().requiresGrad_(true);
      const wi = w.detach().requiresGrad_(true);
      const bi = b.detach().requiresGrad_(true);
      const rm = randn([16], { generator: new Generator(1) });
      const rv = rand([16], { generator: new Generator(2) });
      const y = F.batchNorm(xi, {
        weight: wi,
        bias: bi,
        runningMean: rm,
        runningVar: rv,
        training: true,
        momentum: 0.1,
        eps: 1e-5,
        relu: true,
      });
      const pooled = F.maxPool2d(xi, 3, { stride: 2, padding: 1 });
      const lrn = F.localResponseNorm(xi, 9, 1e-3, 0.75, 1);
      y.mul(gout).sum().add(pooled.mul(poolOut).sum()).add(lrn.mul(gout).sum()).backward();
      const out = [y, pooled, lrn, xi.grad!, wi.grad!, bi.grad!, rm, rv].map((t) => t.detach().clone());
      for (const t of [xi, wi, bi, rm, rv, y, pooled, lrn]) t.dispose();
      return out;
    };
    const before = getNumThreads();
    try {
      setNumThreads(1);
      const one = results();
      setNumThreads(2);
      const two = results();
      [
        'BN + ReLU',
        'max pool',
        'LRN',
        'input gradient',
        'weight gradient',
        'bias gradient',
        'running mean',
        'running var',
      ].forEach((what, k) => assertClose(two[k], one[k], what, 0, 0));
      for (const t of [...one, ...two]) t.dispose();
    } finally {
      setNumThreads(before);
    }
    for (const t of [x, gout, w, b, poolOut]) t.dispose();
  });
});

test('setCpuConv names what it expected', () => {
  assert.throws(() => setCpuConv('onednn' as CpuConv, 'GENLAB_CPU_CONV'), {
    name: 'InputError',
    message: 'GENLAB_CPU_CONV: expected "genlab" or "libtorch", got "onednn"',
  });
});

test("channels-last max pooling (a bf16 net's layout): libtorch's values and gradients, ties, NaN and -inf included", () => {
  leakFree(() => {
    const g = new Generator(5);
    // (N, H, W, C) memory seen as (N, C, H, W): channels-last. Rounded values make ties; then NaN and -inf.
    const base = randn([3, 9, 10, 12], { generator: g }).mul(2).round();
    const raw = base.data() as Float32Array;
    for (const i of [7, 100, 101, 555]) raw[i] = NaN;
    for (const i of [30, 31, 700]) raw[i] = -Infinity;
    const x32 = tensor(raw, [3, 9, 10, 12]).permute(0, 3, 1, 2);
    for (const [kernel, o] of [
      [3, { stride: 2 }],
      [3, { stride: 2, padding: 1 }],
      [2, { stride: 2, ceilMode: true }],
      [3, { stride: 1, padding: 1, ceilMode: true }],
    ] as const) {
      for (const dtype of ['float32', 'bfloat16'] as const) {
        const what = `kernel ${kernel} ${JSON.stringify(o)} ${dtype}`;
        const run = (which: CpuConv) =>
          withConv(which, () => {
            const x = x32.to(dtype).detach().requiresGrad_(true); // still channels-last
            const y = F.maxPool2d(x, kernel, o);
            const gy = rand(y.shape, { generator: new Generator(9) }).to(dtype);
            y.backward(gy);
            return [y, x.grad!].map((t) => t.to('float32').contiguous().detach());
          });
        const [mine, ref] = [run('genlab'), run('libtorch')];
        assertClose(mine[0], ref[0], `${what}: values`, 0, 0);
        assertClose(mine[1], ref[1], `${what}: input gradient`, 0, 0);
      }
    }
  });
});

// Training against PyTorch: 20-step loss trajectories of an MLP and a BN CNN, SGD's rule, LR schedules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  getBlasThreads,
  getNumThreads,
  liveTensors,
  randn,
  scope,
  setNumThreads,
} from '../../src/engine/index.js';
import { F, Flatten, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { SGD, checkSchedule, learningRate } from '../../src/optim/index.js';
import {
  assertClose,
  get,
  leakFree,
  loadFixture,
  reference,
  smallCnn,
  stateUnder,
  train,
} from '../support/helpers.js';

// float32 on the same libtorch: the trajectories agree far tighter than this.
const close = (mine: number[], ref: number[], what: string): void => assertClose(mine, ref, what, 1e-3, 1e-5);

test('MLP 784-512-10 follows PyTorch for 20 SGD steps (momentum; Nesterov with weight decay)', () => {
  const ref = reference().mlp;
  leakFree(() => {
    const st = loadFixture('train.safetensors');
    const mlp = new Sequential(new Flatten(), new Linear(784, 512), new ReLU(), new Linear(512, 10));
    try {
      const init = stateUnder(st, 'mlp.init');
      mlp.loadStateDict(init);
      close(
        train(mlp, get(st, 'mlp.x'), get(st, 'mlp.y'), 20, { lr: 0.05, momentum: 0.9 }),
        ref.momentum,
        'momentum losses',
      );
      assertClose(
        mlp.stateDict().get('3.bias')!.detach(),
        get(st, 'mlp.final.3.bias'),
        'final 3.bias',
        1e-3,
        1e-4,
      );
      mlp.loadStateDict(init);
      const o = { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-3 };
      close(
        train(mlp, get(st, 'mlp.x'), get(st, 'mlp.y'), 20, o),
        ref.nesterov_wd,
        'Nesterov + weight decay losses',
      );
    } finally {
      mlp.dispose();
    }
  });
});

test('a small CNN with BatchNorm follows PyTorch for 20 SGD steps, running statistics included', () => {
  const ref = reference().cnn;
  leakFree(() => {
    const st = loadFixture('train.safetensors');
    const cnn = smallCnn();
    try {
      cnn.loadStateDict(stateUnder(st, 'cnn.init'));
      const x = get(st, 'cnn.x');
      const y = get(st, 'cnn.y');
      close(train(cnn, x, y, 20, { lr: 0.05, momentum: 0.9 }), ref.momentum, 'CNN losses');
      const mine = cnn.stateDict();
      for (const [k, t] of stateUnder(st, 'cnn.final'))
        assertClose(mine.get(k)!.detach(), t, `final ${k}`, 1e-3, 1e-4);
      cnn.eval();
      close([F.crossEntropy(cnn.forward(x), y).item()], [ref.evalLoss], 'eval-mode loss');
    } finally {
      cnn.dispose();
    }
  });
});

test("SGD's update rule matches torch.optim.SGD for each setting over three steps", () => {
  const configs = reference().sgd;
  leakFree(() => {
    const st = loadFixture('train.safetensors');
    configs.forEach((cfg, c) => {
      const p = get(st, 'sgd.p0').clone().requiresGrad_();
      const opt = new SGD([p], cfg);
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        scope(() =>
          p
            .mul(get(st, `sgd.g${i}`))
            .sum()
            .backward(),
        ); // gradient = g_i
        opt.step();
        assertClose(p.detach(), get(st, `sgd.c${c}.p${i}`), `${JSON.stringify(cfg)} step ${i}`, 1e-5, 1e-6);
      }
      opt.dispose();
    });
  });
});

test('SGD validates its settings up front', () => {
  assert.throws(() => new SGD([], { lr: -1 }), {
    message: 'sgd: invalid learning rate: -1; expected a finite number ≥ 0',
  });
  assert.throws(() => new SGD([], { lr: 0.1, momentum: NaN }), /sgd: invalid momentum: NaN/);
  assert.throws(() => new SGD([], { lr: 0.1, nesterov: true }), {
    message: 'sgd: Nesterov momentum requires a momentum > 0 and zero dampening',
  });
});

test('learningRate per examples seen matches torch StepLR stepped every `every` examples', () => {
  const s = reference().schedule;
  const spec = checkSchedule({ kind: 'step', gamma: s.gamma, every: s.every });
  const mine = s.lrs.map((_, step) => learningRate(s.lr0, spec, step * s.batch));
  assertClose(mine, s.lrs, 'step schedule', 1e-12, 0);
});

test("learningRate: the paper's ×0.95 per 50,000 examples, and constant", () => {
  const exp = { kind: 'exponential', gamma: 0.95, every: 50_000 } as const;
  assert.equal(learningRate(0.01, exp, 0), 0.01);
  assert.equal(learningRate(0.01, exp, 49_999), 0.01);
  assert.equal(learningRate(0.01, exp, 50_000), 0.01 * 0.95);
  assert.equal(learningRate(0.01, exp, 250_000), 0.01 * 0.95 ** 5);
  assert.equal(learningRate(0.1, { kind: 'constant' }, 1e9), 0.1);
  // per-epoch: ×gamma per epoch of whatever size (the literal reading of §4), not per 50,000 examples
  const perEpoch = { kind: 'per-epoch', gamma: 0.95, every: 50_000 } as const;
  assert.equal(learningRate(0.01, perEpoch, 59_999, 0), 0.01);
  assert.equal(learningRate(0.01, perEpoch, 60_000, 1), 0.01 * 0.95);
  assert.equal(learningRate(0.01, perEpoch, 64, 3), 0.01 * 0.95 ** 3);
  assert.throws(() => checkSchedule({ kind: 'step', gamma: 1.5, every: 10 }), {
    message: 'schedule: decay factor must be in (0, 1]; got 1.5',
  });
  assert.throws(() => checkSchedule({ kind: 'step', gamma: 0.5, every: 0 }, 'lr'), {
    message: 'lr: decay interval must be a positive number of examples; got 0',
  });
});

test('Sequential frees its intermediate outputs at once, and gradients still reach every layer', () => {
  leakFree(() => {
    const net = new Sequential(new Flatten(), new Linear(12, 8), new ReLU(), new Linear(8, 3));
    const x = randn([5, 3, 2, 2]);
    const before = liveTensors();
    const loss = scope(() => {
      const out = net.forward(x);
      // x, the output and nothing else from the forward pass is alive: 3 intermediates were freed.
      assert.equal(liveTensors(), before + 1);
      const l = out.square().mean();
      l.backward();
      return l.item();
    });
    assert.ok(Number.isFinite(loss));
    for (const [name, p] of net.namedParameters())
      assert.ok(p.grad && p.grad.abs().sum().item() > 0, `${name} has a gradient`);
    assert.ok(!x.disposed, "the input is the caller's and stays alive");
    net.zeroGrad();
    x.dispose();
    net.dispose();
  });
});

test("setNumThreads sizes libtorch's pool and OpenBLAS's alike", () => {
  const [t, b] = [getNumThreads(), getBlasThreads()];
  try {
    setNumThreads(1, 2);
    assert.equal(getNumThreads(), 1);
    // -1: this libtorch does not use OpenBLAS; an OPENBLAS_NUM_THREADS in the environment wins.
    if (b !== -1 && process.env.OPENBLAS_NUM_THREADS === undefined) assert.equal(getBlasThreads(), 2);
    assert.throws(() => setNumThreads(1, 0), /BLAS threads: expected a positive integer, got 0/);
  } finally {
    setNumThreads(t, Math.max(b, 1));
  }
});

// bf16 mixed precision (CPU autocast) against PyTorch's torch.cpu.amp.autocast(dtype=torch.bfloat16) on the
// same weights (test/fixtures/make-fixtures.py, make_bf16): logits, loss, every gradient, 10 SGD steps.
//
// Tolerances: bfloat16 keeps 8 significant bits (a relative step of 2⁻⁸ ≈ 0.4%). genlab runs the same
// libtorch kernels except where it has its own (LRN in float32, max pooling exact) and lays the
// convolutions' inputs out channels-last, where oneDNN may sum in another order; so a few activations round
// to a neighbouring bfloat16. Measured here: logits within 0.05% of the largest, gradients within 0.07% of
// the net's largest, losses within 0.06% after 10 steps. Allowed: one bfloat16 step of the largest logit
// (0.4%), 0.5% of the largest gradient, 0.3% on the losses. Each check also asks that genlab's bf16 be
// closer to PyTorch's bf16 than genlab's own fp32 is, so a bf16 run that silently computed in fp32 fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, autocast, randn, tensor, type Tensor } from '../../src/engine/index.js';
import {
  Conv2d,
  F,
  Flatten,
  Linear,
  LocalResponseNorm,
  MaxPool2d,
  ReLU,
  Sequential,
  type Module,
} from '../../src/nn/index.js';
import { assertClose, get, leakFree, loadFixture, smallCnn, stateUnder, train } from '../support/helpers.js';

const NETS: Record<string, () => Module> = {
  // (N, 3, 16, 16) conv5(16) ReLU pool3/2 LRN → conv5(16) ReLU LRN pool3/2 → (16, 3, 3) → 32 → 10
  alex: () =>
    new Sequential(
      new Conv2d(3, 16, 5, { padding: 2 }),
      new ReLU(),
      new MaxPool2d(3, { stride: 2 }),
      new LocalResponseNorm(5),
      new Conv2d(16, 16, 5, { padding: 2 }),
      new ReLU(),
      new LocalResponseNorm(5),
      new MaxPool2d(3, { stride: 2 }),
      new Flatten(),
      new Linear(16 * 3 * 3, 32),
      new ReLU(),
      new Linear(32, 10),
    ),
  cnnbn: smallCnn, // make-fixtures.py's small_cnn()
  mlp: () => new Sequential(new Flatten(), new Linear(3 * 16 * 16, 64), new ReLU(), new Linear(64, 10)),
};

const maxAbs = (t: Tensor): number => t.abs().max().item();
const maxDiff = (a: Tensor, b: Tensor): number => maxAbs(a.sub(b));

for (const [name, build] of Object.entries(NETS)) {
  test(`bf16 ${name}: logits, loss and gradients as PyTorch's CPU autocast, weights and gradients in float32`, () => {
    leakFree(() => {
      const st = loadFixture('bf16.safetensors');
      const x = get(st, `${name}.x`);
      const y = get(st, `${name}.y`);
      const want = get(st, `${name}.logits`);
      const forward = (precision: 'fp32' | 'bf16') => {
        const net = build();
        try {
          net.loadStateDict(stateUnder(st, `${name}.init`));
          const logits = autocast(precision, () => net.forward(x));
          const loss = autocast(precision, () => F.crossEntropy(logits, y));
          loss.backward();
          const grads = new Map(
            [...net.namedParameters()].map(([k, p]) => {
              assert.equal(p.dtype, 'float32', `${k}: master weight`);
              assert.equal(p.grad!.dtype, 'float32', `${k}: gradient`);
              return [k, p.grad!.detach()] as const;
            }),
          );
          return { logits, loss: loss.item(), lossDtype: loss.dtype, grads };
        } finally {
          net.dispose();
        }
      };
      const bf = forward('bf16');
      const fp = forward('fp32');
      assert.equal(bf.logits.dtype, 'bfloat16', 'logits under autocast');
      assert.equal(bf.lossDtype, 'float32', 'the loss in float32');
      const logits = bf.logits.to('float32');
      assertClose(logits, want, `${name} logits`, 0, 0.004 * maxAbs(want));
      assert.ok(
        maxDiff(logits, want) < maxDiff(fp.logits, want),
        `${name}: bf16 logits nearer PyTorch's bf16 (${maxDiff(logits, want)}) than fp32's (${maxDiff(fp.logits, want)})`,
      );
      assertClose([bf.loss], get(st, `${name}.loss`).toArray(), `${name} loss`, 0.003, 1e-4);
      // Against the net's largest gradient: a conv bias before batch norm has a gradient of zero but for rounding.
      const largest = Math.max(...[...bf.grads.keys()].map((k) => maxAbs(get(st, `${name}.grad.${k}`))));
      for (const [k, g] of bf.grads)
        assertClose(g, get(st, `${name}.grad.${k}`), `${name} gradient of ${k}`, 0, 0.005 * largest);
    });
  });

  test(`bf16 ${name}: 10 SGD steps follow PyTorch's autocast losses`, () => {
    leakFree(() => {
      const st = loadFixture('bf16.safetensors');
      const run = (precision: 'fp32' | 'bf16') => {
        const net = build();
        try {
          net.loadStateDict(stateUnder(st, `${name}.init`));
          return train(net, get(st, `${name}.x`), get(st, `${name}.y`), 10, {
            lr: 0.05,
            momentum: 0.9,
            precision,
          });
        } finally {
          net.dispose();
        }
      };
      const want = get(st, `${name}.losses`).toArray();
      const losses = run('bf16');
      assertClose(losses, want, `${name} losses`, 0.003, 1e-4);
      const gap = (xs: number[]) => Math.max(...xs.map((v, i) => Math.abs(v - want[i])));
      assert.ok(gap(losses) < gap(run('fp32')), `${name}: bf16 losses nearer PyTorch's bf16 than fp32's`);
    });
  });
}

test('bf16 LRN: a NaN in the gradient stays NaN in bfloat16, whatever its payload (rounding 0x7FFFFFFF carried into the sign)', () => {
  leakFree(() => {
    const x = randn([1, 6, 2, 2], { generator: new Generator(3) })
      .to('bfloat16')
      .requiresGrad_(true);
    const y = F.localResponseNorm(x, 5, 1e-4, 0.75, 1);
    assert.equal(y.dtype, 'float32', 'LRN answers in float32, as autocast runs it');
    const bits = new Uint32Array(y.shape.reduce((a, b) => a * b, 1)).fill(0x3f800000); // 1.0
    bits[5] = 0x7fffffff; // a quiet NaN with every payload bit set
    y.backward(tensor(new Float32Array(bits.buffer), y.shape));
    const gx = x.grad!.to('float32').data() as Float32Array;
    // channel 1, pixel 1's NaN reaches pixel 1 of the channels whose window holds channel 1: 0 to 3
    const nan = [1, 5, 9, 13];
    gx.forEach((v, i) => assert.equal(Number.isNaN(v), nan.includes(i), `gradient ${i}: ${v}`));
  });
});

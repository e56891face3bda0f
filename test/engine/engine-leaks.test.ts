// Leaks: 2,000 training steps keep the live-tensor count unchanged and resident memory flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  cachedBytes,
  cachedMemoryLimit,
  engineInfo,
  full,
  liveTensors,
  randint,
  randn,
  releaseCachedMemory,
  scope,
  setCachedMemoryLimit,
  type Tensor,
} from '../../src/engine/index.js';
import {
  BatchNorm2d,
  Conv2d,
  F,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  type Module,
} from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';

const underAddressSanitizer = (process.env.LD_PRELOAD ?? '').includes('libasan');

/**
 * Trains `model` on one batch for `steps` SGD steps and checks that nothing leaks: the live-tensor
 * count after the first step (returned, with the last loss) stays put, and resident memory grows
 * less than 30 MiB from step `from` on. Frees the model, optimizer and batch.
 */
function trainWithoutLeaks(
  model: Module,
  x: Tensor,
  y: Tensor,
  opt: SGD,
  steps: number,
  from: number,
): { settled: number; loss: number } {
  const step = (): number =>
    scope(() => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    });
  let loss = step();
  const settled = liveTensors();
  let rssFrom = 0;
  for (let i = 2; i <= steps; i++) {
    loss = step();
    if (i === from) rssFrom = process.memoryUsage().rss;
  }
  const growth = (process.memoryUsage().rss - rssFrom) / 2 ** 20;
  assert.equal(liveTensors(), settled, `live tensors after ${steps} steps`);
  // Under AddressSanitizer (scripts/sanitize.sh preloads libasan) freed memory waits in its quarantine (256 MiB),
  // so resident memory measures nothing there; the live-tensor count above still does.
  if (!underAddressSanitizer)
    assert.ok(
      growth < 30,
      `resident memory grew by ${growth.toFixed(1)} MiB between step ${from} and ${steps}; expected < 30`,
    );
  opt.dispose();
  model.dispose();
  x.dispose();
  y.dispose();
  return { settled, loss };
}

test('2,000 SGD steps of a small MLP leak no tensors and no memory', () => {
  const baseline = liveTensors();
  const g = new Generator(0);
  const x = randn([16, 32], { generator: g });
  const y = randint(0, 10, [16], { generator: g });
  const mlp = new Sequential(
    new Linear(32, 64, { generator: g }),
    new ReLU(),
    new Linear(64, 10, { generator: g }),
  );
  const params = mlp.parameters().length;
  const opt = new SGD(mlp.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
  const { settled, loss } = trainWithoutLeaks(mlp, x, y, opt, 2000, 500);
  // data (2) + parameters (4) + one momentum buffer per parameter (4)
  assert.equal(settled, baseline + 2 + 2 * params);
  assert.ok(loss < 0.5, `the MLP should fit 16 examples; final loss ${loss}`);
  assert.equal(liveTensors(), baseline);
});

test("1,000 SGD steps of a small CNN (genlab's own max-pool and sgemm autograd) leak no tensors and no memory", () => {
  const baseline = liveTensors();
  const g = new Generator(1);
  // One leaked activation a step (32×16×16×16 floats, 512 KiB) would add 400 MiB over the 800 measured steps.
  const x = randn([32, 3, 16, 16], { generator: g });
  const y = randint(0, 10, [32], { generator: g });
  const cnn = new Sequential(
    new Conv2d(3, 16, 3, { padding: 1, generator: g }),
    new BatchNorm2d(16),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 8 * 8, 10, { generator: g }),
  );
  trainWithoutLeaks(cnn, x, y, new SGD(cnn.parameters(), { lr: 0.01, momentum: 0.9 }), 1000, 200);
  assert.equal(liveTensors(), baseline);
});

// native/src/allocator.cc is installed for libtorch up to 2.2; newer ones keep their own allocator.
const [major, minor] = engineInfo().torch.split('.').map(Number);
const ownAllocator = major < 2 || (major === 2 && minor < 3);

test(
  'large blocks are kept when freed and handed out again; small ones are not cached',
  { skip: !ownAllocator && `libtorch ${engineInfo().torch} keeps its own CPU allocator` },
  () => {
    releaseCachedMemory();
    assert.equal(cachedBytes(), 0);
    const n = 1 << 20; // 4 MiB of float32
    full([n], 1).dispose();
    const kept = cachedBytes();
    assert.ok(
      kept >= 4 * n && kept < 4 * n + 8192,
      `a freed 4 MiB tensor leaves its block cached (${kept} bytes)`,
    );
    const b = full([n], 2); // the same size: the cached block, filled anew
    assert.equal(cachedBytes(), 0);
    assert.equal(b.sum().item(), 2 * n);
    b.dispose();
    full([100], 1).dispose(); // 400 bytes: malloc's, never cached
    assert.equal(cachedBytes(), kept);
    releaseCachedMemory();
    assert.equal(cachedBytes(), 0);
  },
);

test(
  'a full cache unmaps its least recently freed blocks first',
  { skip: !ownAllocator && `libtorch ${engineInfo().torch} keeps its own CPU allocator` },
  () => {
    const limit = cachedMemoryLimit();
    assert.ok(limit >= 2 ** 31, `the default limit is at least 2 GiB (${limit})`);
    releaseCachedMemory();
    try {
      const mib = 2 ** 20;
      setCachedMemoryLimit(10 * mib);
      full([mib], 1).dispose(); // 4 MiB freed first
      const small = cachedBytes();
      full([2 * mib], 1).dispose(); // 8 MiB: room is made by unmapping the 4 MiB block
      const big = cachedBytes();
      assert.ok(
        big >= 8 * mib && big < 8 * mib + 8192,
        `only the newer 8 MiB block stays cached (${big} bytes)`,
      );
      assert.ok(small < big);
      full([2 * mib], 2).dispose(); // reuses it
      assert.equal(cachedBytes(), big);
      setCachedMemoryLimit(0);
      assert.equal(cachedBytes(), 0, 'lowering the limit evicts at once');
      assert.throws(() => setCachedMemoryLimit(-1), {
        name: 'InputError',
        message: 'cached memory limit: expected a whole number of bytes ≥ 0, got -1',
      });
    } finally {
      setCachedMemoryLimit(limit);
    }
  },
);

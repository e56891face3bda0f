// Shared pieces of the cross-room engine tests: fixture paths, closeness checks, leak guards.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { autocast, liveTensors, scope, type Precision, type Tensor } from '../../src/engine/index.js';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  F,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  loadSafetensors,
  type Module,
} from '../../src/nn/index.js';
import { SGD, type SgdOptions } from '../../src/optim/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// dist/test/support -> repository root (compiled), or test/support -> repository root (sources)
const root = path.resolve(here, path.basename(path.resolve(here, '../..')) === 'dist' ? '../../..' : '../..');

/** A file under test/fixtures/ (made by test/fixtures/make-fixtures.py). */
export function fixturePath(name: string): string {
  return path.join(root, 'test', 'fixtures', name);
}

/** The tensors of a fixture file; they join the current scope. */
export function loadFixture(name: string): Map<string, Tensor> {
  return loadSafetensors(fixturePath(name)).tensors;
}

export interface Reference {
  init: {
    linear: { seed: number; in: number; out: number };
    conv: { seed: number; in: number; out: number; kernel: number };
  };
  mlp: { momentum: number[]; nesterov_wd: number[] };
  cnn: { momentum: number[]; evalLoss: number };
  sgd: { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean }[];
  schedule: { lr0: number; gamma: number; every: number; batch: number; lrs: number[] };
  errors: Record<'conv2d' | 'linear' | 'add', string>;
}

export function reference(): Reference {
  return JSON.parse(readFileSync(fixturePath('reference.json'), 'utf8')) as Reference;
}

/** A named fixture tensor, or a failure naming the missing key. */
export function get(m: Map<string, Tensor>, key: string): Tensor {
  const t = m.get(key);
  if (!t) throw new Error(`fixture: missing tensor "${key}"`);
  return t;
}

/** |a − b| ≤ atol + rtol·|b| elementwise (±∞ and NaN must match exactly), with the worst element in the message. */
export function assertClose(
  actual: Tensor | number[],
  expected: Tensor | number[],
  what: string,
  rtol = 1e-4,
  atol = 1e-5,
): void {
  const a = Array.isArray(actual) ? actual : actual.toArray();
  const b = Array.isArray(expected) ? expected : expected.toArray();
  if (!Array.isArray(actual) && !Array.isArray(expected)) {
    assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  }
  assert.equal(a.length, b.length, `${what}: length`);
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(b[i]) && Object.is(a[i], b[i])) continue;
    const over = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
    if (!(over <= excess)) {
      excess = Number.isNaN(over) ? Infinity : over;
      worst = i;
    }
  }
  assert.ok(
    worst < 0,
    `${what}: element ${worst} is ${a[worst]}; expected ${b[worst]} (rtol ${rtol}, atol ${atol})`,
  );
}

/** Runs fn in a scope and asserts that no tensor outlives it. */
export function leakFree(fn: () => void): void {
  const before = liveTensors();
  scope(fn);
  assert.equal(liveTensors(), before, 'live tensors after the test');
}

/** The fixture tensors under `prefix.`, with the prefix stripped (PyTorch's state-dict names). */
export function stateUnder(st: Map<string, Tensor>, prefix: string): Map<string, Tensor> {
  return new Map(
    [...st].filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, t]) => [k.slice(prefix.length + 1), t]),
  );
}

/** `steps` SGD steps of cross-entropy on one batch; the loss before each step. */
export function train(
  model: Module,
  x: Tensor,
  y: Tensor,
  steps: number,
  o: SgdOptions & { precision?: Precision },
): number[] {
  const { precision = 'fp32', ...sgd } = o;
  const opt = new SGD(model.parameters(), sgd);
  const losses: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      losses.push(
        scope(() => {
          opt.zeroGrad();
          const loss = autocast(precision, () => F.crossEntropy(model.forward(x), y));
          loss.backward();
          opt.step();
          return loss.item();
        }),
      );
    }
  } finally {
    opt.dispose();
  }
  return losses;
}

/** make-fixtures.py's small_cnn(): (N, 3, 16, 16) → conv3(8) BN ReLU maxpool2 → conv3(16) BN ReLU avgpool2 → FC 10. */
export function smallCnn(): Sequential {
  return new Sequential(
    new Conv2d(3, 8, 3, { padding: 1 }),
    new BatchNorm2d(8),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1 }),
    new BatchNorm2d(16),
    new ReLU(),
    new AvgPool2d(2),
    new Flatten(),
    new Linear(16 * 4 * 4, 10),
  );
}

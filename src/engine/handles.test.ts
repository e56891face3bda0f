// Handle kinds: every addon export, probed argument by argument, rejects a handle of the wrong kind
// with an error naming the op and both kinds — never a crash, a hang or a silently wrong count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { native, type Handle } from './native.js';
import { Generator, Tensor, liveTensors, randn, scope, zeros } from './index.js';

type Kind = 'tensor' | 'generator';
const KINDS: readonly Kind[] = ['tensor', 'generator'];
// What a probed argument position holds: a handle kind, a list of tensors, or a plain value.
type Spec = Kind | 'tensors' | { value: unknown };

const addon = native as unknown as Record<string, (...args: unknown[]) => unknown>;
const ARG_ERROR = /^(\w+): argument (\d+)(?:\[\d+\])?: expected (.+?)(?:, got .+)?$/;
const MAX_ARGS = 9; // batchNorm takes 8

const made: unknown[] = [];
function handle(kind: Kind): unknown {
  const h = kind === 'tensor' ? native.zeros([2, 2], 'float32') : native.newGenerator(1);
  if (kind === 'tensor') made.push(h);
  return h;
}
function materialize(spec: Spec): unknown {
  if (spec === 'tensors') return [handle('tensor')];
  if (typeof spec === 'string') return handle(spec);
  return spec.value;
}
function fillerFor(expected: string): Spec | undefined {
  if (expected === 'a tensor handle') return 'tensor';
  if (expected === 'a generator handle') return 'generator';
  if (expected === 'an array of tensors') return 'tensors';
  const values: Record<string, unknown> = {
    'an array of integers': [2, 2],
    'an integer': 1,
    'a number': 1,
    'a boolean': false,
    'a string': 'float32',
    'a typed array': new Float32Array(4),
  };
  return expected in values ? { value: values[expected] } : undefined;
}

/** Calls op with args; returns the error it threw (or undefined), freeing every tensor it made. */
function call(op: string, args: unknown[]): Error | undefined {
  try {
    const out = addon[op](...args);
    if (op !== 'newGenerator') for (const h of [out].flat()) if (isHandle(h)) native.dispose(h as Handle);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof Error, `${op} threw a non-Error: ${String(e)}`);
    assert.ok(e.message.startsWith(`${op}: `), `an error from ${op} names another op: ${e.message}`);
    return e;
  } finally {
    for (const h of made.splice(0)) native.dispose(h as Handle);
  }
}
// An External: an object without a prototype (plain results, like version()'s, have Object's).
const isHandle = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === null;

/** The arguments that let op get past its argument checks, learnt from its own error messages. */
function probe(op: string): Spec[] {
  const specs: Spec[] = [];
  for (let round = 0; round < 2 * MAX_ARGS; round++) {
    const err = call(
      op,
      specs.map((s) => (s === undefined ? undefined : materialize(s))),
    );
    const m = err?.message.match(ARG_ERROR);
    if (!m || m[1] !== op) return specs; // ran, or failed inside libtorch with every argument read
    const i = Number(m[2]);
    const spec = fillerFor(m[3]);
    assert.ok(spec !== undefined, `${op}: no filler for "${m[3]}"`);
    assert.ok(specs[i] === undefined, `${op}: argument ${i} refused its filler: ${err?.message}`);
    specs[i] = spec;
  }
  assert.fail(`${op}: argument probing did not converge`);
}

test('every export rejects a handle of the wrong kind in every position, naming the op and both kinds', () => {
  const before = liveTensors();
  const settings = {
    threads: native.getNumThreads(),
    blas: native.getBlasThreads(),
    grad: native.isGradEnabled(),
    sgemm: native.hasFastSgemm(),
    conv: native.hasFastConv(),
    cacheLimit: native.allocatorCacheLimit(),
  }; // the probe calls the setters too
  const ops = Object.keys(addon).filter((k) => typeof addon[k] === 'function');
  assert.ok(ops.length > 100, `expected the addon's exports, found ${ops.length}`);
  const checked = new Map<string, number>();
  try {
    for (const op of ops) {
      const specs = probe(op);
      for (let p = 0; p < MAX_ARGS; p++) {
        for (const kind of KINDS) {
          const args = specs.map((s) => (s === undefined ? undefined : materialize(s)));
          const spec = specs[p];
          if (spec === 'tensors') args[p] = [handle(kind)];
          else args[p] = handle(kind);
          const err = call(op, args);
          const want = spec === 'tensors' ? 'tensor' : spec;
          const where = spec === 'tensors' ? `argument ${p}[0]` : `argument ${p}`;
          if (want === 'tensor' || want === 'generator') {
            if (want === kind) continue;
            assert.equal(err?.message, `${op}: ${where}: expected a ${want} handle, got a ${kind} handle`);
            checked.set(op, (checked.get(op) ?? 0) + 1);
          } else if (err) {
            // A position the probe left empty may still take an optional handle (bias, generator).
            const m = err.message.match(
              /^(\w+): argument (\d+): expected a (\w+) handle, got a (\w+) handle$/,
            );
            if (m && Number(m[2]) === p) {
              assert.deepEqual([m[1], m[4]], [op, kind]);
              assert.notEqual(m[3], kind);
              checked.set(op, (checked.get(op) ?? 0) + 1);
            }
          }
        }
      }
    }
  } finally {
    native.setNumThreads(settings.threads);
    if (settings.blas > 0) native.setBlasThreads(settings.blas);
    native.setGradEnabled(settings.grad);
    native.allocatorSetCacheLimit(settings.cacheLimit);
    native.setFastSgemm(settings.sgemm);
    native.setFastConv(settings.conv);
  }
  // The probe found the handle arguments it should have, required and optional.
  for (const op of ['shape', 'dispose', 'add', 'cat', 'linear', 'randn', 'generatorSetState', 'batchNorm'])
    assert.ok(checked.has(op), `${op}: no handle argument was probed`);
  assert.equal(checked.get('batchNorm'), 5); // x, weight?, bias?, runningMean?, runningVar?
  assert.equal(checked.get('generatorSetState'), 2);
  assert.equal(liveTensors(), before);
});

test('the reported cases: a generator read as a tensor, a tensor as a generator, a generator disposed', () => {
  const before = liveTensors();
  const g = new Generator(0);
  assert.throws(() => new Tensor(g.handle as unknown as Handle).shape, {
    name: 'TypeError',
    message: 'shape: argument 0: expected a tensor handle, got a generator handle',
  });
  assert.throws(() => native.dispose(g.handle as unknown as Handle), {
    message: 'dispose: argument 0: expected a tensor handle, got a generator handle',
  });
  assert.equal(liveTensors(), before);
  scope(() => {
    const notAGenerator = zeros([3]) as unknown as Generator;
    assert.throws(() => randn([3], { generator: notAGenerator }), {
      message: 'randn: argument 1: expected a generator handle, got a tensor handle',
    });
  });
  assert.equal(g.getState().dispose(), undefined); // the generator still works
  assert.equal(liveTensors(), before);
});

test('values that are not handles, and disposed tensors, are named too', () => {
  const before = liveTensors();
  scope(() => {
    const x = zeros([2]);
    assert.throws(() => native.add({} as Handle, x.handle), {
      message: 'add: argument 0: expected a tensor handle, got an object',
    });
    assert.throws(() => native.cat([x.handle, 3 as unknown as Handle], 0), {
      message: 'cat: argument 0[1]: expected a tensor handle, got a number',
    });
    assert.throws(() => native.sum(undefined as unknown as Handle), {
      message: 'sum: argument 0: expected a tensor handle, got undefined',
    });
    assert.throws(() => native.neg(null as unknown as Handle), {
      message: 'neg: argument 0: expected a tensor handle, got null',
    });
    const y = zeros([2]);
    const stale = y.handle;
    y.dispose();
    assert.throws(() => native.neg(stale), { message: 'neg: argument 0: tensor was already disposed' });
    native.dispose(stale); // disposing twice is allowed
  });
  assert.equal(liveTensors(), before);
});

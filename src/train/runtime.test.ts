// The runtime policy: threads from the request, the model and the machine; capped with a notice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimePolicy, sgemmFromEnv } from './runtime.js';

const two = { cpus: 2, sgemm: 'oneDNN' as const, conv: 'genlab' as const };
const noDnn = { cpus: 2, sgemm: 'libtorch' as const, conv: 'genlab' as const };

test('defaults: every core, except libtorch on one thread for an MLP whose products run on OpenBLAS', () => {
  assert.deepEqual(runtimePolicy('mlp-1x512', {}, two), {
    threads: 2,
    blasThreads: 2,
    sgemm: 'oneDNN',
    conv: 'genlab',
    notice: null,
  });
  assert.deepEqual(runtimePolicy('mlp-1x512', {}, noDnn), {
    threads: 1,
    blasThreads: 2,
    sgemm: 'libtorch',
    conv: 'genlab',
    notice: null,
  });
  assert.equal(runtimePolicy('alexnet-small', {}, noDnn).threads, 2);
  assert.equal(runtimePolicy('mlp-1x512', { env: { GENLAB_CPU_SGEMM: 'libtorch' } }, two).threads, 1);
  // Another program busy on one core: the run takes the idle one.
  assert.equal(runtimePolicy('alexnet-small', {}, { ...two, idle: 1 }).threads, 1);
  assert.equal(runtimePolicy('alexnet-small', { threads: 2 }, { ...two, idle: 1 }).threads, 2);
  assert.equal(
    runtimePolicy('alexnet-small', { env: { GENLAB_CPU_CONV: 'libtorch' } }, two).conv,
    'libtorch',
  );
});

test('threads asked for are kept, capped at the CPUs with a one-line notice', () => {
  assert.deepEqual(runtimePolicy('mlp-1x512', { threads: 1 }, two), {
    threads: 1,
    blasThreads: 1,
    sgemm: 'oneDNN',
    conv: 'genlab',
    notice: null,
  });
  const r = runtimePolicy('mlp-1x512', { threads: 999 }, two);
  assert.equal(r.threads, 2);
  assert.equal(r.notice, 'threads: 999 asked for, but this machine has 2 CPUs; using 2');
});

test('GENLAB_CPU_SGEMM is checked where the policy reads it', () => {
  assert.equal(sgemmFromEnv({}), undefined);
  assert.equal(sgemmFromEnv({ GENLAB_CPU_SGEMM: 'libtorch' }), 'libtorch');
  assert.throws(() => sgemmFromEnv({ GENLAB_CPU_SGEMM: 'openblas' }), {
    name: 'InputError',
    message: 'GENLAB_CPU_SGEMM: expected "oneDNN" or "libtorch", got "openblas"',
  });
});

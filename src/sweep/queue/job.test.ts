// A theory run as a queue job: checked like a fit's (its experiment's options schema, every option given, no path,
// the id its options give), each refusal one line naming the job and the key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTheoryPreset, loadAnyPreset, planTheoryPreset } from '../../presets/theory-preset.js';
import { checkJob, jobData } from './job.js';

const preset = loadAnyPreset('double-descent-rff');
assert.ok(isTheoryPreset(preset));
const run = planTheoryPreset(preset, 'smoke')[0];
const config = { experiment: run.experiment, options: run.options };

const refused = (id: string, data: unknown) => {
  try {
    checkJob(id, data);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

test('a theory job is accepted with its run id and refused, by key, when tampered with', () => {
  assert.deepEqual(checkJob(run.id, { config, label: run.label }), { config, label: run.label });
  const options = run.options as { dataset: Record<string, unknown>; features: Record<string, unknown> };
  const cases: [unknown, string][] = [
    [
      { ...config, path: '/etc' },
      `job ${run.id}: config: unknown key "path"; expected only experiment and options`,
    ],
    [
      { ...config, experiment: 'kernels' },
      `job ${run.id}: config.experiment: unknown experiment "kernels"; expected one of kernel, minnorm, expressivity, rademacher, random-features; did you mean "kernel"?`,
    ],
    [
      { ...config, options: { ...options, dataset: { ...options.dataset, dataDir: '/etc' } } },
      `job ${run.id}: config.options.dataset.dataDir: a path from the queue is never read; expected null, got "/etc"`,
    ],
    [
      { ...config, options: { ...options, features: { count: options.features.count } } },
      `job ${run.id}: config.options: expected complete options (every key, as genlab run plans them), got partial ones`,
    ],
  ];
  for (const [c, want] of cases) assert.equal(refused(run.id, { config: c, label: run.label }), want);
  // Options of another run under this run's id.
  const other = { ...config, options: { ...options, features: { ...options.features, count: 7 } } };
  const got = refused(run.id, { config: other, label: run.label });
  assert.match(
    got,
    new RegExp(`^job ${run.id}: id: expected the config's run id \\S+relu7\\S+, got ${run.id}$`),
  );
  assert.throws(
    () =>
      jobData(
        { ...config, options: { ...options, dataset: { ...options.dataset, dataDir: '/data' } } },
        run.label,
        'genlab run',
      ),
    {
      message:
        'genlab run: dataset.dataDir: a directory of this machine does not travel to workers; expected the data set in its default directory on every worker, got "/data"',
    },
  );
});

test("a theory job of a further seed is accepted: its options' seed moved, its own run id", () => {
  const second = planTheoryPreset(preset, 'smoke', {}, 2)[1];
  assert.equal(second.replicate, 1);
  const c = { experiment: second.experiment, options: second.options };
  assert.deepEqual(checkJob(second.id, jobData(c, second.label, 'w')), { config: c, label: second.label });
  assert.match(refused(run.id, { config: c, label: '' }), /^job .*: id: expected the config's run id /);
});

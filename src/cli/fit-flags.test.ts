// Every flag that sets a config field takes exactly what the config schema takes there: same bounds, choices and default.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from './commands.js';
import { parseArgs, type FlagSpec } from './args.js';
import { FLAG_PATHS, fitConfigFromFlags } from './fit-flags.js';
import { fitCommand } from './fit.js';
import { configField } from '../config/config.js';
import { FIELD_INFO, FLOAT32_MAX, boundsOf, choicesOf, defaultOf } from '../config/schema.js';

const TRAINING = ['fit', 'demo', 'data', 'run'];
const byFlag = new Map(FLAG_PATHS.map((k) => [FIELD_INFO.get(configField(k, 'test'))?.flag, k]));

/** Values around every bound a field could have, and some that no bound allows. */
function probes(path: string): string[] {
  const b = boundsOf(configField(path, 'test'));
  const edges = [b?.min, b?.max].filter((x): x is number => x !== undefined);
  const near = edges.flatMap((x) => [x, x - 1, x + 1, x - 1e-9, x + 1e-9, x / 2, x * 2]);
  return [...near, -1, 0, 0.5, 1, 1.5, 2, 10, 1e6, 2 ** 53, FLOAT32_MAX, 1e39, 1e308].map(String);
}

function accepts(spec: FlagSpec, raw: string): boolean {
  try {
    parseArgs([`--${spec.name}`, raw], [spec], 'test');
    return true;
  } catch {
    return false;
  }
}

test('every flag named like a config field is derived from the schema, and takes what the schema takes', () => {
  let checked = 0;
  for (const cmd of COMMANDS) {
    for (const spec of cmd.flags) {
      const path = byFlag.get(spec.name);
      const where = `genlab ${cmd.name} --${spec.name}`;
      // Commands that train take config fields only through derived flags (`genlab runs --model` is a filter).
      if (TRAINING.includes(cmd.name) && path !== undefined)
        assert.equal(spec.config, path, `${where}: expected the flag of ${path}`);
      if (spec.config === undefined || path === undefined) continue;
      assert.equal(spec.config, path, `${where}: expected the flag of ${path}`);
      const f = configField(path, 'test');
      assert.deepEqual(spec.choices ?? null, choicesOf(f), `${where}: choices`);
      const d = defaultOf(f);
      if (spec.default !== undefined) assert.deepEqual(spec.default, d, `${where}: default`);
      if (spec.type === 'int' || spec.type === 'number') {
        for (const raw of probes(path))
          assert.equal(accepts(spec, raw), f.safeParse(Number(raw)).success, `${where} ${raw}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= FLAG_PATHS.length, `only ${checked} flags checked`);
});

test('bounds the flags and presets once disagreed on: the schema decides', () => {
  const bad = (argv: string[]) => () => parseArgs(argv, fitCommand.flags, 'fit');
  assert.throws(bad(['--momentum', '1']), {
    message: 'genlab fit: --momentum: expected a number in [0, 1), got 1',
  });
  assert.throws(bad(['--dropout', '1']), {
    message: 'genlab fit: --dropout: expected a number in [0, 1), got 1',
  });
  assert.throws(bad(['--target-acc', '0']), {
    message: 'genlab fit: --target-acc: expected a number in (0, 1], got 0',
  });
  assert.throws(bad(['--lr-decay', '0']), {
    message: 'genlab fit: --lr-decay: expected a number in (0, 1], got 0',
  });
  const ok = parseArgs(['--target-acc', '0.005', '--dropout', '0.995'], fitCommand.flags, 'fit');
  assert.deepEqual([ok.flags['target-acc'], ok.flags.dropout], [0.005, 0.995]);
});

test('values beyond float32 are flag errors naming the flag', () => {
  assert.throws(() => parseArgs(['--lr', '1e308'], fitCommand.flags, 'fit'), {
    name: 'InputError',
    message:
      'genlab fit: --lr: expected a positive number that float32 can hold (at most 3.4e38), got 1e+308',
  });
  assert.throws(() => parseArgs(['--weight-decay', '1e39'], fitCommand.flags, 'fit'), {
    message: /^genlab fit: --weight-decay: expected a number ≥ 0 that float32 can hold/,
  });
});

test('fit flags become a partial config resolved like --set: --lr-decay 1 is a constant schedule', () => {
  const config = (argv: string[]) =>
    fitConfigFromFlags(parseArgs(argv, fitCommand.flags, 'fit'), fitCommand.flags);
  assert.deepEqual(config(['--lr-decay', '1']).train.schedule, { kind: 'constant' });
  assert.deepEqual(config(['--lr-decay', '0.5']).train.schedule, {
    kind: 'exponential',
    gamma: 0.5,
    every: 50000,
  });
  const c = config(['--model', 'inception-small', '--no-stop-at-fit']);
  assert.equal(c.train.lr, 0.1, "the paper's learning rate for Inception");
  assert.equal(c.train.stopAtTarget, false);
  assert.equal(c.model.init, undefined, "PyTorch's init is left out of the config");
});

// Every theory command's flags come from its experiment's options schema: kind, choices, default and bounds alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import { COMMANDS } from './commands.js';
import { parseArgs, type FlagSpec } from './args.js';
import { flagPaths, fromFlags } from './option-flags.js';
import type { Command } from './command.js';
import { getPath } from '../config/config.js';
import {
  FIELD_INFO,
  FLOAT32_MAX,
  boundsOf,
  choicesOf,
  defaultOf,
  fieldAt,
  kindOf,
  parseOptions,
} from '../config/schema.js';
import { theoryExperiment } from '../experiments/theory/index.js';

const THEORY = ['kernel', 'minnorm', 'rademacher', 'expressivity'];
const OWN = ['out', 'threads']; // flags a theory command declares itself: not options
const commands = COMMANDS.filter((c) => THEORY.includes(c.name));
const schemaOf = (c: Command): z.ZodType => theoryExperiment(c.name, 'test').options;

/** The options a command resolves from argv, as it runs them (errors name the command and the key). */
function resolve(c: Command, argv: string[]): unknown {
  const p = parseArgs(argv, c.flags, c.name);
  return parseOptions(schemaOf(c), fromFlags(p, c.flags), `genlab ${c.name}`);
}

const accepts = (c: Command, argv: string[]): boolean => {
  try {
    resolve(c, argv);
    return true;
  } catch {
    return false;
  }
};

/** Values around every bound a field could have, and some that no bound allows. */
function probes(f: z.ZodType): string[] {
  const b = boundsOf(f);
  const edges = [b?.min, b?.max].filter((x): x is number => x !== undefined);
  const near = edges.flatMap((x) => [x, x - 1, x + 1, x - 1e-9, x + 1e-9, x / 2, x * 2]);
  return [...near, -1, 0, 0.5, 1, 1.5, 2, 3, 10, 1e6, 2 ** 53, FLOAT32_MAX, 1e308].map(String);
}

/** A value the field takes that is not its default (the flag must carry it to the option). */
function sample(spec: FlagSpec, f: z.ZodType): string {
  const candidates =
    spec.type === 'enum'
      ? [...(spec.choices ?? [])]
      : spec.type === 'int'
        ? ['3', '7', '2', '1', '0']
        : spec.type === 'number'
          ? ['0.5', '0.25', '2']
          : ['mnist', 'corrupted:0.2', 'random'];
  const v = candidates.find((raw) => {
    const x = spec.type === 'int' || spec.type === 'number' ? Number(raw) : raw;
    return f.safeParse(x).success && x !== defaultOf(f);
  });
  assert.ok(v !== undefined, `--${spec.name}: no sample value`);
  return v;
}

test('every theory command has one flag per option that declares one, in the schema order, and no other', () => {
  assert.equal(commands.length, THEORY.length);
  for (const c of commands) {
    const derived = c.flags.filter((s) => s.option !== undefined);
    assert.deepEqual(
      derived.map((s) => s.option),
      flagPaths(schemaOf(c)),
      `genlab ${c.name}`,
    );
    const others = c.flags.filter((s) => s.option === undefined).map((s) => s.name);
    assert.deepEqual(
      others.filter((n) => !OWN.includes(n)),
      [],
      `genlab ${c.name}: flags not from the schema`,
    );
  }
});

test("a theory flag's name, help, kind, choices and default are its option's; its bounds are the schema's", () => {
  let checked = 0;
  for (const c of commands) {
    for (const spec of c.flags.filter((s) => s.option !== undefined)) {
      const where = `genlab ${c.name} --${spec.name}`;
      const f = fieldAt(schemaOf(c), spec.option!, 'test');
      const info = FIELD_INFO.get(f)!;
      assert.equal(spec.name, info.flag, where);
      assert.equal(spec.help, info.help, `${where}: help`);
      assert.equal(spec.placeholder, info.placeholder, `${where}: placeholder`);
      assert.equal(spec.type, kindOf(f), `${where}: kind`);
      assert.deepEqual(spec.choices ?? null, choicesOf(f), `${where}: choices`);
      assert.deepEqual(spec.default ?? null, defaultOf(f) ?? null, `${where}: default`);
      // No bound of its own that could disagree: the command takes exactly what the field takes.
      assert.equal(spec.min, undefined, `${where}: min`);
      assert.equal(spec.max, undefined, `${where}: max`);
      if (spec.type === 'int' || spec.type === 'number')
        for (const raw of probes(f))
          assert.equal(
            accepts(c, [`--${spec.name}`, raw]),
            f.safeParse(Number(raw)).success,
            `${where} ${raw}`,
          );
      checked++;
    }
  }
  assert.ok(checked >= 40, `only ${checked} flags checked`);
});

test("a theory flag's value reaches the option it names", () => {
  for (const c of commands) {
    for (const spec of c.flags.filter((s) => s.option !== undefined)) {
      const f = fieldAt(schemaOf(c), spec.option!, 'test');
      const raw = sample(spec, f);
      const want = spec.type === 'int' || spec.type === 'number' ? Number(raw) : raw;
      const options = resolve(c, [`--${spec.name}`, raw]);
      assert.equal(getPath(options, spec.option!), want, `genlab ${c.name} --${spec.name} ${raw}`);
    }
  }
  // Flags left out are the schema's defaults, not the flags' own.
  const kernel = commands.find((c) => c.name === 'kernel')!;
  assert.deepEqual(resolve(kernel, []), schemaOf(kernel).parse({}));
});

test('bounds the flags and the experiments once disagreed on: the schema decides, in its words', () => {
  const refused = (name: string, argv: string[]) => () =>
    resolve(
      commands.find((c) => c.name === name)!,
      argv,
    );
  for (const lr of ['0', '-1']) {
    assert.throws(refused('minnorm', ['--lr', lr]), {
      name: 'InputError',
      message: `genlab minnorm: lr: expected a positive number or null, got ${lr}`,
    });
    assert.throws(refused('rademacher', ['--lr', lr]), {
      message: `genlab rademacher: lr: expected a positive number, got ${lr}`,
    });
    assert.throws(refused('rademacher', ['--gamma', lr]), {
      message: `genlab rademacher: gamma: expected a positive number, got ${lr}`,
    });
    assert.throws(refused('kernel', ['--gamma', lr]), {
      message: `genlab kernel: gamma: expected a positive number or null, got ${lr}`,
    });
  }
  assert.throws(refused('kernel', ['--tol', '0']), {
    message: 'genlab kernel: solver.tol: expected a positive number, got 0',
  });
  assert.throws(refused('kernel', ['--scales', '6']), {
    message: 'genlab kernel: features.scales: expected an integer in [1, 5], got 6',
  });
  assert.throws(refused('minnorm', ['--train-size', '1']), {
    message: 'genlab minnorm: dataset.trainSize: expected an integer ≥ 2 or null, got 1',
  });
});

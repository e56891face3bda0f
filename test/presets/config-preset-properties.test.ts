// Property tests of the config and preset parsers (JSON from outside: presets, --set, a run's config.json):
// random documents and random edits of real ones end in a one-line InputError or in a config the schema
// accepts again with the same run id — never a TypeError, a hang or a silently wrong config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/engine/index.js';
import { checkFitConfig, resolveConfig, type PartialConfig } from '../../src/config/config.js';
import { runId } from '../../src/experiments/fit-kind.js';
import {
  SCALES,
  parsePreset,
  planPreset,
  presetExperiment,
  presetNames,
  presetScales,
  readPresetDoc,
} from '../../src/presets/preset.js';
import { parseTheoryPreset, planTheoryPreset } from '../../src/presets/theory-preset.js';

/** Runs f; an exception must be a one-line InputError whose message starts with `where`. */
function cleanly<T>(where: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    assert.ok(e instanceof InputError, `not an InputError: ${(e as Error).stack}`);
    assert.ok(e.message.startsWith(where), `"${e.message}" does not start with "${where}"`);
    assert.ok(!e.message.includes('\n'), `not one line: ${e.message}`);
    return undefined;
  }
}

/** A resolved config is a fixed point: checked again, it is the same config with the same run id. */
function accepted(where: string, layer: unknown): void {
  const c = cleanly(where, () => resolveConfig([layer as PartialConfig], where));
  if (!c) return;
  const again = checkFitConfig(JSON.parse(JSON.stringify(c)), where);
  assert.deepEqual(again, c);
  assert.equal(runId(again), runId(c));
}

/** Every leaf path of a JSON object, as key lists (grid keys hold dots: "features.count"). */
function leaves(x: unknown, prefix: string[] = []): string[][] {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return prefix.length ? [prefix] : [];
  return Object.entries(x).flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

/** A copy of doc with the value at a key path replaced (undefined: the key removed). */
function edited(doc: unknown, keys: string[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  if (value === undefined) delete at[keys[keys.length - 1]];
  else at[keys[keys.length - 1]] = value;
  return copy;
}

const presets = presetNames().map((name) => ({ name, ...readPresetDoc(name) }));
const fitConfig = resolveConfig(
  [(presets.find((p) => p.name === 'fig1a')!.doc as { base: PartialConfig }).base],
  't',
);
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    0,
    -1,
    1e308,
    -1e-320,
    0.5,
    1,
    2 ** 53,
    '',
    'mlp-1x512',
    'random',
    'corrupted:0.5',
    true,
    null,
  ),
);

test('random JSON as a partial config: a one-line InputError or a config accepted again with its run id', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (x) => accepted('config:', x)),
    { numRuns: 2000 },
  );
});

test('a real config with one value replaced or removed: a one-line InputError naming it, or accepted', () => {
  const paths = leaves(fitConfig);
  fc.assert(
    fc.property(fc.constantFrom(...paths), fc.option(jsonValue, { nil: undefined }), (keys, value) =>
      accepted('config:', edited(fitConfig, keys, value)),
    ),
    { numRuns: 3000 },
  );
});

test('-0 anywhere in a config is 0, so the config read back from its JSON is the same (a counterexample found)', () => {
  accepted('config:', edited(fitConfig, ['train', 'weightDecay'], -0));
  accepted('config:', edited(fitConfig, ['train', 'momentum'], -0));
});

test('one labels value per meaning: corrupted:-0, corrupted:0.50 and corrupted:.5 are the runs of corrupted:0 and corrupted:0.5', () => {
  const id = (labels: string) =>
    runId(resolveConfig([fitConfig as unknown as PartialConfig, { randomization: { labels } }], 't'));
  assert.equal(id('corrupted:-0'), id('corrupted:0'));
  assert.equal(id('corrupted:0.50'), id('corrupted:0.5'));
  assert.equal(id('corrupted:.5'), id('corrupted:0.5'));
  assert.notEqual(id('corrupted:0'), id('true'), 'a corruption level of 0 stays its own run, as before');
  assert.equal(
    resolveConfig([fitConfig as unknown as PartialConfig, { randomization: { labels: 'corrupted:-0' } }], 't')
      .randomization.labels,
    'corrupted:0',
  );
});

test('every preset with one value replaced or removed: a one-line InputError, or presets whose plans work', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...presets),
      fc.nat(),
      fc.option(jsonValue, { nil: undefined }),
      (p, pick, value) => {
        const paths = leaves(p.doc);
        const doc = edited(p.doc, paths[pick % paths.length], value);
        cleanly(p.where, () => {
          if (presetExperiment(doc) === 'fit') {
            const preset = parsePreset(doc, p.where);
            for (const s of presetScales(preset))
              for (const r of planPreset(preset, s)) accepted(p.where, r.config);
          } else {
            const preset = parseTheoryPreset(doc, p.where);
            for (const s of SCALES) planTheoryPreset(preset, s);
          }
        });
      },
    ),
    { numRuns: 1500 },
  );
});

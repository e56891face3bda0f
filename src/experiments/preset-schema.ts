// The schema of a run's config as a preset writes it: every key path, its type, and errors that name the path.
import { InputError, unknownName } from '../engine/index.js';
import { DATASETS } from '../data/index.js';
import { AUGMENTATIONS } from '../data/augment.js';
import { CORRUPTIONS, GAUSSIAN_STATS, INPUT_MODES, labelCorruption } from '../randomize/index.js';
import { checkModelName } from '../models/index.js';
import { SCHEDULES } from '../optim/index.js';
import { WEIGHT_INITS } from '../nn/index.js';

/** A leaf of the config: how to check a JSON value, and how to read one from `--set key=value`. */
export type Field =
  | { kind: 'int'; min: number; nullable?: boolean }
  | { kind: 'number'; min: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }
  | { kind: 'bool' }
  | { kind: 'string'; nullable?: boolean; check?: (v: string, where: string) => void }
  | { kind: 'enum'; choices: readonly string[] }
  | { kind: 'list'; choices: readonly string[] };

export type Section = { [key: string]: Field | Section };

const posInt: Field = { kind: 'int', min: 1 };
const seed: Field = { kind: 'int', min: 0 };
const bool: Field = { kind: 'bool' };

/** FitConfig's shape (src/experiments/config.ts); `train.schedule` is a section whose gamma/every a constant schedule drops. */
export const CONFIG_SCHEMA: Section = {
  dataset: {
    name: { kind: 'enum', choices: DATASETS },
    dataDir: { kind: 'string', nullable: true },
    trainSize: { ...posInt, nullable: true },
    testSize: { ...posInt, nullable: true },
    subsetSeed: seed,
    stratified: bool,
    channels: posInt,
  },
  randomization: {
    labels: { kind: 'string', check: (v, where) => rethrow(where, () => labelCorruption(v)) },
    corruption: { kind: 'enum', choices: CORRUPTIONS },
    inputs: { kind: 'enum', choices: INPUT_MODES },
    gaussianStats: { kind: 'enum', choices: GAUSSIAN_STATS },
    corruptTest: bool,
    seed,
  },
  model: {
    name: { kind: 'string', check: (v, where) => rethrow(where, () => checkModelName(v, 'model')) },
    dropout: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
    bnParams: { kind: 'enum', choices: ['shift', 'affine'] },
    lrnPlacement: { kind: 'enum', choices: ['after-pool', 'before-pool'] },
    init: { kind: 'enum', choices: WEIGHT_INITS },
  },
  train: {
    epochs: posInt,
    maxSteps: { ...posInt, nullable: true },
    batchSize: posInt,
    lr: { kind: 'number', min: 0, exclusiveMin: true },
    momentum: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
    weightDecay: { kind: 'number', min: 0 },
    nesterov: bool,
    schedule: {
      kind: { kind: 'enum', choices: SCHEDULES },
      gamma: { kind: 'number', min: 0, max: 1, exclusiveMin: true },
      every: posInt,
    },
    dropLast: bool,
    targetTrainAcc: { kind: 'number', min: 0, max: 1, exclusiveMin: true },
    stopAtTarget: bool,
    augment: { kind: 'list', choices: AUGMENTATIONS },
    seed,
    evalBatchSize: posInt,
    divergenceLoss: { kind: 'number', min: 0, exclusiveMin: true },
  },
};

/** A partial config: any subset of CONFIG_SCHEMA's paths. */
export type PartialConfig = { [key: string]: unknown };

function rethrow(where: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    const msg = (e as Error).message.replace(/^[\w.]+: /, '');
    throw new InputError(`${where}: ${msg}`);
  }
}

function isField(x: Field | Section): x is Field {
  return typeof (x as Field).kind === 'string'; // a section's `kind` (train.schedule.kind) is a Field, not a string
}

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

function bad(where: string, expected: string, v: unknown): InputError {
  return new InputError(`${where}: expected ${expected}, got ${show(v)}`);
}

function checkNumber(f: Extract<Field, { kind: 'number' }>, v: unknown, where: string): void {
  const lo = f.exclusiveMin ? (v as number) > f.min : (v as number) >= f.min;
  const hi = f.max === undefined || (f.exclusiveMax ? (v as number) < f.max : (v as number) <= f.max);
  if (typeof v === 'number' && Number.isFinite(v) && lo && hi) return;
  if (f.min === 0 && f.exclusiveMin && f.max === undefined) throw bad(where, 'a positive number', v);
  const range = `${f.exclusiveMin ? '(' : '['}${f.min}, ${f.max ?? '∞'}${f.exclusiveMax || f.max === undefined ? ')' : ']'}`;
  throw bad(where, `a number in ${range}`, v);
}

/** Checks one leaf value; throws `<where>: expected …, got …`. */
export function checkField(f: Field, v: unknown, where: string): void {
  if (v === null && 'nullable' in f && f.nullable) return;
  switch (f.kind) {
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < f.min)
        throw bad(where, f.min === 1 ? 'a positive integer' : `an integer ≥ ${f.min}`, v);
      return;
    case 'number':
      return checkNumber(f, v, where);
    case 'bool':
      if (typeof v !== 'boolean') throw bad(where, 'true or false', v);
      return;
    case 'string':
      if (typeof v !== 'string') throw bad(where, 'a string', v);
      f.check?.(v, where);
      return;
    case 'enum':
      if (typeof v !== 'string') throw bad(where, `one of ${f.choices.join(', ')}`, v);
      if (!f.choices.includes(v)) throw unknownName(where, 'value', v, f.choices);
      return;
    case 'list':
      if (!Array.isArray(v)) throw bad(where, `a list of ${f.choices.join(', ')}`, v);
      v.forEach((x, i) => checkField({ kind: 'enum', choices: f.choices }, x, `${where}[${i}]`));
  }
}

/** Checks a partial config against a section; unknown keys are errors with a did-you-mean. */
export function checkPartial(x: unknown, where: string, section: Section = CONFIG_SCHEMA): void {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) throw bad(where, 'an object', x);
  for (const [k, v] of Object.entries(x)) {
    const spec = section[k];
    const at = `${where}.${k}`;
    if (!spec) throw unknownName(where, 'key', k, Object.keys(section));
    if (isField(spec)) checkField(spec, v, at);
    else checkPartial(v, at, spec);
  }
}

/** The field at a dotted path (`train.lr`), or an error naming the path with a did-you-mean. */
export function fieldAt(keyPath: string, where: string): Field {
  let node: Field | Section = CONFIG_SCHEMA;
  const seen: string[] = [];
  for (const k of keyPath.split('.')) {
    if (isField(node)) throw new InputError(`${where}: "${keyPath}": ${seen.join('.')} has no sub-keys`);
    const next: Field | Section | undefined = node[k];
    if (!next) throw unknownName(`${where}: ${[...seen].join('.') || 'config'}`, 'key', k, Object.keys(node));
    node = next;
    seen.push(k);
  }
  if (!isField(node))
    throw new InputError(
      `${where}: "${keyPath}" is a section; expected a key inside it, one of ${Object.keys(node).join(', ')}`,
    );
  return node;
}

/** Reads `--set key=value`'s value as the field's type (null, numbers, booleans, comma lists), then checks it. */
export function parseFieldValue(f: Field, raw: string, where: string): unknown {
  let v: unknown = raw;
  if (raw === 'null' && 'nullable' in f && f.nullable) v = null;
  else if (f.kind === 'int' || f.kind === 'number')
    v = raw.trim() === '' ? raw : Number.isFinite(Number(raw)) ? Number(raw) : raw;
  else if (f.kind === 'bool') v = raw === 'true' ? true : raw === 'false' ? false : raw;
  else if (f.kind === 'list')
    v = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  checkField(f, v, where);
  return v;
}

/** Sets a dotted path in a nested object, creating sections on the way. */
export function setPath(target: PartialConfig, keyPath: string, value: unknown): void {
  const keys = keyPath.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as PartialConfig;
  }
  node[keys[keys.length - 1]] = value;
}

/** Reads a dotted path from a nested object. */
export function getPath(source: unknown, keyPath: string): unknown {
  let node = source;
  for (const k of keyPath.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as PartialConfig)[k];
  }
  return node;
}

/** Deep merge of sections (objects); arrays and leaves replace. */
export function mergeConfig<T>(base: T, ...layers: unknown[]): T {
  let out: unknown = base;
  for (const layer of layers) out = mergeTwo(out, layer);
  return out as T;
}

function mergeTwo(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  const isObj = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(a) || !isObj(b)) return b;
  const out: PartialConfig = { ...(a as PartialConfig) };
  for (const [k, v] of Object.entries(b as PartialConfig)) out[k] = mergeTwo(out[k], v);
  return out;
}

// A fit's full configuration: partial configs merged over the schema's defaults, and resolved.
import { canonicalLabels, type RandomizationSpec } from '../randomize/index.js';
import type { TrainConfig } from '../train/index.js';
import type { WeightInit } from '../nn/index.js';
import { defaultEvalBatchSize, paperLearningRate } from '../models/index.js';
import { CONFIG_SCHEMA, type ParsedConfig } from './config-schema.js';
import { fieldAt, parseWith } from './schema.js';

export type DatasetConfig = Omit<ParsedConfig['dataset'], 'channels'> & { channels?: 3 };

export type ModelConfig = Omit<ParsedConfig['model'], 'init' | 'bnParams' | 'lrnPlacement'> & {
  bnParams: 'shift' | 'affine'; // Inception's BN parameters (see src/models/inception.ts)
  lrnPlacement: 'after-pool' | 'before-pool'; // AlexNet's first LRN
  init?: Exclude<WeightInit, 'pytorch'>; // absent: PyTorch's defaults
};

/** Everything that decides a run's numbers. Device and threads are not part of it. */
export interface FitConfig {
  dataset: DatasetConfig;
  randomization: RandomizationSpec;
  model: ModelConfig;
  train: TrainConfig;
}

/** A partial config: any subset of the schema's key paths, as presets, `--set` and flags give them. */
export type PartialConfig = { [key: string]: unknown };

/** The schema's field at a dotted path (`train.lr`), or an error naming the path with a did-you-mean. */
export function configField(keyPath: string, where: string) {
  return fieldAt(CONFIG_SCHEMA, keyPath, where);
}

/** Checks a partial config: every key known, every value in its field's bounds. */
export function checkPartial(x: unknown, where: string): PartialConfig {
  parseWith(CONFIG_SCHEMA, x, where);
  return x as PartialConfig;
}

/** The defaults (lr and evalBatchSize follow the model: see resolveConfig). */
export function configDefaults(): ParsedConfig {
  return CONFIG_SCHEMA.parse({});
}

/**
 * Merges the layers (later wins) over the schema's defaults and checks the result. The learning rate
 * and evaluation batch follow the model unless given; a constant schedule drops gamma and every; the
 * default init ('pytorch') and precision ('fp32') are left out, so runs made before those keys keep their ids.
 */
export function resolveConfig(layers: PartialConfig[], where: string): FitConfig {
  const merged = positiveZeros(mergeConfig<PartialConfig>({}, ...layers)) as PartialConfig;
  const c = parseWith(CONFIG_SCHEMA, merged, `${where}:`);
  const { init, ...model } = c.model;
  const { channels, ...dataset } = c.dataset; // CIFAR's own 3 is left out: one run id either way
  const { schedule, precision, ...train } = c.train;
  return {
    dataset:
      channels === undefined || c.dataset.name.startsWith('cifar') ? dataset : { ...dataset, channels: 3 },
    randomization: {
      ...(c.randomization as RandomizationSpec),
      labels: canonicalLabels(c.randomization.labels), // one run per meaning: corrupted:-0 is corrupted:0
    },
    model: {
      ...(model as Omit<ModelConfig, 'init'>),
      ...(init === 'pytorch' ? {} : { init }),
    } as ModelConfig,
    train: {
      ...train,
      ...(precision === 'fp32' ? {} : { precision: precision as 'bf16' }),
      lr: c.train.lr ?? paperLearningRate(c.model.name),
      evalBatchSize: c.train.evalBatchSize ?? defaultEvalBatchSize(c.model.name),
      schedule: schedule.kind === 'constant' ? { kind: 'constant' } : (schedule as TrainConfig['schedule']),
    },
  };
}

/** Checks a whole config (a stored run's, or one built in code) against the schema; returns it resolved. */
export function checkFitConfig(c: FitConfig, where = 'fit'): FitConfig {
  return resolveConfig([c as unknown as PartialConfig], where);
}

/** A copy with every -0 made 0: JSON writes -0 as 0, so a config read back from its file is the same config. */
function positiveZeros(x: unknown): unknown {
  if (typeof x === 'number') return Object.is(x, -0) ? 0 : x;
  if (Array.isArray(x)) return x.map(positiveZeros);
  if (x !== null && typeof x === 'object')
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, positiveZeros(v)]));
  return x;
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

/** A config's leaves by key path ("train.lr"), each value as JSON text; lists are leaves. */
export function leaves(x: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
    for (const [k, v] of Object.entries(x)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, JSON.stringify(x));
  return out;
}

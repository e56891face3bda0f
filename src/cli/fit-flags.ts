// The flags of commands that train (fit, demo, data): derived from the config schema, each setting one key path.
import { parseDevice } from '../engine/index.js';
import { configField, resolveConfig, setPath, type FitConfig, type PartialConfig } from '../config/config.js';
import { CONFIG_SCHEMA } from '../config/config-schema.js';
import { parseWith } from '../config/schema.js';
import type { FlagSpec, Parsed } from './args.js';
import { flagPaths, fromFlags, schemaFlag } from './option-flags.js';
import { threadsFlag } from './threads.js';

/** The flag that sets a config field: its name, help, kind, choices and default come from the schema. */
export function configFlag(keyPath: string, o: { help?: string; noDefault?: boolean } = {}): FlagSpec {
  const f = configField(keyPath, 'fit-flags');
  return {
    ...schemaFlag(CONFIG_SCHEMA, keyPath, 'fit-flags', o),
    config: keyPath,
    check: (v, where) => parseWith(f, v, where),
  };
}

/** Every config key path that has a flag, in the schema's order. */
export const FLAG_PATHS: readonly string[] = flagPaths(CONFIG_SCHEMA);
const flagsUnder = (prefix: string, except: string[] = []): FlagSpec[] =>
  FLAG_PATHS.filter((k) => k.startsWith(prefix) && !except.includes(k)).map((k) => configFlag(k));

/** --dataset and --data-dir, as every command that reads data takes them. */
export const DATASET_FLAGS: FlagSpec[] = [configFlag('dataset.name'), configFlag('dataset.dataDir')];
export const DATA_FLAGS: FlagSpec[] = flagsUnder('dataset.');
export const RANDOMIZE_FLAGS: FlagSpec[] = flagsUnder('randomization.');
export const TRAIN_FLAGS: FlagSpec[] = [...flagsUnder('model.'), ...flagsUnder('train.')];

/** The partial config the given flags spell (defaults are left to the schema). */
export function configFromFlags(p: Parsed, specs: readonly FlagSpec[]): PartialConfig {
  return fromFlags(
    p,
    specs,
    (s) => s.config,
    (out, keyPath, v) => {
      // --lr-decay 1 is a constant schedule (as it always was: its runs keep their ids).
      if (keyPath === 'train.schedule.gamma' && v === 1) setPath(out, 'train.schedule.kind', 'constant');
      else setPath(out, keyPath, v);
    },
  );
}

/** `genlab fit`'s config: flags → partial config → resolve, the path `genlab run --set` takes. */
export function fitConfigFromFlags(p: Parsed, specs: readonly FlagSpec[], where = 'genlab fit'): FitConfig {
  return resolveConfig([configFromFlags(p, specs)], where);
}

export const RUN_FLAGS: FlagSpec[] = [
  {
    name: 'device',
    type: 'string',
    default: 'cpu',
    placeholder: 'cpu|cuda|cuda:N',
    help: 'where to compute',
  },
  threadsFlag(
    'CPU threads for libtorch and OpenBLAS alike, at most the CPUs (default: every CPU; a resumed run keeps its own; see the README)',
  ),
  { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
];

/** The device a command computes on (threads are the runtime policy's: src/train/runtime.ts). */
export function runDevice(p: Parsed, where: string): string {
  return parseDevice((p.flags.device as string | undefined) ?? 'cpu', `${where}: --device`);
}

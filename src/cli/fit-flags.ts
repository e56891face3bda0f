// The flags of commands that train (fit, demo, data): derived from the config schema, each setting one key path.
import { parseDevice } from '../engine/index.js';
import { configField, resolveConfig, setPath, type FitConfig, type PartialConfig } from '../config/config.js';
import { CONFIG_SCHEMA } from '../config/config-schema.js';
import { FIELD_INFO, choicesOf, defaultOf, kindOf, leafPaths, parseWith } from '../config/schema.js';
import type { FlagSpec, Parsed } from './args.js';
import { threadsFlag } from './threads.js';

/** The flag that sets a config field: its name, help, kind, choices and default come from the schema. */
export function configFlag(keyPath: string, o: { help?: string; noDefault?: boolean } = {}): FlagSpec {
  const f = configField(keyPath, 'fit-flags');
  const info = FIELD_INFO.get(f);
  if (!info?.flag) throw new Error(`fit-flags: ${keyPath}: the schema gives it no flag`);
  const kind = kindOf(f);
  if (kind === 'object') throw new Error(`fit-flags: ${keyPath}: a section, not a field`);
  const def = defaultOf(f) as FlagSpec['default'] | null;
  return {
    name: info.flag,
    type: kind,
    help: o.help ?? info.help,
    placeholder: info.placeholder,
    choices: choicesOf(f) ?? undefined,
    default: o.noDefault || def === null ? undefined : def,
    config: keyPath,
    check: (v, where) => parseWith(f, v, where),
  };
}

/** Every config key path that has a flag, in the schema's order. */
export const FLAG_PATHS: readonly string[] = leafPaths(CONFIG_SCHEMA).filter(
  (k) => FIELD_INFO.get(configField(k, 'fit-flags'))?.flag !== undefined,
);
const flagsUnder = (prefix: string, except: string[] = []): FlagSpec[] =>
  FLAG_PATHS.filter((k) => k.startsWith(prefix) && !except.includes(k)).map((k) => configFlag(k));

/** --dataset and --data-dir, as every command that reads data takes them. */
export const DATASET_FLAGS: FlagSpec[] = [configFlag('dataset.name'), configFlag('dataset.dataDir')];
export const DATA_FLAGS: FlagSpec[] = flagsUnder('dataset.');
export const RANDOMIZE_FLAGS: FlagSpec[] = flagsUnder('randomization.');
export const TRAIN_FLAGS: FlagSpec[] = [...flagsUnder('model.'), ...flagsUnder('train.')];

/** The partial config the given flags spell (defaults are left to the schema). */
export function configFromFlags(p: Parsed, specs: readonly FlagSpec[]): PartialConfig {
  const out: PartialConfig = {};
  for (const s of specs) {
    if (s.config === undefined || !p.given.has(s.name)) continue;
    const v = p.flags[s.name];
    // --lr-decay 1 is a constant schedule (as it always was: its runs keep their ids).
    if (s.config === 'train.schedule.gamma' && v === 1) setPath(out, 'train.schedule.kind', 'constant');
    else setPath(out, s.config, v);
  }
  return out;
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

// The flags of commands that train (fit, demo, data): derived from the config schema, each setting one key path.
import { busyCpus, cpuCount, cpuSgemm, setNumThreads, parseDevice } from '../engine/index.js';
import { isConvNet } from '../models/index.js';
import {
  configField,
  resolveConfig,
  setPath,
  type FitConfig,
  type PartialConfig,
} from '../experiments/config.js';
import { CONFIG_SCHEMA } from '../experiments/config-schema.js';
import { FIELD_INFO, choicesOf, defaultOf, kindOf, leafPaths, parseWith } from '../experiments/schema.js';
import type { FlagSpec, Parsed } from './args.js';

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
  {
    name: 'threads',
    type: 'int',
    min: 1,
    placeholder: 'T',
    help: 'CPU threads for libtorch and OpenBLAS alike (default: every CPU that other programs leave idle; see the README)',
  },
  { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
];

function str(p: Parsed, k: string): string | undefined {
  return p.flags[k] as string | undefined;
}
function num(p: Parsed, k: string): number | undefined {
  return p.flags[k] as number | undefined;
}

/**
 * The CPUs a default-thread run takes: those that other programs leave idle now (at least one).
 * Threads beyond the idle cores share a core with another program and each parallel region waits
 * for the one descheduled: beside one busy loop per core, the demo took 5.2× its quiet time on
 * every core against 1.74× on one (issue 13).
 */
export function idleCpus(): number {
  const cpus = cpuCount();
  const busy = busyCpus(cpus);
  return busy === undefined ? cpus : Math.min(cpus, Math.max(1, Math.round(cpus - busy)));
}

/** Sets the threads for fitting `model`: --threads if given, else the measured default (below). */
export function applyThreads(p: Parsed, model: string): void {
  const threads = num(p, 'threads');
  if (threads !== undefined) setNumThreads(threads);
  else if (isConvNet(model) || cpuSgemm() === 'oneDNN') setNumThreads(idleCpus());
  else setNumThreads(1, idleCpus());
}

/**
 * Applies --device and --threads; returns the device. Without --threads this process is the machine's
 * only trainer (sweep workers are given --threads 1), and the default is what measured fastest on
 * 2 cores: every core for libtorch and OpenBLAS alike. A convolutional net: small AlexNet, 3 epochs on
 * 1,000 examples, 14.8 s against 18.4 s on one thread and 23.8 s with OpenBLAS alone on both. An MLP,
 * whose products run on oneDNN's sgemm in libtorch's pool: the demo 15.6 s against 17.7 s with
 * libtorch on one thread (training steps of MLP 784-512-10 at batch 128: 100,700 examples/s against
 * 81,300). Where products run on OpenBLAS instead (a libtorch without oneDNN's sgemm), an MLP keeps
 * libtorch on one thread and OpenBLAS on every core: two pools spinning on the same cores took the
 * demo from 19 s to 60 s.
 */
export function applyRunFlags(p: Parsed, where: string, model: string): string {
  applyThreads(p, model);
  return parseDevice(str(p, 'device') ?? 'cpu', `${where}: --device`);
}

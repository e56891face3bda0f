// What tells compared runs apart: the config fields whose values differ between them, a short label for each run
// made of those values ("random labels", "corrupted labels (p = 0.4)", "seed 1", "lr=0.01"), not its run id, and
// which runs are seeds of one configuration (a group, labelled without the seed).
import { variantName } from '../report/fig1a.js';
import { seedless } from '../presets/preset.js';
import { leaves } from '../config/config.js';

/** A config field that differs between the runs: its key path and each run's value (null: the run lacks it). */
export interface DifferingField {
  key: string;
  values: (string | null)[];
}

export interface Comparison {
  labels: string[]; // one per run, distinct
  differing: DifferingField[];
  same: number; // how many fields every run shares
  groups: number[]; // per run: its group, the runs whose configs differ only in seeds (numbered as first seen)
  groupLabels: string[]; // per group: its runs' label without the seed, distinct
}

export const text = (json: string | null): string =>
  json === null ? '–' : /^"/.test(json) ? (JSON.parse(json) as string) : json;

// Seeds: train.seed, randomization.seed and any other "seed" leaf: a group's label leaves them out.
const isSeed = (key: string) => key.split('.').pop() === 'seed';

// A label names the variant first, then the model, other fields, and the seed last ("random labels, lr=0.1, seed 1");
// the randomization's seed alone reads "seed=3", not as the run's seed.
const isRunSeed = (key: string) => isSeed(key) && key !== 'randomization.seed';
const rank = (key: string) =>
  key.startsWith('randomization.') ? 0 : key === 'model.name' ? 1 : isRunSeed(key) ? 3 : 2;

// Fields a label does not name: they move with another that it does (a run's seeds move together).
const IMPLIED: Record<string, string> = { 'randomization.seed': 'train.seed' };

/** One run's label part for a differing field, or null where another part already says it. */
function part(key: string, value: string | null, run: Map<string, string>, keys: Set<string>): string | null {
  if (IMPLIED[key] && keys.has(IMPLIED[key])) return null;
  if (key === 'randomization.labels' || key === 'randomization.inputs') {
    if (key === 'randomization.inputs' && keys.has('randomization.labels')) return null;
    const labels = text(run.get('randomization.labels') ?? null);
    const inputs = text(run.get('randomization.inputs') ?? null);
    return variantName({ labels, inputs });
  }
  if (isRunSeed(key)) return `seed ${text(value)}`;
  if (key === 'model.name') return text(value);
  return `${key.split('.').slice(1).join('.') || key}=${text(value)}`;
}

/** Labels made distinct: a label that two entries share gets each one's own name (a run id) after it. */
function distinct(labels: string[], names: string[]): string[] {
  return labels.map((l, i) =>
    labels.indexOf(l) === i && labels.lastIndexOf(l) === i ? l : `${l} (${names[i]})`,
  );
}

/** Each run's group: replicates of one configuration (seedless, the one home of "the same run but its seeds"). */
function groupsOf(configs: (unknown | null)[]): number[] {
  const keys = configs.map((c, i) => (c !== null ? seedless(c) : `unread ${i}`));
  const firsts = [...new Set(keys)];
  return keys.map((k) => firsts.indexOf(k));
}

/** Labels and the differing fields of runs' configs (null: a config that could not be read, labelled by its id). */
export function compareConfigs(ids: string[], configs: (unknown | null)[]): Comparison {
  const maps = configs.map((c) => leaves(c));
  const all = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  const read = configs.map((c) => c !== null);
  const differing = all
    .map((key) => ({ key, values: maps.map((m) => m.get(key) ?? null) }))
    .filter((f) => new Set(f.values.filter((_, i) => read[i])).size > 1);
  const keys = new Set(differing.map((f) => f.key));
  const ordered = [...differing].sort((a, b) => rank(a.key) - rank(b.key));
  const partsOf = (i: number, fields: DifferingField[]) =>
    fields.flatMap((f) => part(f.key, f.values[i], maps[i], keys) ?? []).join(', ');
  const labels = maps.map((_, i) => (read[i] && partsOf(i, ordered)) || ids[i]);
  // A group's label: its first run's label without the seed (the runs' other parts are equal).
  const groups = groupsOf(configs);
  const first = groups.map((g) => groups.indexOf(g)).filter((r, i, a) => a.indexOf(r) === i);
  const size = (g: number) => groups.filter((x) => x === g).length;
  const unseeded = ordered.filter((f) => !isSeed(f.key));
  const groupLabels = first.map(
    (r, g) => (read[r] && partsOf(r, unseeded)) || (size(g) > 1 ? `${size(g)} seeds` : ids[r]),
  );
  return {
    labels: distinct(labels, ids),
    differing: differing.map((f) => ({
      key: f.key,
      values: f.values.map((v) => (v === null ? null : text(v))),
    })),
    same: all.length - differing.length,
    groups,
    groupLabels: distinct(
      groupLabels,
      first.map((r, g) => ids.filter((_, i) => groups[i] === g).join(', ')),
    ),
  };
}

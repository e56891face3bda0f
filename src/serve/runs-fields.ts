// What the runs page filters and folds by: each run's config as "key=value" words, and the cell it shares with its
// replicates (the runs --seeds makes of it), both read from the run's config.json.
import { createHash } from 'node:crypto';
import { seedless } from '../presets/preset.js';
import type { RunStore } from '../store/store.js';
import { leaves } from '../config/config.js';
import { text } from './compare.js';

export interface RunFields {
  fields: string; // "model.name=mlp-1x512 randomization.labels=random train.lr=0.01 …"
  cell: string; // equal for runs that differ in their seeds only
}

/** A config's fields as words the runs page's filter reads ("key=value"), in key order. */
export function fieldWords(config: unknown): string {
  return [...leaves(config)]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${text(v).replace(/\s+/g, '')}`)
    .join(' ');
}

/** Every run's fields and cell; a run's config never changes (its id is its hash), so each is read once. */
export function runFieldsReader(store: RunStore): () => Record<string, RunFields> {
  const known = new Map<string, RunFields>();
  return () => {
    const out: Record<string, RunFields> = {};
    for (const { id } of store.versions()) {
      let f = known.get(id);
      if (!f) {
        let config: unknown = null;
        try {
          config = store.run(id).readConfig<unknown>();
        } catch {
          // an unreadable config: the run folds with no other and the filter sees its id only
        }
        f =
          config === null
            ? { fields: '', cell: id }
            : {
                fields: fieldWords(config),
                cell: createHash('sha1').update(seedless(config)).digest('hex').slice(0, 12),
              };
        if (config !== null) known.set(id, f);
      }
      out[id] = f;
    }
    return out;
  };
}

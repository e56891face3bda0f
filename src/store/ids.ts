// Run ids: readable parts (each kind names its own) plus a short hash of the whole config, canonical JSON and slugs.
import { createHash } from 'node:crypto';

/** JSON with sorted keys: the same config always hashes the same. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const keys = Object.keys(x as object)
      .filter((k) => (x as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((x as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(x);
}

export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 10);
}

/** A part of a run id: letters, digits, '.' and '-', runs of anything else as one '-'. */
export function slug(s: string): string {
  return s.replace(/[^a-zA-Z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** A run id: the readable parts, then the hash of everything that defines the run (same config, same run). */
export function runIdOf(parts: readonly string[], hashed: unknown): string {
  return `${parts.map(slug).join('_')}_${configHash(hashed)}`;
}

/** The data set's part of a run id, for every kind: its name, and its training-set size when it is a subset. */
export function datasetIdPart(d: { name: string; trainSize: number | null }): string {
  return `${d.name}${d.trainSize === null ? '' : `-${d.trainSize}`}`;
}

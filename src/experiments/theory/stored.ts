// A theory run's files in its run directory (config.json: experiment and options; result.json) and its index row.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { readJson, writeAtomic, type RunStore } from '../store.js';
import type { IndexColumns, Scores } from './experiment.js';

export interface TheoryConfig {
  experiment: string;
  options: unknown;
}

const CONFIG = 'config.json';
const RESULT = 'result.json';

/** A theory run's config and result (null while not complete), or null when the directory holds no theory run. */
export function readTheoryRun(store: RunStore, id: string): { config: TheoryConfig; result: unknown } | null {
  const dir = store.dirOf(id);
  if (!existsSync(path.join(dir, CONFIG))) return null;
  const config = readJson<Partial<TheoryConfig>>(path.join(dir, CONFIG));
  if (typeof config.experiment !== 'string') return null; // a fit's config
  const file = path.join(dir, RESULT);
  return { config: config as TheoryConfig, result: existsSync(file) ? readJson<unknown>(file) : null };
}

/** Writes config.json (once: content-addressed) and indexes the run as running. */
export function recordTheoryStart(
  store: RunStore,
  id: string,
  config: TheoryConfig,
  columns: IndexColumns,
): void {
  const dir = store.dirOf(id);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, CONFIG);
  if (!existsSync(file)) writeAtomic(file, JSON.stringify(config, null, 2));
  store.upsert({ id, config, ...columns, status: 'running', summary: { experiment: config.experiment } });
}

/** Writes result.json (its presence marks the run complete) and indexes the run with its headline numbers. */
export function recordTheoryResult(
  store: RunStore,
  id: string,
  config: TheoryConfig,
  columns: IndexColumns,
  result: unknown,
  scores: Scores,
): void {
  writeAtomic(path.join(store.dirOf(id), RESULT), JSON.stringify(result, null, 2));
  store.upsert({
    id,
    config,
    ...columns,
    status: 'complete',
    summary: { experiment: config.experiment, ...scores },
  });
}

export function recordTheoryFailure(
  store: RunStore,
  id: string,
  config: TheoryConfig,
  columns: IndexColumns,
  e: Error,
): void {
  store.upsert({
    id,
    config,
    ...columns,
    status: 'failed',
    summary: { experiment: config.experiment, error: e.message },
  });
}

// A queued run as it travels through Redis, and the check a worker makes before it fits one: the queue is an input
// boundary, so a job is data checked against the config schema, never code or a path to follow.
import { InputError } from '../../engine/index.js';
import { canonicalJson } from '../../store/ids.js';
import { checkPartial, resolveConfig, type FitConfig } from '../../config/config.js';
import { runId } from '../../experiments/fit-kind.js';
import { parseOptions } from '../../config/schema.js';
import { theoryExperiment, theoryRunId } from '../../experiments/theory/index.js';
import { isTheoryConfig, type TheoryConfig } from '../../experiments/theory/stored.js';

/** BullMQ's queue of genlab runs (one queue per Redis database; the job id is the run id). */
export const QUEUE_NAME = 'genlab-runs';

/** A run's config as its config.json holds it: a fit's, or a theory run's experiment and options. */
export type RunConfig = FitConfig | TheoryConfig;

/** What a job holds: the run's full config, and its label for people (progress lines, queue status). */
export interface JobData {
  config: RunConfig;
  label: string;
}

/** A theory run's data directory, if its options name one (its data set section). */
function theoryDataDir(c: TheoryConfig): unknown {
  const o = c.options as { dataset?: { dataDir?: unknown } } | null;
  return o?.dataset?.dataDir ?? null;
}

/** Per-epoch progress a worker reports on its job. */
export interface JobProgress {
  epoch: number;
  totalEpochs: number;
  resumedFrom: number;
  trainAcc: number | null;
  testAcc: number | null;
  secondsPerEpoch: number | null; // the worker's pace on this run so far
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** A job's data for a planned run; a data directory is a path of this machine and does not travel. */
export function jobData(config: RunConfig, label: string, where: string): JobData {
  const dataDir = isTheoryConfig(config) ? theoryDataDir(config) : config.dataset.dataDir;
  if (dataDir !== null)
    throw new InputError(
      `${where}: dataset.dataDir: a directory of this machine does not travel to workers; expected the data set in its default directory on every worker, got "${String(dataDir)}"`,
    );
  return { config, label };
}

/** Checks a theory run's config from the queue: a known experiment, complete options, no path; returns its run id. */
function checkTheoryConfig(config: TheoryConfig, where: string): { config: TheoryConfig; id: string } {
  const extra = Object.keys(config).filter((k) => k !== 'experiment' && k !== 'options');
  if (extra.length)
    throw new InputError(`${where}: config: unknown key "${extra[0]}"; expected only experiment and options`);
  const e = theoryExperiment(config.experiment, `${where}: config.experiment`);
  const options = parseOptions(e.options, config.options, `${where}: config.options`);
  if (canonicalJson(options) !== canonicalJson(config.options))
    throw new InputError(
      `${where}: config.options: expected complete options (every key, as genlab run plans them), got partial ones`,
    );
  const resolved = { experiment: e.name, options };
  const dataDir = theoryDataDir(resolved);
  if (dataDir !== null)
    throw new InputError(
      `${where}: config.options.dataset.dataDir: a path from the queue is never read; expected null, got ${JSON.stringify(dataDir)}`,
    );
  return { config: resolved, id: theoryRunId(e, options) };
}

/** Checks a fit's config from the queue: complete, valid, no path; returns it with its run id. */
function checkFitJob(config: unknown, where: string): { config: FitConfig; id: string } {
  checkPartial(config, `${where}: config`);
  const resolved = resolveConfig([config as Record<string, unknown>], `${where}: config`);
  if (canonicalJson(resolved) !== canonicalJson(config))
    throw new InputError(
      `${where}: config: expected a complete config (every key, as genlab run plans it), got a partial one`,
    );
  if (resolved.dataset.dataDir !== null)
    throw new InputError(
      `${where}: config.dataset.dataDir: a path from the queue is never read; expected null, got ${JSON.stringify(resolved.dataset.dataDir)}`,
    );
  return { config: resolved, id: runId(resolved) };
}

/** Checks a job taken from the queue; returns the config to fit, or throws `job ID: <what>; expected …, got …`. */
export function checkJob(id: unknown, data: unknown): JobData {
  const where = `job ${typeof id === 'string' && RUN_ID.test(id) ? id : JSON.stringify(String(id)).slice(0, 60)}`;
  if (typeof id !== 'string' || !RUN_ID.test(id))
    throw new InputError(
      `${where}: id: expected a run id (letters, digits, . _ -), got ${JSON.stringify(id)}`,
    );
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new InputError(`${where}: expected an object {config, label}, got ${JSON.stringify(data)}`);
  const extra = Object.keys(data).filter((k) => k !== 'config' && k !== 'label');
  if (extra.length)
    throw new InputError(`${where}: unknown key "${extra[0]}"; expected only config and label`);
  const { config, label } = data as { config?: unknown; label?: unknown };
  if (label !== undefined && (typeof label !== 'string' || label.length > 200))
    throw new InputError(`${where}: label: expected a string of at most 200 characters, got ${typeof label}`);
  const checked = isTheoryConfig(config) ? checkTheoryConfig(config, where) : checkFitJob(config, where);
  if (checked.id !== id)
    throw new InputError(`${where}: id: expected the config's run id ${checked.id}, got ${id}`);
  return { config: checked.config, label: typeof label === 'string' ? label : '' };
}

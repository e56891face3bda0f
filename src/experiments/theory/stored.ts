// A theory run's files, through its RunDir: config.json (experiment and options), artifacts/result.json; its index row.
import { InputError } from '../../engine/index.js';
import type { RunDir, RunStatus } from '../../store/run-dir.js';
import { indexKind, type KindRow } from '../../store/store.js';
import { THEORY_EXPERIMENTS, type TheoryName } from './registry.js';
import type { Scores } from './experiment.js';

export interface TheoryConfig {
  experiment: string;
  options: unknown;
}

const RESULT = 'result.json';

export function isTheoryConfig(config: unknown): config is TheoryConfig {
  return (
    config !== null &&
    typeof config === 'object' &&
    typeof (config as { experiment?: unknown }).experiment === 'string'
  );
}

/** A theory run's config and result (null while not complete), or null when the directory holds no theory run. */
export function readTheoryRun(run: RunDir): { config: TheoryConfig; result: unknown } | null {
  if (!run.exists()) return null;
  const config = run.readConfig<unknown>();
  if (!isTheoryConfig(config)) return null; // a fit's config
  const bytes = run.readArtifact(RESULT);
  if (bytes === null) return { config, result: null };
  try {
    return { config, result: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    throw new InputError(`${run.artifactPath(RESULT)}: corrupt: not valid JSON`);
  }
}

/** Stores the result; its presence marks the run complete. */
export function writeTheoryResult(run: RunDir, result: unknown): void {
  run.writeArtifact(RESULT, JSON.stringify(result, null, 2));
}

/** The index row of a theory run (null for a fit): its columns from the experiment, complete once it has a result. */
function theoryRow(run: RunDir, config: unknown, failed?: string): KindRow | null {
  if (!isTheoryConfig(config)) return null;
  const bytes = run.readArtifact(RESULT);
  const complete = bytes !== null;
  const status: RunStatus = complete ? 'complete' : failed !== undefined ? 'failed' : 'running';
  const e = THEORY_EXPERIMENTS[config.experiment as TheoryName];
  let columns = { model: config.experiment, dataset: '', labels: '', inputs: '' };
  let results: Scores | null = null; // its accuracies, where the experiment has them, in the runs' table
  try {
    if (e) columns = e.index(config.options as never);
    if (e && bytes !== null) {
      const scores = e.scores(JSON.parse(bytes.toString('utf8')) as never);
      if (scores.trainAcc !== undefined || scores.testAcc !== undefined) results = scores;
    }
  } catch {
    // options or a result from another genlab version: the experiment's name still shows
  }
  return {
    info: { run: run.id, dir: run.dir, status, ...columns },
    error: complete ? null : (failed ?? null),
    results,
  };
}

indexKind(theoryRow);

// A theory experiment (kernel, min-norm, expressivity, Rademacher): typed options, how to run it, how it shows in the store.
import type { z } from 'zod';

/** Progress of a long stage ('gram' rows, 'cg' iterations, 'draws', …): done of total, with a note. */
export type OnProgress = (stage: string, done: number, total: number, detail?: string) => void;

/** The run store index's columns for a run, as a fit's model, data set, labels and inputs. */
export interface IndexColumns {
  model: string;
  dataset: string;
  labels: string;
  inputs: string;
}

/** A result's accuracies where it has them, shown by `genlab runs` beside fits'. */
export interface Scores {
  trainAcc?: number;
  testAcc?: number;
}

/**
 * One kind of theory experiment. Its options (a zod schema with every default) are its whole
 * input: a run is content-addressed by them, like a fit by its config. Methods, not function
 * properties, so that a registry can hold experiments of different option types.
 */
export interface TheoryExperiment<S extends z.ZodType = z.ZodType, R = unknown> {
  name: string;
  summary: string; // one line, for people
  blasOnEveryCore?: boolean; // its time goes to BLAS/LAPACK solves: BLAS gets every core (theoryRuntime)
  options: S;
  /** Readable parts of the run id, before its hash (e.g. kernel, data set and size, features). */
  idParts(o: z.output<S>): string[];
  /** The run store's index columns (known before the run). */
  index(o: z.output<S>): IndexColumns;
  scores(r: R): Scores;
  /** One line on a result, for sweeps' logs. */
  headline(r: R): string;
  run(o: z.output<S>, onProgress?: OnProgress): Promise<R>;
}

/** Types an experiment's definition (the schema's output type flows into every method). */
export function defineExperiment<S extends z.ZodType, R>(e: TheoryExperiment<S, R>): TheoryExperiment<S, R> {
  return e;
}

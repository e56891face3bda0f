// What the theory commands share: the run store flag, threads, progress bars per stage, and running one stored experiment.
import type { z } from 'zod';
import { RunStore } from '../store/store.js';
import { parseOptions } from '../config/schema.js';
import { runTheory, type OnProgress, type TheoryExperiment } from '../experiments/theory/index.js';
import type { TheoryRunOutcome } from '../experiments/theory/index.js';
import type { FlagSpec, Parsed } from './args.js';
import { threadsOf } from './threads.js';
import { applyRuntime, theoryRuntime, thisMachine } from '../train/runtime.js';
import type { Io } from './command.js';
import { Progress } from './progress.js';

export const STORE_FLAG: FlagSpec = {
  name: 'out',
  type: 'string',
  default: 'runs',
  placeholder: 'DIR',
  help: 'run store directory: the result is stored there, and the same options later reuse it',
};

/** A theory command's threads from --threads (capped at the CPUs), as the runtime policy sets them for its kind. */
export function applyThreads(args: Parsed, io: Io, e: TheoryExperiment, where = `genlab ${e.name}`): void {
  applyRuntime(theoryRuntime(threadsOf(args, io, where, 1), e.blasOnEveryCore === true, thisMachine(false)));
}

const STAGE_LABEL: Record<string, string> = {
  gram: 'kernel matrix',
  cg: 'conjugate gradient',
  sgd: 'sgd',
  evaluate: 'evaluate',
  draws: 'rademacher',
};

/** One progress bar per stage; a stage without a count ('factor') is one line. */
export function stageProgress(io: Io): OnProgress {
  let current: { stage: string; bar: Progress | null } | null = null;
  return (stage, done, total, detail) => {
    if (current?.stage !== stage) {
      current?.bar?.done();
      current = {
        stage,
        bar: stage === 'factor' ? null : new Progress(io, STAGE_LABEL[stage] ?? stage, total),
      };
      if (stage === 'factor') io.err('factorizing (Cholesky in place)…\n');
    }
    if (!current.bar) return;
    if (done >= total) {
      current.bar.done(detail);
      current = { stage, bar: null };
    } else current.bar.update(done, detail);
  };
}

/** Runs one experiment in the store named by --out (or returns its stored result), with progress bars on stderr. */
export async function runStored<R>(
  e: TheoryExperiment<z.ZodType, R>,
  options: unknown,
  args: Parsed,
  io: Io,
): Promise<TheoryRunOutcome<R>> {
  const where = `genlab ${e.name}`;
  const resolved = parseOptions(e.options, options, where); // bad input fails before the store is opened
  const store = new RunStore(args.flags.out as string);
  try {
    const out = await runTheory(e, resolved, {
      store,
      where,
      onProgress: stageProgress(io),
    });
    if (out.stored)
      io.err(`${e.name}: stored run ${out.id} (these options ran before; nothing recomputed)\n`);
    return out;
  } finally {
    store.close();
  }
}

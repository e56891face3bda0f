// `genlab run` and `genlab report` for presets whose runs are theory experiments (table3: kernel runs).
import path from 'node:path';
import { InputError } from '../engine/index.js';
import type { ScaleName } from '../presets/preset.js';
import { doneIn, seedsFound } from '../report/preset-section.js';
import { RunStore } from '../store/store.js';
import {
  parseTheoryOverrides,
  planTheoryPreset,
  type TheoryPlannedRun,
  type TheoryPreset,
} from '../presets/theory-preset.js';
import { storedTheoryResult, theoryExperiment } from '../experiments/theory/index.js';
import type { TheoryConfig } from '../experiments/theory/stored.js';
import {
  runTheorySweep,
  type TheorySweepEvent,
  type TheorySweepOptions,
  type TheorySweepRun,
} from '../sweep/theory-sweep.js';
import { runQueuedSweep } from '../sweep/queue/coordinator.js';
import type { QueueTarget } from '../sweep/queue/redis.js';
import type { SweepEvent } from '../sweep/sweep.js';
import { sweepQueue } from './sweep-session.js';
import { writeTheoryReport } from '../report/theory-report.js';
import { runCommandFor } from '../report/preset-report.js';
import { markdownTable } from '../report/table.js';
import type { Parsed } from './args.js';
import type { Io } from './command.js';
import { onInterrupt } from './interrupt.js';
import { applyThreads, stageProgress } from './theory.js';

/** The `--set`, `--dataset` and `--data-dir` flags as key=value pairs. */
export function overridePairs(args: Parsed): string[] {
  const pairs = [...((args.flags.set as string[] | undefined) ?? [])];
  if (args.flags.dataset) pairs.push(`dataset.name=${String(args.flags.dataset)}`);
  if (args.flags['data-dir']) pairs.push(`dataset.dataDir=${String(args.flags['data-dir'])}`);
  return pairs;
}

function theoryPlan(
  p: TheoryPreset,
  args: Parsed,
  where: string,
): { scale: ScaleName; plan: TheoryPlannedRun[]; overrides: Record<string, unknown> } {
  const scale = args.flags.scale as ScaleName;
  const overrides = parseTheoryOverrides(p, overridePairs(args), where);
  return {
    scale,
    plan: planTheoryPreset(p, scale, overrides, args.flags.seeds as number | undefined),
    overrides,
  };
}

const storeArg = (args: Parsed): string =>
  args.flags.out !== 'runs' ? ` --out ${String(args.flags.out)}` : '';
const seedsArg = (args: Parsed): string =>
  args.given.has('seeds') ? ` --seeds ${String(args.flags.seeds)}` : '';

/** One line per run as it is skipped, starts and ends; progress bars for its long stages. */
function display(io: Io, total: number, headline: (r: unknown) => string): (e: TheorySweepEvent) => void {
  let progress = stageProgress(io);
  return (e) => {
    const tag = `[${e.index + 1}/${total}] ${e.run.label || e.run.id}`;
    if (e.type === 'skip') io.err(`${tag}: already complete (${e.run.id})\n`);
    else if (e.type === 'start') {
      io.err(`${tag}: started\n`);
      progress = stageProgress(io);
    } else if (e.type === 'progress') progress(e.stage, e.done, e.total, e.detail);
    else if (e.type === 'end') {
      const detail = e.outcome === 'complete' ? headline(e.result) : (e.error ?? '');
      io.err(`${tag}: ${e.outcome} in ${e.seconds.toFixed(1)} s${detail ? `: ${detail}` : ''}\n`);
    }
  };
}

type QueuedTheoryRun = TheoryPlannedRun & { config: TheoryConfig };

/** A theory plan through the queue's workers, with the events and results of a local theory sweep. */
async function queuedTheorySweep(
  plan: QueuedTheoryRun[],
  target: QueueTarget,
  o: TheorySweepOptions,
): Promise<TheorySweepRun[]> {
  const onEvent = (e: SweepEvent<QueuedTheoryRun, unknown>) => {
    if (e.type === 'skip') o.onEvent?.({ type: 'skip', index: e.index, run: e.run, result: e.summary });
    else if (e.type === 'start') o.onEvent?.({ type: 'start', index: e.index, run: e.run });
    else if (e.type === 'end') o.onEvent?.({ ...e, result: e.summary });
  };
  const results = await runQueuedSweep(plan, {
    store: o.store,
    target,
    onEvent,
    shouldStop: o.shouldStop,
    finished: storedTheoryResult,
  });
  return results.map((r) => ({ run: r.run, outcome: r.outcome, result: r.summary, error: r.error }));
}

/** genlab run PRESET for a theory preset: in this process one run at a time (each uses every core), or on the queue. */
export async function runTheoryPreset(p: TheoryPreset, args: Parsed, io: Io): Promise<number> {
  const { scale, plan } = theoryPlan(p, args, 'genlab run');
  const queued: QueuedTheoryRun[] = plan.map((r) => ({
    ...r,
    config: { experiment: r.experiment, options: r.options },
  }));
  const target = sweepQueue(args, queued, 'genlab run');
  const store = new RunStore(args.flags.out as string);
  const interrupt = onInterrupt(
    io,
    target
      ? 'the runs stay queued for the workers; run the same command to follow them again'
      : 'stopping after the current run; run the same command to continue',
  );
  try {
    if (!args.flags.json)
      io.err(
        `${p.name} at scale ${scale}: ${plan.length} ${p.experiment} runs${target ? `, on the queue ${target.display}` : ''}. ${p.scales[scale].description}\n`,
      );
    if (args.flags['dry-run']) {
      for (const r of plan)
        io.out(
          `${storedTheoryResult(store, r.id) !== null ? 'complete' : 'to run  '}  ${r.id}  ${r.label}\n`,
        );
      return 0;
    }
    const exp = theoryExperiment(p.experiment, p.name);
    if (!target) applyThreads(args, io, exp, 'genlab run');
    const sweep: TheorySweepOptions = {
      store,
      onEvent: display(io, plan.length, (r) => exp.headline(r)),
      shouldStop: interrupt.stopped,
    };
    const results = target
      ? await queuedTheorySweep(queued, target, sweep)
      : await runTheorySweep(plan, sweep);
    if (args.flags.json) {
      const runs = results.map((r) => ({
        id: r.run.id,
        label: r.run.label,
        outcome: r.outcome,
        result: r.result,
        error: r.error,
      }));
      io.out(JSON.stringify({ preset: p.name, scale, runs }) + '\n');
    }
    const bad = results.find((r) => r.badInput);
    if (bad) throw new InputError(`genlab run: ${bad.run.label || bad.run.id}: ${bad.error ?? 'bad input'}`);
    const failed = results.filter((r) => r.outcome !== 'complete' && r.outcome !== 'skipped');
    if (!args.flags.json)
      io.err(
        failed.length
          ? `${failed.length} of ${plan.length} runs not complete; run the same command again to continue\n`
          : `all ${plan.length} runs complete; next: genlab report ${p.name} --scale ${scale}${seedsArg(args)}${storeArg(args)}\n`,
      );
    return interrupt.stopped() ? interrupt.exitCode() : failed.length ? 1 : 0;
  } finally {
    interrupt.release();
    store.close();
  }
}

/** genlab report PRESET for a theory preset: its tables from the stored results, the missing runs named. */
export async function reportTheoryPreset(
  p: TheoryPreset,
  args: Parsed,
  io: Io,
  store: RunStore,
): Promise<number> {
  const { scale, overrides } = theoryPlan(p, args, 'genlab report');
  // Without --seeds, the seeds the store holds for this plan (as the book and the dashboard read it).
  const seeds =
    (args.flags.seeds as number | undefined) ??
    seedsFound(p, scale, doneIn(store, p), (q, sc, k) =>
      planTheoryPreset(q as TheoryPreset, sc, overrides, k),
    ).seeds;
  const plan = planTheoryPreset(p, scale, overrides, seeds);
  const runs = plan.map((run) => ({ run, result: storedTheoryResult(store, run.id) }));
  const dir =
    (args.flags['report-dir'] as string | undefined) ??
    path.join(store.root, 'reports', `${p.name}-${scale}`);
  const command = `${runCommandFor(p, scale, storeArg(args))}${seeds !== p.scales[scale].seeds ? ` --seeds ${seeds}` : ''}`;
  const files = await writeTheoryReport(dir, p, scale, runs, command);
  if (args.flags.json) {
    const { html, markdown, figures, missing, tables, claims } = files;
    io.out(
      JSON.stringify({ preset: p.name, scale, html, markdown, figures, missing, tables, claims }) + '\n',
    );
    return 0;
  }
  for (const t of files.tables) io.out(`${markdownTable(t)}\n`);
  if (files.missing.length)
    io.err(`${files.missing.length} of ${plan.length} runs not complete; make them with: ${command}\n`);
  io.out(
    `report: ${files.html}\n        ${files.markdown}\n${files.figures.map((f) => `figure: ${f.png}\n        ${f.svg}\n`).join('')}`,
  );
  return 0;
}

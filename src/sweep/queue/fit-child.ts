// A queue worker's fitting process: fits one run in the worker's store and, after every epoch's checkpoint, sends the
// run's pack to its parent, which uploads it; the parent's event loop stays free for BullMQ's lock renewal. A theory
// run (kernel, random features …) is computed whole, then sent as one finished pack.
// Usage (internal, forked with an IPC channel): node fit-child.js STORE DEVICE THREADS, then one message {config}.
import { parseDevice } from '../../engine/index.js';
import { applyRuntime, theoryRuntime, thisMachine } from '../../train/runtime.js';
import { runProcessMain } from '../process-main.js';
import { fit } from '../../experiments/fit.js';
import { RunStore } from '../../store/store.js';
import { type FitConfig } from '../../config/config.js';
import { runId } from '../../experiments/fit-kind.js';
import { packRun } from '../../store/run-pack.js';
import { runTheory, theoryExperiment } from '../../experiments/theory/index.js';
import { isTheoryConfig, type TheoryConfig } from '../../experiments/theory/stored.js';
import type { RunConfig } from './job.js';

/** Messages from the child: progress, and snapshots (files changed since the last one, all names). */
export type ChildMessage =
  | { type: 'start'; resumedFrom: number; totalEpochs: number }
  | { type: 'snapshot'; epoch: number; complete: boolean; pack: Uint8Array }
  | { type: 'epoch'; epoch: number; trainAcc: number; testAcc: number; seconds: number }
  | { type: 'done'; interrupted: boolean; summary: unknown };

const send = (m: ChildMessage) =>
  new Promise<void>((resolve, reject) => process.send!(m, undefined, {}, (e) => (e ? reject(e) : resolve())));

/** Computes a theory run (or finds it stored) and sends it up as one finished pack; a stop waits for the run's end. */
async function computeTheory(config: TheoryConfig, store: RunStore, threads: number): Promise<number> {
  const e = theoryExperiment(config.experiment, 'queue worker: config.experiment');
  applyRuntime(theoryRuntime(threads, e.blasOnEveryCore === true, thisMachine(false)));
  await send({ type: 'start', resumedFrom: 0, totalEpochs: 1 });
  const out = await runTheory(e, config.options, { store, where: `queue worker: ${config.experiment}` });
  const scores = e.scores(out.result);
  await send({
    type: 'epoch',
    epoch: 1,
    trainAcc: scores.trainAcc ?? NaN,
    testAcc: scores.testAcc ?? NaN,
    seconds: out.seconds,
  });
  await send({ type: 'snapshot', epoch: 1, complete: true, pack: packRun(store.run(out.id)) });
  await send({ type: 'done', interrupted: false, summary: out.result });
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [root, deviceName, threads] = argv;
  const device = parseDevice(deviceName ?? 'cpu', 'queue worker: device');
  let stop = false;
  process.on('message', (m: { type: string }) => m.type === 'stop' && (stop = true));
  process.on('disconnect', () => process.exit(1)); // the worker died: another one resumes the run from Redis
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (stop = true));
  const received = await new Promise<RunConfig>((resolve) =>
    process.once('message', (m: { type: string; config: RunConfig }) => resolve(m.config)),
  );
  const store = new RunStore(root);
  try {
    if (isTheoryConfig(received)) return await computeTheory(received, store, Number(threads) || 1);
    const config: FitConfig = received;
    const run = store.run(runId(config));
    const snapshot = (epoch: number, complete: boolean) =>
      send({ type: 'snapshot', epoch, complete, pack: packRun(run) }); // packs now, sends when the channel is free
    const pending: Promise<void>[] = [];
    const out = await fit(config, {
      store,
      device,
      wait: true, // a fitting process left by a killed worker on this store finishes its epoch first
      threads: Number(threads) || 1, // the worker's --threads, not the runtime policy's: a run's digits depend on it
      shouldStop: () => stop,
      onStart: (s) => void send({ type: 'start', resumedFrom: s.resumedFrom, totalEpochs: s.totalEpochs }),
      onEpoch: (r) => {
        // Synchronous with the loop: the files read here are this epoch's checkpoint, steps and metrics.
        pending.push(snapshot(r.epoch, false));
        pending.push(
          send({
            type: 'epoch',
            epoch: r.epoch,
            trainAcc: r.trainAcc,
            testAcc: r.testAcc,
            seconds: r.seconds,
          }),
        );
      },
    });
    await Promise.all(pending);
    if (!out.interrupted) await snapshot(out.summary.epochs, true);
    await send({ type: 'done', interrupted: out.interrupted, summary: out.summary });
    return 0;
  } finally {
    store.close();
  }
}

runProcessMain(() => main(process.argv.slice(2)));

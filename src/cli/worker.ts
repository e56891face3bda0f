// genlab worker: fits runs from a sweep's queue (BullMQ on Redis) on this machine until stopped.
import { existsSync } from 'node:fs';
import { InputError, parseDevice } from '../engine/index.js';
import { RunStore } from '../store/store.js';
import { startWorker, type WorkerEvent } from '../sweep/queue/worker.js';
import { QUEUE_ENV, queueFromFlags } from '../sweep/queue/redis.js';
import type { Command, Io } from './command.js';
import type { FlagSpec } from './args.js';
import { threadsFlag, threadsOf } from './threads.js';
import { onInterrupt } from './interrupt.js';

export const QUEUE_FLAG: FlagSpec = {
  name: 'queue',
  type: 'string',
  placeholder: 'URL',
  help: `the sweep's Redis, redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://… for TLS (default: $${QUEUE_ENV})`,
};

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');

function show(io: Io, e: WorkerEvent): void {
  const tag = e.label ? `${e.label} (${e.id})` : e.id;
  if (e.type === 'take')
    io.err(`${tag}: ${e.resumedFrom ? `resumed after epoch ${e.resumedFrom}` : 'started'}\n`);
  if (e.type === 'epoch')
    io.err(`${tag}: epoch ${e.epoch}/${e.totalEpochs} train ${pct(e.trainAcc)} test ${pct(e.testAcc)}\n`);
  if (e.type === 'done') io.err(`${tag}: ${e.outcome}${e.detail ? `: ${e.detail}` : ''}\n`);
}

export const workerCommand: Command = {
  name: 'worker',
  summary: "fit runs from a sweep's queue (genlab run --queue) on this machine, until stopped",
  usage: '--queue redis://HOST:PORT [--out DIR] [--jobs N] [--device cpu|cuda:N] [--threads T]',
  description: `
Takes runs from the queue that \`genlab run PRESET --queue URL\` fills, fits each in a child process in this
machine's run store (--out), and uploads the run's files through Redis after every epoch; the coordinator's
store receives each finished run. Start one worker per machine (--jobs runs at a time). Ctrl-C stops after the
current epoch's checkpoint and hands the run back to the queue; a worker that dies is replaced: after
--stall-seconds another worker resumes its run from the last uploaded epoch.

Examples:
  genlab worker --queue redis://lab-box:6379 --jobs 2
  GENLAB_QUEUE=redis://:secret@lab-box:6379 genlab worker --device cuda:0 --out /scratch/runs`,
  flags: [
    QUEUE_FLAG,
    { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: "this machine's run store" },
    { name: 'jobs', type: 'int', min: 1, default: 1, placeholder: 'N', help: 'runs at a time' },
    {
      name: 'device',
      type: 'string',
      default: 'cpu',
      placeholder: 'cpu|cuda|cuda:N',
      help: 'where runs compute',
    },
    threadsFlag('CPU threads per run', 1),
    {
      name: 'stall-seconds',
      type: 'int',
      min: 1,
      default: 30,
      placeholder: 'S',
      help: "a run whose worker stops answering for S seconds goes to another worker (BullMQ's lock duration)",
    },
    {
      name: 'name',
      type: 'string',
      placeholder: 'NAME',
      help: 'this worker in queue status (default: host:pid)',
    },
  ],
  async run(args, io) {
    const target = queueFromFlags(args.flags.queue, 'genlab worker');
    if (!target)
      throw new InputError(
        `genlab worker: --queue: expected a URL redis://HOST:PORT (or ${QUEUE_ENV}), got nothing`,
      );
    const name = args.flags.name as string | undefined;
    if (name !== undefined && !/^[A-Za-z0-9._:@-]{1,100}$/.test(name))
      throw new InputError(`genlab worker: --name: expected letters, digits and . _ : @ -, got "${name}"`);
    const device = parseDevice(args.flags.device as string, 'genlab worker: --device');
    const fresh = !existsSync(args.flags.out as string); // said on the first line: a typo'd --out is seen
    const store = new RunStore(args.flags.out as string);
    const threads = threadsOf(args, io, 'genlab worker', 1); // capped at the cores as fit and run cap them
    const interrupt = onInterrupt(
      io,
      "runs stop after their current epoch's checkpoint and go back to the queue",
    );
    try {
      const worker = await startWorker({
        target,
        store,
        jobs: args.flags.jobs as number,
        device,
        threads,
        stallSeconds: args.flags['stall-seconds'] as number,
        name,
        onEvent: (e) => show(io, e),
      });
      io.err(
        `worker ${worker.name} on ${target.display}: ${String(args.flags.jobs)} at a time, store ${store.root}${fresh ? ' (new: it did not exist)' : ''}\n`,
      );
      const stop = () => void worker.stop();
      process.on('SIGTERM', stop);
      const poll = setInterval(() => interrupt.stopped() && stop(), 200);
      await worker.closed;
      clearInterval(poll);
      process.off('SIGTERM', stop);
      if (worker.abandoned()) {
        io.err(
          `worker ${worker.name}: stopped without Redis (${target.display} does not answer); its runs keep their checkpoints here, and another worker resumes them from their last upload after --stall-seconds\n`,
        );
        // BullMQ keeps timers for the jobs it could not hand back: they must not keep the process alive.
        setTimeout(() => process.exit(), 1000).unref();
      } else io.err(`worker ${worker.name}: stopped\n`);
      return 0;
    } finally {
      interrupt.release();
      store.close();
    }
  },
};

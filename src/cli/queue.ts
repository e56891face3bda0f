// genlab queue status: the jobs of a sweep's queue (waiting, active, completed, failed) with their workers.
import { InputError } from '../engine/index.js';
import { queueState } from '../sweep/queue/status.js';
import { QUEUE_ENV, queueFromFlags } from '../sweep/queue/redis.js';
import type { Command } from './command.js';
import { QUEUE_FLAG } from './worker.js';
import { formatSeconds } from './progress.js';

const pct = (x: number | null | undefined) =>
  typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-';

export const queueCommand: Command = {
  name: 'queue',
  summary: "show a sweep's queue: waiting, active, completed and failed runs, and their workers",
  usage: 'status --queue redis://HOST:PORT [--json]',
  description: `
Lists the runs on the queue that \`genlab run PRESET --queue URL\` fills and \`genlab worker\` empties: each run's
state, the worker that has (or had) it, its epoch, and why it failed; then the workers connected now.

Example:
  genlab queue status --queue redis://lab-box:6379`,
  flags: [QUEUE_FLAG],
  async run(args, io) {
    const sub = args.positionals[0];
    if (sub !== 'status')
      throw new InputError(
        `genlab queue: expected the subcommand status, got ${sub === undefined ? 'nothing' : `"${sub}"`}`,
      );
    const target = queueFromFlags(args.flags.queue, 'genlab queue status');
    if (!target)
      throw new InputError(
        `genlab queue status: --queue: expected a URL redis://HOST:PORT (or ${QUEUE_ENV}), got nothing`,
      );
    const s = await queueState(target);
    if (args.flags.json) {
      io.out(JSON.stringify(s) + '\n');
      return 0;
    }
    const count = (st: string) => s.jobs.filter((j) => j.state === st).length;
    io.out(
      `${s.queue}: ${count('active')} active, ${count('waiting') + count('delayed')} waiting, ${count('completed')} completed, ${count('failed')} failed; workers: ${s.workers.join(', ') || 'none'}\n`,
    );
    for (const j of s.jobs) {
      const p = j.progress;
      const left = j.remainingSeconds !== null ? `, at most ${formatSeconds(j.remainingSeconds)} left` : '';
      const at = p
        ? `epoch ${p.epoch}/${p.totalEpochs} train ${pct(p.trainAcc)} test ${pct(p.testAcc)}${left}`
        : '';
      const why = j.failedReason && j.state !== 'completed' ? ` — ${j.failedReason}` : '';
      io.out(`${j.state.padEnd(9)} ${j.id.padEnd(64)} ${(j.worker ?? '-').padEnd(20)} ${at}${why}\n`);
    }
    return 0;
  },
};

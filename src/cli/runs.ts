// genlab runs: lists the stored runs from the index (a cache of the run directories, rebuilt with --reindex).
import { RunStore, runsJson, type RunStatus } from '../store/store.js';
import { RUN_STATUSES } from '../store/run-dir.js';
import type { Command } from './command.js';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list stored runs and their results',
  usage: '[--out DIR] [--status S] [--model M] [--reindex] [--json]',
  description:
    'Lists every run under the run store (--out, default ./runs), oldest first, with its status and results. The index (OUT/index.db) is a cache of the run directories: a missing, unreadable or stale one is rebuilt from them, with a notice.',
  flags: [
    { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
    {
      name: 'status',
      type: 'enum',
      choices: [...RUN_STATUSES],
      help: 'only runs with this status',
    },
    { name: 'model', type: 'string', placeholder: 'M', help: 'only runs of this model' },
    { name: 'reindex', type: 'bool', help: 'rebuild the index from the run directories first' },
  ],
  async run(args, io) {
    const store = new RunStore(args.flags.out as string, { create: false, notice: (l) => io.err(`${l}\n`) });
    try {
      if (args.flags.reindex) io.err(`reindexed ${store.reindex()} runs under ${store.root}\n`);
      const rows = store.list({
        status: args.flags.status as RunStatus | undefined,
        model: args.flags.model as string | undefined,
      });
      if (args.flags.json) {
        io.out(JSON.stringify(runsJson(store.root, rows)) + '\n');
        return 0;
      }
      if (rows.length === 0) {
        io.out(`no runs under ${store.root} (start one with genlab fit or genlab demo)\n`);
        return 0;
      }
      const pct = (x: unknown) =>
        typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-';
      io.out(
        `${'run'.padEnd(64)} ${'status'.padEnd(9)} ${'epochs'.padStart(6)} ${'fit@step'.padStart(8)} ${'train'.padStart(7)} ${'test'.padStart(7)}\n`,
      );
      for (const r of rows) {
        const s = r.results;
        io.out(
          `${r.run.padEnd(64)} ${r.status.padEnd(9)} ${String(s?.epochs ?? '-').padStart(6)} ${String(s?.stepsToFit ?? '-').padStart(8)} ${pct(s?.trainAcc).padStart(7)} ${pct(s?.testAcc).padStart(7)}\n`,
        );
        if (r.status === 'failed' && r.error) io.out(`  error: ${r.error}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

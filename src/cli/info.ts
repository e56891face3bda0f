// genlab info: the engine build, libtorch version, devices and thread settings.
import { engineInfo, cpuCount } from '../engine/index.js';
import type { Command } from './command.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'show the engine: libtorch version, CUDA, threads',
  usage: '[--json]',
  description: 'Prints what genlab computes on: the libtorch it was built against, whether CUDA is usable, and the thread count.',
  flags: [],
  async run(args, io) {
    const info = { ...engineInfo(), cpus: cpuCount(), node: process.version };
    if (args.flags.json) io.out(JSON.stringify(info) + '\n');
    else {
      io.out(`libtorch ${info.torch}${info.cudaBuild ? ' (CUDA build)' : ' (CPU build)'}\n`);
      io.out(`CUDA available: ${info.cudaAvailable ? 'yes' : 'no'}\n`);
      io.out(`threads: ${info.threads} of ${info.cpus} CPUs\nnode ${info.node}\n`);
    }
    return 0;
  },
};

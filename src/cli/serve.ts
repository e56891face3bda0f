// genlab serve: a live dashboard of the run store in the browser (runs, curves, compare, presets, sweeps, CSV).
import path from 'node:path';
import { createServer } from '../serve/server.js';
import { isLoopback, serverToken } from '../serve/security.js';
import { onInterrupt } from './interrupt.js';
import type { Command } from './command.js';
import { queueFromFlags } from '../sweep/queue/redis.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'a live dashboard of runs, sweeps and the paper’s figures in the browser',
  usage: '[--out DIR] [--port P] [--host H] [--token T] [--queue URL]',
  description: `
Serves a web app over the run store (--out, read-only): every run with its status, a run's config,
randomization, loss per step and accuracy per epoch updating live while it trains, runs overlaid,
each preset's figures and tables beside the paper's with the runs still missing, what is training
now, and CSV of all of it. It listens on 127.0.0.1 unless --host says otherwise; any other host
requires a token on every request (--token, or one generated and printed once).

Examples:
  genlab serve                              # http://127.0.0.1:8080/
  genlab serve --out results --port 9000
  genlab serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"`,
  flags: [
    { name: 'out', type: 'string', default: 'runs', placeholder: 'DIR', help: 'run store directory' },
    {
      name: 'port',
      type: 'int',
      default: 8080,
      min: 0,
      max: 65535,
      placeholder: 'P',
      help: 'port (0: any free one)',
    },
    { name: 'host', type: 'string', default: '127.0.0.1', placeholder: 'H', help: 'address to listen on' },
    {
      name: 'token',
      type: 'string',
      placeholder: 'T',
      help: 'token every request must carry (required off loopback; generated when not given)',
    },
    {
      name: 'queue',
      type: 'string',
      placeholder: 'URL',
      help: 'Redis queue whose jobs the sweeps page shows (default: GENLAB_QUEUE; none: local runs only)',
    },
  ],
  async run(args, io) {
    const host = args.flags.host as string;
    const { token, generated } = serverToken(host, args.flags.token as string | undefined);
    const out = args.flags.out as string;
    const queue = queueFromFlags(args.flags.queue, 'genlab serve');
    const app = await createServer({
      root: out,
      host,
      token,
      queue,
      storeArg: out !== 'runs' ? ` --out ${out}` : '',
    });
    await app.listen({ host, port: args.flags.port as number });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : (args.flags.port as number);
    const shown = host.includes(':') ? `[${host}]` : host;
    const url = `http://${shown}:${port}/`;
    if (args.flags.json)
      io.out(JSON.stringify({ url, port, root: path.resolve(out), tokenRequired: token !== null }) + '\n');
    else io.out(`genlab serve: ${url} (run store ${path.resolve(out)}; Ctrl-C stops)\n`);
    if (generated) io.out(`token (printed once): ${token}\nopen: ${url}?token=${token}\n`);
    if (!isLoopback(host) && !generated) io.err('genlab serve: every request must carry the --token\n');
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const interrupt = onInterrupt(io, 'closing the server', () => stop());
    try {
      await stopped;
      await app.close();
    } finally {
      interrupt.release();
    }
    return interrupt.exitCode();
  },
};

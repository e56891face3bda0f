// genlab serve's web server: fastify over a read-only run store, with the token check, static assets and live events.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { InputError } from '../engine/index.js';
import { RunStore } from '../store/store.js';
import type { QueueTarget } from '../sweep/queue/redis.js';
import { registerApi } from './api.js';
import { LiveFeed, type LiveEvent } from './live.js';
import { registerPresets } from './presets-api.js';
import { HttpError, TOKEN_COOKIE, hasToken, hostAllowed, openConfined } from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Compiled front end beside this file (dist/src/serve/web); HTML and CSS in the sources (src/serve/static).
const WEB_DIR = path.join(here, 'web');
const STATIC_DIR = [path.join(here, 'static'), path.resolve(here, '../../../src/serve/static')].find((d) =>
  existsSync(path.join(d, 'index.html')),
);
const UPLOT_DIR = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

/** What /files/ says a run file is; anything else downloads as bytes (never HTML or SVG on the dashboard's origin). */
const FILE_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
};

export interface ServeOptions {
  root: string; // the run store
  host: string;
  token: string | null; // required on every request when set
  queue?: QueueTarget | null; // the Redis queue whose jobs the sweeps page shows
  storeArg?: string; // how commands shown to people name the store (e.g. " --out DIR")
  liveIntervalMs?: number;
}

function guard(app: FastifyInstance, o: ServeOptions): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!hostAllowed(o.host, req.headers.host)) {
      return reply
        .code(403)
        .send({ error: `serve: Host "${req.headers.host}" refused; expected a loopback name` });
    }
    if (o.token === null) return;
    const q = req.query as Record<string, string | undefined>;
    const creds = {
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      queryToken: q.token,
    };
    if (!hasToken(o.token, creds)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({
        error: 'serve: token required; expected ?token=T, the cookie it sets, or Authorization: Bearer T',
      });
    }
    if (q.token !== undefined)
      void reply.header(
        'set-cookie',
        `${TOKEN_COOKIE}=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/`,
      );
  });
  app.setErrorHandler((e, _req, reply) => {
    const err = e as Error & { statusCode?: number };
    const status =
      err instanceof HttpError ? err.status : err instanceof InputError ? 400 : (err.statusCode ?? 500);
    void reply.code(status).send({ error: err.message });
  });
}

function sse(app: FastifyInstance, feed: LiveFeed): void {
  app.get('/api/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    const send = (e: LiveEvent) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    const unsubscribe = feed.subscribe(send);
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    req.raw.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  });
}

/** The app, not yet listening (tests call inject or listen). Closing it closes the store. */
export async function createServer(o: ServeOptions): Promise<FastifyInstance> {
  if (!STATIC_DIR) throw new Error('serve: static assets not found; expected src/serve/static/index.html');
  const store = new RunStore(o.root, { readonly: true });
  const feed = new LiveFeed(store, o.liveIntervalMs);
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.addHook('onClose', async () => {
    feed.close();
    store.close();
  });
  guard(app, o);
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', index: false });
  await app.register(fastifyStatic, { root: WEB_DIR, prefix: '/app/', decorateReply: false, index: false });
  await app.register(fastifyStatic, {
    root: UPLOT_DIR,
    prefix: '/vendor/uplot/',
    decorateReply: false,
    index: false,
  });
  app.get('/', (_req, reply) => reply.sendFile('index.html', STATIC_DIR));
  // What browsers ask for on their own (a JSON or CSV address opened in a tab): the page's icon.
  app.get('/favicon.ico', (_req, reply) => reply.sendFile('favicon.svg', STATIC_DIR));
  app.get<{ Params: { '*': string } }>('/files/*', async (req, reply) => {
    const f = await openConfined(store.root, req.params['*']);
    // Read to the end of what was opened, without a length: a file appended meanwhile (steps, metrics)
    // or cut back on resume still ends cleanly.
    return reply
      .type(FILE_TYPES[path.extname(req.params['*']).toLowerCase()] ?? 'application/octet-stream')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .header('last-modified', f.mtime.toUTCString())
      .send(f.handle.createReadStream());
  });
  registerApi(app, store, o.queue ?? null);
  registerPresets(app, store, o.storeArg ?? '');
  sse(app, feed);
  return app;
}

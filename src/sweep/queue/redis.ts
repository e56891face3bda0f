// genlab's link to Redis: the queue URL (parsed, redacted for display), and the ioredis options that genlab's own
// connection and BullMQ's (ioredis is BullMQ's driver) are made from.
import net from 'node:net';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { InputError } from '../../engine/index.js';

/** Where the queue is: never printed as given (it may hold a password); `display` is the redacted form. */
export interface QueueTarget {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db: number;
  display: string;
}

/** The environment variable that names the queue when --queue is not given. */
export const QUEUE_ENV = 'GENLAB_QUEUE';

/** Parses redis://[[user]:password@]host[:port][/db] or rediss://… (TLS); errors never repeat the password. */
export function parseQueueUrl(raw: string, where: string): QueueTarget {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new InputError(
      `${where}: expected a URL redis://HOST:PORT or rediss://HOST:PORT, got "${redact(raw)}"`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new InputError(
      `${where}: expected a URL redis://HOST:PORT or rediss://HOST:PORT, got "${redact(raw)}"`,
    );
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!u.hostname) throw new InputError(`${where}: expected a host in the URL, got "${redact(raw)}"`);
  if (!Number.isInteger(db) || db < 0)
    throw new InputError(`${where}: expected a database number after the host (/0), got "/${dbText}"`);
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const auth = username || password ? `${username ?? ''}${password ? ':***' : ''}@` : '';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    tls: u.protocol === 'rediss:',
    username,
    password,
    db,
    display: `${u.protocol}//${auth}${u.host}${db ? `/${db}` : ''}`,
  };
}

/** A queue URL with any password replaced by ***, for messages about a URL that did not parse. */
export function redact(raw: string): string {
  return raw.replace(/(\/\/[^/@:]*:)[^@/]*@/, '$1***@');
}

/** The queue's URL from --queue or GENLAB_QUEUE, or null for the local process pool. */
export function queueFromFlags(flag: unknown, where: string): QueueTarget | null {
  const raw = typeof flag === 'string' && flag !== '' ? flag : process.env[QUEUE_ENV];
  if (!raw) return null;
  return parseQueueUrl(
    raw,
    typeof flag === 'string' && flag !== '' ? `${where}: --queue` : `${where}: ${QUEUE_ENV}`,
  );
}

/** ioredis options for a target: password and TLS from the URL; the password goes to Redis and nowhere else. */
export function redisOptions(t: QueueTarget): RedisOptions & BullRedisOptions {
  return {
    host: t.host,
    port: t.port,
    username: t.username,
    password: t.password,
    db: t.db,
    tls: t.tls ? { servername: net.isIP(t.host) ? undefined : t.host } : undefined,
  };
}

/** BullMQ's connection option for a target: BullMQ makes its ioredis connections from these options itself. */
export function bullConnection(target: QueueTarget): BullRedisOptions {
  return redisOptions(target);
}

/** A connection for genlab's own keys (run files); fails now, in one line naming the redacted URL, if Redis is not there. */
export async function connectQueue(target: QueueTarget, where: string): Promise<Redis> {
  const c = new Redis({ ...redisOptions(target), lazyConnect: true, connectTimeout: 10_000 });
  let last: Error | null = null;
  c.on('error', (e: Error) => (last = e)); // reconnects on its own once connected (Redis restarted)
  try {
    await c.connect();
    await c.ping();
  } catch (e) {
    c.disconnect();
    const err = (last ?? e) as NodeJS.ErrnoException;
    throw new Error(
      `${where}: ${target.display}: cannot reach Redis (${err.code ?? redactSecret(err.message, target)}); expected a running redis-server there`,
    );
  }
  return c;
}

/** Whether Redis answers a PING within `ms` (one try, no reconnecting): for deciding to stop waiting on it. */
export async function reachable(target: QueueTarget, ms = 1000): Promise<boolean> {
  const c = new Redis({
    ...redisOptions(target),
    lazyConnect: true,
    connectTimeout: ms,
    commandTimeout: ms,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

/** A driver's message with the target's password cut out (it never should hold it; this makes sure). */
export function redactSecret(text: string, target: QueueTarget): string {
  return target.password ? text.split(target.password).join('***') : text;
}

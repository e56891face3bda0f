// A real redis-server for tests: its own free port and temporary directory, stopped (and restartable) by the test.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './temp.js';

export interface TestRedis {
  port: number;
  url: string; // with the password, if any; rediss:// with TLS
  ca: string | null; // with TLS: the certificate clients trust (NODE_EXTRA_CA_CERTS)
  dir: string;
  /** Stops the server (SIGTERM: with persistence on, it saves first) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A self-signed certificate for 127.0.0.1 (openssl), for a TLS-only server. */
function selfSigned(dir: string): { cert: string; key: string } {
  const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' }); // prettier-ignore
  return { cert, key };
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts redis-server; `persist` turns on the append-only file (fsync every write), `password` requirepass,
 * `tls` serves TLS only, with a self-signed certificate.
 */
export async function startRedis(
  o: { persist?: boolean; password?: string; tls?: boolean } = {},
): Promise<TestRedis> {
  const dir = tempDir('genlab-redis-');
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  const tls = o.tls ? selfSigned(dir) : null;
  if (tls) args.push('--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no');
  if (tls) args.push('--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.cert);
  else args.push('--port', String(port));
  args.push('--appendonly', o.persist ? 'yes' : 'no', '--appendfsync', 'always');
  if (o.password) args.push('--requirepass', o.password);
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('redis-server', args, { stdio: 'ignore' });
    const t0 = Date.now();
    while (!(await answers(port))) {
      if (Date.now() - t0 > 10_000) throw new Error(`redis-server: not answering on port ${port} after 10 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  await start();
  return {
    port,
    url: `${tls ? 'rediss' : 'redis'}://${o.password ? `:${o.password}@` : ''}127.0.0.1:${port}`,
    ca: tls?.cert ?? null,
    dir,
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

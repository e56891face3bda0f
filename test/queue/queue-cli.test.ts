// The queue commands' answers to bad input, and queue URLs: parsed, and never shown with their password.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { genlabInProcess } from '../support/cli-in-process.js';
import { parseQueueUrl } from '../../src/sweep/queue/redis.js';
import { startRedis } from '../support/redis-server.js';
import { genlab } from '../support/queue-helpers.js';

const run = genlabInProcess;

test('bad queue input: one line, exit 2, no password', async () => {
  const cases: [string[], Record<string, string>, string][] = [
    [
      ['run', 'fig1a', '--scale', 'smoke', '--queue', 'redis://127.0.0.1:1', '--jobs', '2'],
      {},
      "genlab run: --jobs: the queue's workers decide it (genlab worker --jobs); expected no --jobs with --queue\n",
    ],
    [
      ['run', 'fig1a', '--scale', 'smoke', '--data-dir', '/data/fashion', '--dry-run'],
      { GENLAB_QUEUE: 'redis://:hunter2@127.0.0.1:1' },
      'genlab run: true labels: dataset.dataDir: a directory of this machine does not travel to workers; expected the data set in its default directory on every worker, got "/data/fashion"\n',
    ],
    [
      ['run', 'table3', '--scale', 'smoke', '--queue', 'redis://:hunter2@127.0.0.1:1', '--threads', '2'],
      {},
      "genlab run: --threads: the queue's workers decide it (genlab worker --threads); expected no --threads with --queue\n",
    ],
    [
      ['worker'],
      {},
      'genlab worker: --queue: expected a URL redis://HOST:PORT (or GENLAB_QUEUE), got nothing\n',
    ],
    [
      ['worker', '--queue', 'redis://127.0.0.1:1', '--name', 'my worker'],
      {},
      'genlab worker: --name: expected letters, digits and . _ : @ -, got "my worker"\n',
    ],
    [['queue'], {}, 'genlab queue: expected the subcommand status, got nothing\n'],
    [
      ['queue', 'status'],
      { GENLAB_QUEUE: 'redis://:hunter2@127.0.0.1:1/x' },
      'genlab queue status: GENLAB_QUEUE: expected a database number after the host (/0), got "/x"\n',
    ],
    [
      ['queue', 'status', '--queue', 'localhost:6379'],
      {},
      'genlab queue status: --queue: expected a URL redis://HOST:PORT or rediss://HOST:PORT, got "localhost:6379"\n',
    ],
  ];
  for (const [args, env, expected] of cases) {
    const r = await run(args, env);
    assert.equal(r.err, expected, args.join(' '));
    assert.equal(r.code, 2, args.join(' '));
  }
});

test('queue URLs: host, port, database, user, password, TLS; displayed redacted', () => {
  assert.deepEqual(parseQueueUrl('rediss://ops:p%40ss@redis.lab:6380/2', 'x'), {
    host: 'redis.lab',
    port: 6380,
    tls: true,
    username: 'ops',
    password: 'p@ss',
    db: 2,
    display: 'rediss://ops:***@redis.lab:6380/2',
  });
  const plain = parseQueueUrl('redis://127.0.0.1', 'x');
  assert.equal(plain.port, 6379);
  assert.equal(plain.display, 'redis://127.0.0.1');
  assert.equal(parseQueueUrl('redis://:secret@[::1]:7000', 'x').display, 'redis://:***@[::1]:7000');
});

test(
  'rediss:// with a password: the queue over TLS, the secret in no output',
  { timeout: 180_000 },
  async () => {
    const secret = 'tls-pw-51ab';
    const redis = await startRedis({ tls: true, password: secret });
    try {
      const trusted = genlab(['queue', 'status', '--queue', redis.url, '--json'], {
        ...process.env,
        NODE_EXTRA_CA_CERTS: redis.ca!,
      });
      assert.equal(await trusted.exited, 0, trusted.output());
      assert.deepEqual(JSON.parse(trusted.output()), {
        queue: `rediss://:***@127.0.0.1:${redis.port}`,
        workers: [],
        jobs: [],
      });
      const untrusted = genlab(['queue', 'status', '--queue', redis.url]);
      assert.equal(await untrusted.exited, 1);
      assert.equal(
        untrusted.output(),
        `genlab queue status: rediss://:***@127.0.0.1:${redis.port}: cannot reach Redis (DEPTH_ZERO_SELF_SIGNED_CERT); expected a running redis-server there\n`,
      );
      for (const p of [trusted, untrusted]) assert.ok(!p.output().includes(secret));
    } finally {
      await redis.close();
    }
  },
);

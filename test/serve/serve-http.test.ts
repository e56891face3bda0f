// genlab serve over plain HTTP: the runs API equals `genlab runs --json`, traversal refused, tokens off loopback, read-only.
import type { RunRow } from '../../src/store/store.js';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { BIN, captureIo, listen, parseCsv, smokeStore } from '../support/serve-fixtures.js';
import { tempDir } from '../support/temp.js';

let store: Awaited<ReturnType<typeof smokeStore>>;
let server: Awaited<ReturnType<typeof listen>>;

/** Every file under dir (but the SQLite index) with its size and modification time. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (name.startsWith('index.db')) continue;
    const st = statSync(path.join(dir, name));
    out.push(`${name} ${st.size} ${st.mtimeMs}`);
  }
  return out.sort();
}
let before0: string[];

before(async () => {
  store = await smokeStore();
  const outside = path.join(tempDir('genlab-outside-'), 'secret.txt'); // outside the store
  writeFileSync(outside, 'secret');
  symlinkSync(outside, path.join(store.root, store.ids[0], 'escape.txt'));
  before0 = snapshot(store.root);
  server = await listen(store.root);
});

after(async () => {
  await server.app.close();
  rmSync(store.root, { recursive: true, force: true });
});

test('GET / serves the app and GET /api/runs the same rows as genlab runs --json', async () => {
  const page = await fetch(`${server.url}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="\/app\/main.js">/);
  for (const asset of ['/app/main.js', '/vendor/uplot/uPlot.iife.min.js', '/static/style.css'])
    assert.equal((await fetch(`${server.url}${asset}`)).status, 200, asset);
  const api = (await (await fetch(`${server.url}/api/runs`)).json()) as { runs: { id: string }[] };
  const cli = spawnSync(process.execPath, [BIN, 'runs', '--out', store.root, '--json'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(api.runs, (JSON.parse(cli.stdout) as { runs: unknown[] }).runs);
  assert.deepEqual(api.runs.map((r) => r.id).sort(), [...store.ids].sort());
  // The runs table's compact rows: the same runs, in the same order, with the headline results.
  const table = (await (await fetch(`${server.url}/api/runs-table`)).json()) as {
    columns: string[];
    rows: unknown[][];
  };
  const full = api.runs as unknown as RunRow[];
  assert.deepEqual(
    table.rows.map((row) => Object.fromEntries(table.columns.map((k, i) => [k, row[i]]))),
    full.map((r) => ({
      ...{ run: r.run, status: r.status, model: r.model, dataset: r.dataset, labels: r.labels },
      ...{ inputs: r.inputs, updated: r.updated, epochs: r.results?.epochs },
      ...{ stepsToFit: r.results?.stepsToFit, trainAcc: r.results?.trainAcc, testAcc: r.results?.testAcc },
    })),
  );
});

test('downloads stay inside the run store: .., encoded .., absolute paths and outside symlinks refused', async () => {
  const id = store.ids[0];
  const ok = await fetch(`${server.url}/files/${id}/config.json`);
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(await ok.text()) as { model: { name: string } }).model.name, 'mlp-1x32');
  const attempts = [
    '/files/..%2f..%2fetc%2fpasswd',
    '/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/files/%252e%252e%252f%252e%252e%252fetc%252fpasswd',
    '/files/%2fetc%2fpasswd',
    '/files//etc/passwd',
    `/files/${id}/..%2f..%2f..%2fetc%2fpasswd`,
    `/files/${id}/%2e%2e%5c%2e%2e%5cetc%5cpasswd`,
    `/files/${id}/escape.txt`,
    `/files/${id}/config.json%00.png`,
  ];
  for (const url of attempts) {
    const r = await fetch(`${server.url}${url}`);
    const body = await r.text();
    assert.ok([400, 403, 404].includes(r.status), `${url}: HTTP ${r.status}`);
    assert.doesNotMatch(body, /root:|secret/, url);
  }
  const symlink = await (await fetch(`${server.url}/files/${id}/escape.txt`)).json();
  assert.deepEqual(symlink, { error: `files: "${id}/escape.txt" points outside the run store; refused` });
  const dotdot = await (await fetch(`${server.url}/files/..%2f..%2fetc%2fpasswd`)).json();
  assert.deepEqual(dotdot, {
    error: 'files: refused path; expected a path inside the run store, got "../../etc/passwd"',
  });
});

test('a loopback server refuses other Host names (DNS rebinding) and every method but GET', async () => {
  const rebound = await server.app.inject({ url: '/api/runs', headers: { host: 'attacker.example:8080' } });
  assert.equal(rebound.statusCode, 403);
  const post = await fetch(`${server.url}/api/runs`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 404);
});

test('CSV of the runs table, per-epoch metrics and per-step losses', async () => {
  const runs = parseCsv(await (await fetch(`${server.url}/api/runs.csv`)).text());
  assert.equal(runs[0][0], 'id');
  assert.deepEqual(
    runs
      .slice(1)
      .map((r) => r[0])
      .sort(),
    [...store.ids].sort(),
  );
  const epochs = parseCsv(await (await fetch(`${server.url}/api/runs/${store.ids[0]}/epochs.csv`)).text());
  assert.deepEqual(
    epochs.map((r) => r[0]),
    ['epoch', '1', '2', '3'],
  );
  const steps = parseCsv(await (await fetch(`${server.url}/api/runs/${store.ids[0]}/steps.csv`)).text());
  assert.equal(steps.length, 1 + 30); // 300 examples in batches of 32: 10 steps an epoch
  assert.ok(steps.slice(1).every((r, i) => Number(r[0]) === i + 1 && Number(r[1]) > 0));
});

test('per-step losses are downsampled to the points asked for, and a window returns every step in it', async () => {
  const base = `${server.url}/api/runs/${store.ids[0]}/steps`;
  const all = (await (await fetch(`${base}?points=5`)).json()) as {
    x: number[];
    total: number;
    downsampled: boolean;
  };
  assert.deepEqual([all.x.length, all.total, all.downsampled], [5, 30, true]);
  const w = (await (await fetch(`${base}?from=11&to=20`)).json()) as { x: number[]; downsampled: boolean };
  assert.deepEqual(w.x, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  const bad = await fetch(`${base}?from=0`);
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { error: 'steps: ?from must be an integer in 1..30; got "0"' });
});

test('compare: each run labelled by what differs, the differing fields, groups, paces, and refusals in words', async () => {
  const ids = store.ids.join(',');
  const c = (await (await fetch(`${server.url}/api/compare?ids=${ids}`)).json()) as {
    labels: string[];
    differing: { key: string; values: string[] }[];
    groups: number[];
    groupLabels: string[];
    paces: unknown[];
  };
  assert.deepEqual(c.labels, ['true labels', 'random labels']);
  assert.deepEqual(c.differing, [{ key: 'randomization.labels', values: ['true', 'random'] }]);
  assert.deepEqual([c.groups, c.groupLabels], [[0, 1], c.labels]);
  // 300 examples in batches of 32: 10 steps an epoch, the last of 12 examples.
  const pace = { batchSize: 32, stepsPerEpoch: 10, epochExamples: 300 };
  assert.deepEqual(c.paces, [pace, pace]);
  const none = await fetch(`${server.url}/api/compare?ids=`);
  assert.equal(none.status, 400);
  assert.equal(
    ((await none.json()) as { error: string }).error,
    'compare: ?ids must name 1 to 64 runs, comma-separated; got 0',
  );
  const unknown = await fetch(`${server.url}/api/compare?ids=${store.ids[0]},nope`);
  assert.equal(unknown.status, 404);
});

test('the server changed nothing in the store', () => {
  assert.deepEqual(snapshot(store.root), before0);
});

test('--host off loopback: a token is generated and printed once, and every request without it gets 401', async () => {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--out', store.root, '--host', '0.0.0.0', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    while (!/open: .*\n/.test(out)) {
      if (child.exitCode !== null) throw new Error(`genlab serve exited ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const port = Number(/:(\d+)\//.exec(out)?.[1]);
    const token = /token \(printed once\): (\S+)/.exec(out)?.[1] ?? '';
    assert.ok(token.length >= 16, out);
    const url = `http://127.0.0.1:${port}`;
    for (const p of ['/', '/api/runs', '/api/events', '/files/x', '/app/main.js']) {
      const r = await fetch(`${url}${p}`);
      assert.equal(r.status, 401, p);
    }
    assert.equal(
      (await fetch(`${url}/api/runs`, { headers: { authorization: 'Bearer wrong-token' } })).status,
      401,
    );
    assert.equal(
      (await fetch(`${url}/api/runs`, { headers: { authorization: `Bearer ${token}` } })).status,
      200,
    );
    const q = await fetch(`${url}/?token=${token}`);
    assert.equal(q.status, 200);
    const cookie = (q.headers.get('set-cookie') ?? '').split(';')[0];
    assert.equal((await fetch(`${url}/api/runs`, { headers: { cookie } })).status, 200);
    assert.equal(out.split(token).length - 1, 2, 'the token is printed in one place (its line and the URL)');
  } finally {
    child.kill('SIGTERM');
  }
});

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGHUP', 129],
  ['SIGINT', 130],
] as const)
  test(`genlab serve on ${signal}: closes within 10 s with a live event stream open, exit ${code}`, async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--out', store.root, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.resume();
    const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    try {
      while (!/http:\/\/127\.0\.0\.1:\d+\//.test(out)) {
        if (child.exitCode !== null) throw new Error(`genlab serve exited ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)![0];
      const events = await fetch(`${url}/api/events`); // held open by the server
      assert.equal(events.status, 200);
      const t0 = performance.now();
      child.kill(signal);
      assert.equal(await exited, code);
      assert.ok(
        performance.now() - t0 < 10_000,
        `closed in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      await events.body?.cancel().catch(() => {});
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

test('bad flags: a short --token and a store that does not exist are named', async () => {
  const io = captureIo();
  assert.equal(await main(['serve', '--host', '0.0.0.0', '--token', 'abc'], io), 2);
  assert.equal(
    io.stderr.join(''),
    'genlab serve: --token is too short; expected at least 8 characters, got 3\n',
  );
  const missing = path.join(tmpdir(), 'genlab-no-store');
  const io2 = captureIo();
  assert.equal(await main(['serve', '--out', missing, '--port', '0'], io2), 2);
  assert.equal(
    io2.stderr.join(''),
    `--out ${missing}: no run store here; expected a directory holding index.db (genlab fit or genlab run make one)\n`,
  );
});

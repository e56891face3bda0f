// /files/ while a writer replaces the file (issue 27): each answer is a whole old or new file, or a 404 while the
// file is renamed away — never a hang, a 500, or a mix of two versions.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../src/store/store.js';
import { listen } from '../support/serve-fixtures.js';
import { tempDir } from '../support/temp.js';

// Version b of the file: byte b repeated 20,000 + 1,000·b times, so a body shows which version it is and whether it is whole.
const version = (b: number) => new Uint8Array(20_000 + 1000 * b).fill(b);
const whole = (body: Uint8Array) =>
  body.length === 20_000 + 1000 * body[0] && body.every((x) => x === body[0]);

test('/files/ during atomic replacements: the old or the new file whole, or 404; never a hang or a 500', async (t) => {
  const root = tempDir('genlab-serve-race-');
  const store = new RunStore(root);
  const run = store.run('a-run');
  run.create({ experiment: 'none' });
  const file = path.join(run.dir, 'artifacts', 'data.bin');
  run.writeArtifact('data.bin', version(0));
  store.close();
  const server = await listen(root);
  // Another process replaces the file as run writers replace checkpoints, as fast as it can (no fsync): a new
  // file written aside, the current one renamed away (a moment without the file), the new one renamed in.
  const writer = spawn(
    process.execPath,
    [
      '-e',
      `const fs = require('node:fs'); const file = ${JSON.stringify(file)};
       for (let i = 1; ; i++) {
         const b = i % 200;
         fs.writeFileSync(file + '.next', new Uint8Array(20000 + 1000 * b).fill(b));
         fs.renameSync(file, file + '.previous');
         fs.renameSync(file + '.next', file);
       }`,
    ],
    { stdio: 'ignore' },
  );
  try {
    const answers = new Map<string, number>();
    const t0 = Date.now();
    const one = async () => {
      let kind: string;
      try {
        const r = await fetch(`${server.url}/files/a-run/artifacts/data.bin`, {
          signal: AbortSignal.timeout(5000),
        });
        const body = new Uint8Array(await r.arrayBuffer());
        kind = r.status !== 200 ? `HTTP ${r.status}` : whole(body) ? 'whole' : `torn (${body.length} bytes)`;
      } catch (e) {
        kind = (e as Error).name === 'TimeoutError' ? 'no answer in 5 s' : `failed: ${(e as Error).message}`;
      }
      answers.set(kind, (answers.get(kind) ?? 0) + 1);
    };
    while (Date.now() - t0 < 3000) await Promise.all(Array.from({ length: 16 }, one));
    t.diagnostic(JSON.stringify([...answers]));
    const bad = [...answers].filter(([k]) => k !== 'whole' && k !== 'HTTP 404');
    assert.deepEqual(bad, [], JSON.stringify([...answers]));
    assert.ok((answers.get('whole') ?? 0) >= 20, JSON.stringify([...answers]));
  } finally {
    writer.kill();
    await server.app.close();
  }
});

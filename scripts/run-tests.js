// Runs every compiled test file (dist/**/*.test.js) with node's test runner, two files at a time, in a
// temporary folder of their own (TMPDIR): a genlab-* entry a test leaves there fails the run, by name.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = ['dist/src', 'dist/test']
  .flatMap((d) => find(d))
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/ (run npm run build:ts)');
  process.exit(1);
}
const tmp = mkdtempSync(path.join(tmpdir(), 'genlab-tests-'));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: tmp },
});
const left = readdirSync(tmp).filter((n) => n.startsWith('genlab-'));
rmSync(tmp, { recursive: true, force: true }); // what other programs (Chromium, Redis) left goes too
if (left.length > 0) {
  console.error(`run-tests: the tests left ${left.length} temporary folders behind: ${left.join(', ')}`);
  process.exit(r.status || 1);
}
process.exit(r.status ?? 1);

// The layout shows the architecture: a folder of src/ imports only folders listed before it (engine first, cli
// last), so no import loop crosses folders (shared/STYLE.md). Unit tests beside the code are exempt.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ORDER = [
  'engine',
  'nn',
  'optim',
  'data',
  'randomize',
  'models',
  'train',
  'theory',
  'config',
  'store',
  'experiments',
  'presets',
  'sweep',
  'report',
  'serve',
  'bench',
  'cli',
];

const here = path.dirname(fileURLToPath(import.meta.url));
// dist/src -> the sources beside it in the repository (src/)
const SRC = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../../src') : here;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return n.endsWith('.ts') && !n.endsWith('.test.ts') ? [p] : [];
  });
}

const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0];

test('every folder of src/ imports only the folders before it', () => {
  const folders = readdirSync(SRC).filter((n) => statSync(path.join(SRC, n)).isDirectory());
  assert.deepEqual(
    folders.filter((f) => !ORDER.includes(f)),
    [],
    'a folder of src/ not in the architecture',
  );
  const wrong: string[] = [];
  for (const file of sources(SRC).filter((f) => path.dirname(f) !== SRC)) {
    const from = folderOf(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      const rel = path.relative(SRC, target);
      if (rel.startsWith('..')) {
        wrong.push(`${path.relative(SRC, file)} imports ${m[1]}, outside src/`);
        continue;
      }
      const to = rel.split(path.sep)[0];
      if (ORDER.indexOf(to) > ORDER.indexOf(from))
        wrong.push(`${path.relative(SRC, file)} (${from}) imports ${m[1]} (${to}), a folder after it`);
    }
  }
  assert.deepEqual(wrong, []);
});

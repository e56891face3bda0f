// Every line of a chart gets its own colour, the first ones from colour-blind-safe sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashOf, palette, withAlpha } from './palette.js';

test('palette: n distinct colours for any n, Okabe–Ito first; lines past eight dashed', () => {
  for (const n of [1, 2, 5, 8, 17, 30]) {
    const p = palette(n);
    assert.equal(p.length, n);
    assert.equal(new Set(p).size, n, `${n} lines: a colour used twice`);
  }
  assert.deepEqual(palette(2), ['#0072b2', '#d55e00']);
  assert.equal(dashOf(7), undefined);
  assert.ok(dashOf(8));
});

test('withAlpha: every palette colour made faint (a raw line, a band)', () => {
  assert.equal(withAlpha('#0072b2', 0.2), 'rgba(0, 114, 178, 0.2)');
  for (const c of palette(30)) assert.match(withAlpha(c, 0.5), /^(rgba|hsla)\(.*, 0\.5\)$/);
  assert.equal(withAlpha('hsl(12, 65%, 35%)', 0.2), 'hsla(12, 65%, 35%, 0.2)');
});

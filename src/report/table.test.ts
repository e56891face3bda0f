// Tests for tables: formatting helpers, Markdown alignment and escaping, HTML escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  comparisonCell,
  comparisonColumns,
  fmtDelta,
  fmtNum,
  fmtPct,
  htmlTable,
  markdownTable,
  type Table,
} from './table.js';

test('fmtPct and fmtNum format for people', () => {
  assert.equal(fmtPct(0.8905), '89.05%');
  assert.equal(fmtPct(1, 1), '100.0%');
  assert.equal(fmtPct(null), '—');
  assert.equal(fmtNum(1209866), '1,209,866');
  assert.equal(fmtNum(2.30259), '2.30');
  assert.equal(fmtNum(0.0001234, 2), '1.23e-4');
  assert.equal(fmtNum(Number.NaN), '—');
  assert.equal(fmtNum(Infinity), '∞');
});

test('fmtDelta is signed and never prints -0', () => {
  assert.equal(fmtDelta(1.2), '+1.20');
  assert.equal(fmtDelta(-0.351), '-0.35');
  assert.equal(fmtDelta(-0.001), '0.00');
  assert.equal(fmtDelta(0.001), '0.00');
});

test('comparisonCell gives genlab, paper and their difference', () => {
  assert.deepEqual(comparisonCell(85.5, 89.05), ['85.50', '89.05', '-3.55']);
  assert.deepEqual(comparisonCell(100, 99.34, { digits: 1, unit: '%' }), ['100.0%', '99.3%', '+0.7']);
  assert.deepEqual(comparisonCell(null, 9.78), ['—', '9.78', '—']);
  assert.deepEqual(comparisonColumns('test'), ['test genlab', 'test paper', 'test Δ']);
});

const t: Table = {
  title: 'Table 1 | CIFAR-10',
  columns: ['model', 'test'],
  rows: [
    ['MLP 1×512', 50.39],
    ['a|b <x>', null],
  ],
  notes: ['scale: smoke'],
};

test('markdownTable pads, right-aligns numbers and escapes pipes', () => {
  assert.equal(
    markdownTable(t),
    [
      '**Table 1 \\| CIFAR-10**',
      '',
      '| model     |  test |',
      '|:----------|------:|',
      '| MLP 1×512 | 50.39 |',
      '| a\\|b <x>  |     — |',
      '',
      '- scale: smoke',
      '',
    ].join('\n'),
  );
});

test('htmlTable escapes every cell and marks numeric columns', () => {
  const html = htmlTable(t);
  assert.ok(html.includes('<td>a|b &lt;x&gt;</td>'));
  assert.ok(html.includes('<td class="num">50.39</td>'));
  assert.ok(html.includes('<caption>Table 1 | CIFAR-10</caption>'));
  assert.ok(!html.includes('<x>'));
});

test('tables reject ragged rows', () => {
  assert.throws(() => markdownTable({ columns: ['a', 'b'], rows: [[1]] }), {
    message: 'markdownTable: row 0 has the wrong number of cells; expected 2, got 1',
  });
});

// Tests for the HTML report: escaping, inlined SVGs with unique ids, tables and contents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlReport, inlineSvg, paragraphs } from './html.js';

const svg = (w: number): string =>
  `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="${w}"><clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>`;

test('paragraphs escape text and mark code', () => {
  assert.equal(
    paragraphs('a <b> `genlab run`\n\nsecond'),
    '<p>a &lt;b&gt; <code>genlab run</code></p>\n<p>second</p>',
  );
});

test('inlineSvg drops the prolog and prefixes ids and references', () => {
  assert.equal(
    inlineSvg(svg(10), 'f1'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="10"><clipPath id="f1-clip1"/><g clip-path="url(#f1-clip1)"/></svg>',
  );
  assert.throws(() => inlineSvg('<png/>', 'f'), /htmlReport: figure is not an SVG/);
});

test('htmlReport is one self-contained document', () => {
  const html = htmlReport({
    title: 'Fig 1a <smoke>',
    intro: 'Scale: smoke.',
    sections: [
      {
        heading: 'Loss',
        text: 'Random labels fit.',
        figures: [
          { svg: svg(10), caption: 'loss & steps' },
          { svg: svg(20), caption: 'b' },
        ],
      },
      { heading: 'Table', tables: [{ columns: ['model', 'test'], rows: [['MLP', 50.1]] }] },
      { heading: 'Notes' },
    ],
  });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes('<title>Fig 1a &lt;smoke&gt;</title>'));
  assert.ok(html.includes('id="f1-1-clip1"') && html.includes('id="f1-2-clip1"'));
  assert.ok(html.includes('<figcaption>loss &amp; steps</figcaption>'));
  assert.ok(html.includes('<td class="num">50.10</td>'));
  assert.ok(html.includes('<a href="#s2-table">Table</a>'));
  assert.ok(!/<script|<link|src="http/.test(html));
});

// One self-contained HTML report (inline CSS, inline SVG figures, tables) that a person can read without code.
import { escapeHtml, htmlTable, type Table } from './table.js';

export interface ReportFigure {
  svg: string;
  caption: string;
}

export interface ReportSection {
  heading: string;
  text?: string; // plain text; blank lines separate paragraphs, `backticks` mark code
  figures?: ReportFigure[];
  tables?: Table[];
}

export interface HtmlReportSpec {
  title: string;
  intro: string;
  sections: ReportSection[];
}

const CSS = `
body { font-family: "DejaVu Sans", -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
  max-width: 960px; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
nav ol { padding-left: 1.4rem; }
code { background: #f3f3f3; padding: 0 .25em; border-radius: 3px; font-size: .92em; }
figure { margin: 1.2rem 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .92rem; color: #555; margin-top: .3rem; }
table.genlab-table { border-collapse: collapse; margin: 1rem 0 .4rem; font-size: .92rem; }
table.genlab-table caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: .4rem; }
table.genlab-table th, table.genlab-table td { border-bottom: 1px solid #e3e3e3; padding: .25rem .7rem; text-align: left; }
table.genlab-table th { border-bottom: 2px solid #999; background: #fafafa; }
table.genlab-table .num { text-align: right; font-variant-numeric: tabular-nums; }
table.genlab-table tbody tr:nth-child(even) { background: #fcfcfc; }
ul.notes { font-size: .88rem; color: #555; margin-top: 0; }
`;

/** Escaped paragraphs; `code` spans become <code>. */
export function paragraphs(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('\n');
}

/**
 * Make an SVG safe to inline next to others: drop any XML prolog or doctype, and prefix every
 * id (and each reference to it) so that two figures' clip paths ("clip1", …) cannot collide.
 */
export function inlineSvg(svg: string, prefix: string): string {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '').replace(/^\s*<!DOCTYPE[^>]*>\s*/i, '');
  if (!/^<svg[\s>]/.test(body)) {
    throw new Error(
      `htmlReport: figure is not an SVG; expected text starting with <svg, got "${body.slice(0, 20)}"`,
    );
  }
  return body
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

function slug(s: string, i: number): string {
  const base = s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `s${i + 1}${base ? `-${base}` : ''}`;
}

function renderSection(s: ReportSection, i: number): string {
  const out = [`<section id="${slug(s.heading, i)}">`, `<h2>${escapeHtml(s.heading)}</h2>`];
  if (s.text) out.push(paragraphs(s.text));
  (s.figures ?? []).forEach((f, j) => {
    out.push(
      `<figure>${inlineSvg(f.svg, `f${i + 1}-${j + 1}`)}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`,
    );
  });
  for (const t of s.tables ?? []) out.push(htmlTable(t));
  out.push('</section>');
  return out.join('\n');
}

function contents(sections: ReportSection[]): string {
  if (sections.length < 3) return '';
  const items = sections.map(
    (s, i) => `<li><a href="#${slug(s.heading, i)}">${escapeHtml(s.heading)}</a></li>`,
  );
  return `<nav><ol>\n${items.join('\n')}\n</ol></nav>`;
}

/** The whole report as one HTML document: no external files, scripts or fonts. */
export function htmlReport(spec: HtmlReportSpec): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(spec.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(spec.title)}</h1>`,
    paragraphs(spec.intro),
    contents(spec.sections),
    ...spec.sections.map(renderSection),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

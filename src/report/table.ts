// Tables as plain data, rendered to Markdown and escaped HTML, with number formatting and genlab-vs-paper cells.

export type Cell = string | number | null;

export interface Table {
  title?: string;
  columns: string[];
  rows: Cell[][];
  notes?: string[];
}

/** What a missing value (a run not done, a number the paper does not give) prints as. */
export const MISSING = '—';

/** A fraction in [0, 1] as a percentage: fmtPct(0.8905) = "89.05%". */
export function fmtPct(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return MISSING;
  return `${(x * 100).toFixed(digits)}%`;
}

/**
 * A number for people: integers with thousands separators ("1,209,866"), very large or very
 * small non-integers in exponent form, everything else with `digits` decimals.
 */
export function fmtNum(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return MISSING;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  if (a >= 1e6 || a < 10 ** -digits) return x.toExponential(digits);
  return x.toFixed(digits);
}

/** A signed difference: "+1.20", "-0.35", "0.00". */
export function fmtDelta(d: number | null | undefined, digits = 2): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return MISSING;
  const s = d.toFixed(digits);
  return d > 0 && Number(s) !== 0 ? `+${s}` : s.replace(/^-(0\.?0*)$/, '$1');
}

export interface ComparisonOptions {
  digits?: number;
  unit?: string;
}

/**
 * The three side-by-side cells [genlab, paper, Δ = genlab − paper], both values in the paper's
 * unit (e.g. accuracy in %, as Table 1 prints it). A missing side makes Δ missing.
 */
export function comparisonCell(
  genlab: number | null,
  paper: number | null,
  opts: ComparisonOptions = {},
): [string, string, string] {
  const digits = opts.digits ?? 2;
  const unit = opts.unit ?? '';
  const show = (v: number | null): string =>
    v === null || !Number.isFinite(v) ? MISSING : `${v.toFixed(digits)}${unit}`;
  const delta = genlab === null || paper === null ? null : genlab - paper;
  return [show(genlab), show(paper), fmtDelta(delta, digits)];
}

/** Column headers for comparisonCell: ["<label> genlab", "<label> paper", "<label> Δ"]. */
export function comparisonColumns(label: string): [string, string, string] {
  return [`${label} genlab`, `${label} paper`, `${label} Δ`];
}

function cellText(c: Cell): string {
  if (c === null) return MISSING;
  return typeof c === 'number' ? fmtNum(c) : c;
}

// A column is right-aligned when every present cell is a number or reads as one ("89.05%", "+1.2").
const NUMERIC = /^[+\-−]?[\d,]*\.?\d+(e[+-]?\d+)?%?$/i;

function isNumericColumn(rows: Cell[][], j: number): boolean {
  let seen = false;
  for (const r of rows) {
    const c = r[j];
    if (c === null || c === MISSING) continue;
    if (typeof c !== 'number' && !NUMERIC.test(c.trim())) return false;
    seen = true;
  }
  return seen;
}

function checkTable(t: Table, where: string): void {
  if (t.columns.length === 0) throw new Error(`${where}: table has no columns; expected at least 1, got 0`);
  t.rows.forEach((r, i) => {
    if (r.length !== t.columns.length) {
      throw new Error(
        `${where}: row ${i} has the wrong number of cells; expected ${t.columns.length}, got ${r.length}`,
      );
    }
  });
}

function escapeMarkdown(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table, padded so it reads as plain text too; numbers right-aligned. */
export function markdownTable(t: Table): string {
  checkTable(t, 'markdownTable');
  const head = t.columns.map(escapeMarkdown);
  const body = t.rows.map((r) => r.map((c) => escapeMarkdown(cellText(c))));
  const right = t.columns.map((_, j) => isNumericColumn(t.rows, j));
  const width = head.map((h, j) => Math.max(3, h.length, ...body.map((r) => r[j].length)));
  const pad = (s: string, j: number): string => (right[j] ? s.padStart(width[j]) : s.padEnd(width[j]));
  const line = (cells: string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${width.map((w, j) => (right[j] ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  const out: string[] = [];
  if (t.title) out.push(`**${escapeMarkdown(t.title)}**`, '');
  out.push(line(head), rule, ...body.map(line));
  if (t.notes?.length) out.push('', ...t.notes.map((n) => `- ${n.replace(/\r?\n/g, ' ')}`));
  return out.join('\n') + '\n';
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An HTML table (every cell escaped); numeric columns get class "num" for right alignment. */
export function htmlTable(t: Table): string {
  checkTable(t, 'htmlTable');
  const right = t.columns.map((_, j) => isNumericColumn(t.rows, j));
  const cls = (j: number): string => (right[j] ? ' class="num"' : '');
  const out: string[] = ['<table class="genlab-table">'];
  if (t.title) out.push(`<caption>${escapeHtml(t.title)}</caption>`);
  out.push(
    `<thead><tr>${t.columns.map((c, j) => `<th${cls(j)}>${escapeHtml(c)}</th>`).join('')}</tr></thead>`,
  );
  out.push('<tbody>');
  for (const r of t.rows)
    out.push(`<tr>${r.map((c, j) => `<td${cls(j)}>${escapeHtml(cellText(c))}</td>`).join('')}</tr>`);
  out.push('</tbody>', '</table>');
  if (t.notes?.length)
    out.push(`<ul class="notes">${t.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  return out.join('\n') + '\n';
}

// Front end: the runs table — sortable, filtered by words or config fields (model=alexnet labels=random), grouped
// by preset and scale, seeds of one cell folded into a row with their mean and range; status and epochs updated
// live; rows picked for compare.
import { getJson, getRunsTable, onLive, tableRow, type RunTableRow } from './api.js';
import { el, escapeHtml, num, pct } from './dom.js';
import { foldNumbers, parseFilter, passes } from './runs-view.js';

interface Column {
  key: string;
  label: string;
  value(r: RunTableRow): string | number | null;
  show?(r: RunTableRow): string;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'id', label: 'run', value: (r) => r.run },
  { key: 'model', label: 'model', value: (r) => r.model },
  { key: 'dataset', label: 'data set', value: (r) => r.dataset },
  { key: 'labels', label: 'labels', value: (r) => r.labels },
  { key: 'inputs', label: 'inputs', value: (r) => r.inputs },
  { key: 'status', label: 'status', value: (r) => r.status },
  { key: 'epochs', label: 'epochs', value: (r) => r.epochs, numeric: true },
  { key: 'stepsToFit', label: 'steps to fit', value: (r) => r.stepsToFit, numeric: true },
  {
    key: 'trainAcc',
    label: 'train acc',
    value: (r) => r.trainAcc,
    show: (r) => pct(r.trainAcc),
    numeric: true,
  },
  {
    key: 'testAcc',
    label: 'test acc',
    value: (r) => r.testAcc,
    show: (r) => pct(r.testAcc),
    numeric: true,
  },
  {
    key: 'updated',
    label: 'updated',
    value: (r) => r.updated,
    show: (r) => r.updated.replace('T', ' ').slice(0, 19),
  },
];

const PERCENT = new Set(['trainAcc', 'testAcc']);

/** Runs of one cell (its seeds, folded) or one run; `label`: the plan's name for it in a preset's group. */
interface Item {
  entries: Entry[];
  label: string | null;
}

const rowsOf = (item: Item) => item.entries.map((e) => e.row);

/** An item's value in a column: a folded numeric column's mean, a text column's value where its runs agree. */
function itemValue(c: Column, item: Item): string | number | null {
  const rows = rowsOf(item);
  if (rows.length === 1) return c.value(rows[0]);
  if (c.numeric) return foldNumbers(rows.map((r) => c.value(r) as number | null)).mean;
  if (c.key === 'updated') return rows.map((r) => r.updated).sort()[rows.length - 1];
  const values = new Set(rows.map((r) => String(c.value(r) ?? '')));
  return values.size === 1 ? c.value(rows[0]) : c.key === 'id' ? rows[0].run : 'mixed';
}

function cellHtml(c: Column, item: Item): string {
  const rows = rowsOf(item);
  const first = rows[0];
  if (c.key === 'id') {
    const ids = rows.map((r) => encodeURIComponent(r.run));
    const name = item.label ?? first.run;
    const seeds =
      rows.length > 1
        ? ` <a class="seeds" href="#/compare?ids=${ids.join(',')}" title="compare its ${rows.length} seeds">${rows.length} seeds</a>`
        : '';
    return `<td><a href="#/run/${ids[0]}" title="${escapeHtml(first.run)}">${escapeHtml(name)}</a>${seeds}</td>`;
  }
  if (rows.length > 1 && c.numeric) {
    const f = foldNumbers(rows.map((r) => c.value(r) as number | null));
    const show = (x: number | null) => (PERCENT.has(c.key) ? pct(x) : num(x === null ? null : +x.toFixed(1)));
    const range =
      f.count > 1 && f.min !== f.max ? ` <span class="muted">(${show(f.min)}–${show(f.max)})</span>` : '';
    return `<td class="num" data-col="${c.key}">${escapeHtml(show(f.mean))}${range}</td>`;
  }
  const value = itemValue(c, item);
  if (c.key === 'status') {
    const status = String(value);
    const title = status === 'mixed' ? ` title="${escapeHtml(rows.map((r) => r.status).join(', '))}"` : '';
    return `<td class="status-${escapeHtml(status)}"${title}>${escapeHtml(status)}</td>`;
  }
  const text =
    rows.length > 1
      ? c.key === 'updated'
        ? (c.show?.({ ...first, updated: String(value) }) ?? '')
        : String(value ?? '–')
      : c.show
        ? c.show(first)
        : c.numeric
          ? num(value)
          : String(value ?? '–');
  return `<td${c.numeric ? ' class="num"' : ''} data-col="${c.key}">${escapeHtml(text)}</td>`;
}

const searchText = (r: RunTableRow) =>
  COLUMNS.map((c) => String(c.value(r) ?? ''))
    .join(' ')
    .toLowerCase();

function rowHtml(item: Item, picked: Set<string>): string {
  const ids = rowsOf(item).map((r) => r.run);
  const checked = ids.every((id) => picked.has(id)) ? ' checked' : '';
  const box = `<td><input type="checkbox" data-pick="${escapeHtml(ids.join(','))}"${checked}></td>`;
  return `<tr data-id="${escapeHtml(ids[0])}"${ids.length > 1 ? ` data-seeds="${ids.length}"` : ''}>${box}${COLUMNS.map((c) => cellHtml(c, item)).join('')}</tr>`;
}

/** A preset at a scale with runs in the store (/api/runs-groups). */
interface Group {
  preset: string;
  title: string;
  scale: string;
  planned: number;
  complete: number;
  runs: { id: string; label: string }[];
}

function groupHead(g: Group | null, shown: number): string {
  const cols = COLUMNS.length + 1;
  if (g === null)
    return `<tr class="group-head"><td colspan="${cols}">Runs in no preset <span class="muted">${shown} shown</span></td></tr>`;
  const page = `#/preset/${encodeURIComponent(g.preset)}?scale=${encodeURIComponent(g.scale)}`;
  return `<tr class="group-head" data-group="${escapeHtml(`${g.preset}/${g.scale}`)}"><td colspan="${cols}"><a href="${page}">${escapeHtml(g.preset)} · ${escapeHtml(g.scale)}</a> ${escapeHtml(g.title)} <span class="muted">${g.complete} of ${g.planned} runs complete; ${shown} shown</span></td></tr>`;
}

/** Rows drawn at a time: sorting and filtering work on every run, drawing 1,000 table rows costs seconds on a busy CPU. */
const PAGE_ROWS = 200;

interface Entry {
  row: RunTableRow;
  text: string; // what the filter's words search
}

interface RunFields {
  fields: string;
  cell: string;
}

/** Draws the runs page into root; returns the cleanup that stops its live updates. */
export function runsPage(root: HTMLElement): () => void {
  const rows = new Map<string, Entry>();
  const picked = new Set<string>();
  let fields: Record<string, RunFields> = {};
  let groups: Group[] = [];
  let sortKey = 'updated';
  let sortDir = -1;
  let limit = PAGE_ROWS;
  const filter = el('input', {
    type: 'search',
    placeholder: 'filter: words, or config fields as model=alexnet labels=random lr=0.01',
    size: 52,
  });
  const status = el(
    'select',
    { 'aria-label': 'status' },
    ['', 'running', 'interrupted', 'complete', 'diverged', 'failed'].map((v) =>
      el('option', { value: v }, v || 'any status'),
    ),
  );
  const grouping = el(
    'select',
    { id: 'grouping', 'aria-label': 'group' },
    el('option', { value: '' }, 'no groups'),
    el('option', { value: 'preset' }, 'group by preset and scale'),
  );
  const fold = el('input', { type: 'checkbox', id: 'fold' });
  const count = el('span', { class: 'muted', id: 'count' });
  const compare = el('button', {}, 'Compare selected');
  const more = el('button', { id: 'more', hidden: true }, `Show ${PAGE_ROWS} more`);
  const thead = el(
    'thead',
    {},
    el(
      'tr',
      {},
      el('th', {}, ''),
      COLUMNS.map((c) => el('th', { 'data-key': c.key }, c.label)),
    ),
  );
  const tbody = el('tbody');
  const table = el('table', { class: 'grid', id: 'runs' }, thead, tbody);
  root.replaceChildren(
    el('h1', {}, 'Runs'),
    el(
      'div',
      { class: 'toolbar' },
      filter,
      status,
      grouping,
      el(
        'label',
        { title: 'runs that differ only in their seeds: one row, the mean and (min–max)' },
        fold,
        ' fold seeds',
      ),
      compare,
      el('a', { class: 'button', href: '/api/runs.csv', download: 'runs.csv' }, 'CSV'),
      count,
    ),
    table,
    more,
  );

  /** The runs of a section as rows: each run, or with fold on, each cell's runs in one. */
  const itemsOf = (entries: Entry[], labels: Map<string, string> | null): Item[] => {
    const label = (e: Entry) => labels?.get(e.row.run) ?? null;
    if (!fold.checked) return entries.map((e) => ({ entries: [e], label: label(e) }));
    const cells = new Map<string, Entry[]>();
    for (const e of entries) {
      const cell = fields[e.row.run]?.cell ?? e.row.run;
      const same = cells.get(cell);
      if (same) same.push(e);
      else cells.set(cell, [e]);
    }
    // a cell's label: the plan's without the seed it names ("random labels seed 1/2" → "random labels")
    return [...cells.values()].map((es) => {
      const first = label(es[0]);
      return {
        entries: es,
        label: first && es.length > 1 ? first.replace(/,? ?seed \d+(\/\d+)?$/, '') : first,
      };
    });
  };

  const apply = () => {
    const terms = parseFilter(filter.value);
    const col = COLUMNS.find((c) => c.key === sortKey) ?? COLUMNS[0];
    const match = (e: Entry) =>
      (!status.value || e.row.status === status.value) &&
      (terms.length === 0 || passes(terms, e.text, fields[e.row.run]?.fields.toLowerCase() ?? ''));
    const order = (a: Item, b: Item) => {
      const x = itemValue(col, a);
      const y = itemValue(col, b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sortDir;
    };
    // Sections: one per preset and scale with matching runs (a run may be in several), then the others.
    const sections: { group: Group | null; items: Item[] }[] = [];
    let matching = 0;
    if (grouping.value === 'preset') {
      const grouped = new Set<string>();
      for (const g of groups) {
        const labels = new Map(g.runs.map((r) => [r.id, r.label]));
        const entries = g.runs.map((r) => rows.get(r.id)).filter((e): e is Entry => !!e && match(e));
        for (const e of entries) grouped.add(e.row.run);
        if (entries.length > 0) sections.push({ group: g, items: itemsOf(entries, labels).sort(order) });
      }
      const rest = [...rows.values()].filter((e) => match(e) && !grouped.has(e.row.run));
      matching = grouped.size + rest.length;
      if (rest.length > 0) sections.push({ group: null, items: itemsOf(rest, null).sort(order) });
    } else {
      const entries = [...rows.values()].filter(match);
      matching = entries.length;
      sections.push({ group: null, items: itemsOf(entries, null).sort(order) });
    }
    // One string parsed once: far cheaper than an element per row (docs/dashboard.md: 1,000 runs).
    let budget = limit;
    let total = 0;
    const html: string[] = [];
    for (const { group, items } of sections) {
      total += items.length;
      if (budget <= 0) continue;
      const drawn = items.slice(0, budget);
      budget -= drawn.length;
      if (grouping.value === 'preset') html.push(groupHead(group, drawn.length));
      for (const item of drawn) html.push(rowHtml(item, picked));
    }
    tbody.innerHTML = html.join('');
    for (const th of thead.querySelectorAll('th'))
      th.className = th.dataset.key === sortKey ? (sortDir > 0 ? 'sorted-asc' : 'sorted-desc') : '';
    const shown = limit - Math.max(budget, 0);
    const what = fold.checked ? 'rows' : 'runs';
    count.textContent =
      shown < total
        ? `${shown} ${what} shown of ${total} (${matching} of ${rows.size} runs match)`
        : fold.checked || grouping.value
          ? `${total} ${what}: ${matching} of ${rows.size} runs`
          : `${matching} of ${rows.size} runs`;
    more.hidden = shown >= total;
  };

  const put = (row: RunTableRow) => rows.set(row.run, { row, text: searchText(row) });

  // Config fields (the filter's key=value, folding) and groups come from their own requests, refreshed when runs change.
  let refreshing: ReturnType<typeof setTimeout> | null = null;
  const refresh = () => {
    refreshing = null;
    Promise.all([
      getJson<{ runs: Record<string, RunFields> }>('/api/runs-fields'),
      getJson<{ groups: Group[] }>('/api/runs-groups'),
    ])
      .then(([f, g]) => {
        fields = f.runs;
        groups = g.groups;
        apply();
        table.dataset.fields = 'true';
      })
      .catch((e: unknown) => root.append(el('p', { class: 'error' }, String(e))));
  };
  const refreshSoon = () => {
    refreshing ??= setTimeout(refresh, 1000);
  };

  thead.addEventListener('click', (e) => {
    const key = (e.target as HTMLElement).dataset.key;
    if (!key) return;
    sortDir = key === sortKey ? -sortDir : 1;
    sortKey = key;
    apply();
  });
  tbody.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    const ids = box.dataset.pick;
    if (ids === undefined) return;
    for (const id of ids.split(',')) {
      if (box.checked) picked.add(id);
      else picked.delete(id);
    }
  });
  const reset = () => {
    limit = PAGE_ROWS;
    apply();
  };
  filter.addEventListener('input', reset);
  status.addEventListener('change', reset);
  grouping.addEventListener('change', reset);
  fold.addEventListener('change', reset);
  more.addEventListener('click', () => {
    limit += PAGE_ROWS;
    apply();
  });
  compare.addEventListener('click', () => {
    location.hash = `#/compare?ids=${[...picked].map(encodeURIComponent).join(',')}`;
  });

  // fit refreshes a run's index row at its start and at every epoch end: each change arrives as a 'run' event.
  const stop = onLive((e) => {
    if (e.type !== 'run') return;
    const known = rows.get(e.row.run);
    if (!known || known.row.status !== e.row.status) refreshSoon(); // a new run, or one that completed
    put(tableRow(e.row));
    apply();
  });
  getRunsTable()
    .then((runs) => {
      for (const r of runs) if (!rows.has(r.run)) put(r);
      apply();
      table.dataset.ready = 'true';
      performance.mark('genlab:runs-ready');
      refresh();
    })
    .catch((e: unknown) => root.append(el('p', { class: 'error' }, String(e))));
  return () => {
    stop();
    if (refreshing) clearTimeout(refreshing);
  };
}

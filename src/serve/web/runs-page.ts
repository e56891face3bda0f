// Front end: the runs table — sortable, filterable, status and epochs updated live, rows picked for compare.
import { getRunsTable, onLive, tableRow, type RunTableRow } from './api.js';
import { el, escapeHtml, num, pct } from './dom.js';

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

function cellHtml(c: Column, r: RunTableRow): string {
  const text = c.show ? c.show(r) : c.numeric ? num(c.value(r)) : String(c.value(r) ?? '–');
  if (c.key === 'id') return `<td><a href="#/run/${encodeURIComponent(r.run)}">${escapeHtml(text)}</a></td>`;
  if (c.key === 'status') return `<td class="status-${escapeHtml(r.status)}">${escapeHtml(text)}</td>`;
  return `<td${c.numeric ? ' class="num"' : ''} data-col="${c.key}">${escapeHtml(text)}</td>`;
}

const searchText = (r: RunTableRow) =>
  COLUMNS.map((c) => String(c.value(r) ?? ''))
    .join(' ')
    .toLowerCase();

function rowHtml(r: RunTableRow, picked: boolean): string {
  const box = `<td><input type="checkbox" data-pick="${escapeHtml(r.run)}"${picked ? ' checked' : ''}></td>`;
  return `<tr data-id="${escapeHtml(r.run)}">${box}${COLUMNS.map((c) => cellHtml(c, r)).join('')}</tr>`;
}

/** Rows drawn at a time: sorting and filtering work on every run, drawing 1,000 table rows costs seconds on a busy CPU. */
const PAGE_ROWS = 200;

interface Entry {
  row: RunTableRow;
  text: string; // what the filter searches
}

/** Draws the runs page into root; returns the cleanup that stops its live updates. */
export function runsPage(root: HTMLElement): () => void {
  const rows = new Map<string, Entry>();
  const picked = new Set<string>();
  let sortKey = 'updated';
  let sortDir = -1;
  let limit = PAGE_ROWS;
  const filter = el('input', {
    type: 'search',
    placeholder: 'filter runs (model, labels, status, …)',
    size: 40,
  });
  const status = el(
    'select',
    {},
    ['', 'running', 'interrupted', 'complete', 'diverged', 'failed'].map((v) =>
      el('option', { value: v }, v || 'any status'),
    ),
  );
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
      compare,
      el('a', { class: 'button', href: '/api/runs.csv', download: 'runs.csv' }, 'CSV'),
      count,
    ),
    table,
    more,
  );

  const apply = () => {
    const q = filter.value.trim().toLowerCase();
    const col = COLUMNS.find((c) => c.key === sortKey) ?? COLUMNS[0];
    const list = [...rows.values()].filter(
      (r) => (!q || r.text.includes(q)) && (!status.value || r.row.status === status.value),
    );
    list.sort((a, b) => {
      const x = col.value(a.row);
      const y = col.value(b.row);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sortDir;
    });
    const drawn = list.slice(0, limit);
    // One string parsed once: far cheaper than an element per row (README: 1,000 runs).
    tbody.innerHTML = drawn.map((e) => rowHtml(e.row, picked.has(e.row.run))).join('');
    for (const th of thead.querySelectorAll('th'))
      th.className = th.dataset.key === sortKey ? (sortDir > 0 ? 'sorted-asc' : 'sorted-desc') : '';
    count.textContent =
      drawn.length < list.length
        ? `${drawn.length} shown of ${list.length} matching (${rows.size} runs)`
        : `${list.length} of ${rows.size} runs`;
    more.hidden = drawn.length >= list.length;
  };

  const put = (row: RunTableRow) => rows.set(row.run, { row, text: searchText(row) });

  thead.addEventListener('click', (e) => {
    const key = (e.target as HTMLElement).dataset.key;
    if (!key) return;
    sortDir = key === sortKey ? -sortDir : 1;
    sortKey = key;
    apply();
  });
  tbody.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    const id = box.dataset.pick;
    if (id === undefined) return;
    if (box.checked) picked.add(id);
    else picked.delete(id);
  });
  const reset = () => {
    limit = PAGE_ROWS;
    apply();
  };
  filter.addEventListener('input', reset);
  status.addEventListener('change', reset);
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
    put(tableRow(e.row));
    apply();
  });
  getRunsTable()
    .then((runs) => {
      for (const r of runs) if (!rows.has(r.run)) put(r);
      apply();
      table.dataset.ready = 'true';
      performance.mark('genlab:runs-ready');
    })
    .catch((e: unknown) => root.append(el('p', { class: 'error' }, String(e))));
  return stop;
}

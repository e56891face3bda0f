// Front end: one preset at one scale as `genlab report` builds it — figures, tables with their seed spread and the
// paper's numbers, claims with verdicts, the scale's deviations from the paper, the runs missing and the command
// that makes them — redrawn as runs arrive.
import { getJson, onLive } from './api.js';
import { el, showError } from './dom.js';

interface Claim {
  claim: string;
  verdict: string;
  measured: string;
}

interface PresetReport {
  version: string;
  name: string;
  title: string;
  description: string;
  kind: string;
  scale: string;
  scales: string[];
  scaleDescription: string;
  differences: string[];
  seeds: number;
  planned: number;
  complete: number;
  command: string;
  reportCommand: string;
  runs: { id: string; label: string; status: string }[];
  missing: string[];
  figures: { name: string; caption: string; svg: string }[];
  tablesHtml: string[];
  claims: Claim[];
}

const enc = encodeURIComponent;
const VERDICTS = ['holds', 'fails', 'inconclusive', 'not measured'];
const slug = (s: string) => s.replace(/\s+/g, '-');
// While runs are running, asked again this often (a live event asks at once); unchanged reports are not resent.
const POLL_MS = 5000;

/** A trusted fragment the server built with genlab report's own code (escaped tables, Vega's SVG). */
function fragment(tag: 'div' | 'figure', cls: string, html: string): HTMLElement {
  const e = el(tag, { class: cls });
  e.innerHTML = html;
  return e;
}

/** A report table, its verdict cells marked for colour. */
function table(html: string): HTMLElement {
  const box = fragment('div', 'report-table', html);
  const heads = [...box.querySelectorAll('thead th')].map((th) => th.textContent);
  const j = heads.indexOf('verdict');
  if (j >= 0) {
    box.querySelector('table')?.setAttribute('id', 'claims');
    for (const tr of box.querySelectorAll('tbody tr')) {
      const td = tr.children[j];
      if (td) td.classList.add('verdict', `verdict-${slug(td.textContent ?? '')}`);
    }
  }
  return box;
}

/** In-page links under a hash router: scroll instead of routing. */
const jumpTo = (id: string) => (e: Event) => {
  e.preventDefault();
  document.getElementById(id)?.scrollIntoView();
};

function claimsLine(claims: Claim[]): HTMLElement | null {
  if (claims.length === 0) return null;
  const counts = VERDICTS.map((v) => [v, claims.filter((c) => c.verdict === v).length] as const).filter(
    ([, n]) => n > 0,
  );
  return el(
    'p',
    { id: 'verdicts' },
    el('a', { href: '#claims', onclick: jumpTo('claims') }, `The paper's claims (${claims.length}):`),
    ' ',
    counts.map(([v, n]) => el('span', { class: `verdict verdict-${slug(v)}` }, `${n} ${v}`)),
  );
}

function status(v: PresetReport): HTMLElement {
  const seeds = v.seeds === 1 ? 'one seed each' : `${v.seeds} seeds each`;
  if (v.missing.length === 0)
    return el(
      'p',
      { id: 'missing' },
      `All ${v.planned} runs complete (${seeds}). Report: `,
      el('code', {}, v.reportCommand),
    );
  const running = v.runs.filter((r) => r.status === 'running').length;
  return el(
    'p',
    { id: 'missing' },
    `${v.missing.length} of ${v.planned} runs missing`,
    running ? ` (${running} running)` : '',
    `; make them with `,
    el('code', {}, v.command),
    ` (${seeds}; genlab run … --dry-run estimates the time). The figures and tables show the ${v.complete} complete.`,
  );
}

function header(v: PresetReport): HTMLElement[] {
  return [
    el('h1', {}, v.title),
    el(
      'div',
      { class: 'toolbar' },
      el('a', { href: '#/presets' }, 'Presets'),
      ' › ',
      el('strong', {}, v.name),
      ' scale:',
      v.scales.map((s) =>
        el(
          'a',
          { class: s === v.scale ? 'button active' : 'button', href: `#/preset/${enc(v.name)}?scale=${s}` },
          s,
        ),
      ),
    ),
    el('p', {}, v.description),
  ];
}

function differences(v: PresetReport): HTMLElement {
  return el(
    'details',
    { id: 'differences', open: true },
    el('summary', {}, `Scale "${v.scale}": ${v.scaleDescription}`),
    v.differences.length
      ? el(
          'ul',
          {},
          v.differences.map((d) => el('li', {}, d)),
        )
      : el('p', {}, 'Same settings as the paper.'),
  );
}

function runsTable(v: PresetReport): HTMLElement {
  return el(
    'table',
    { class: 'grid', id: 'preset-runs' },
    el(
      'tbody',
      {},
      v.runs.map((r) =>
        el(
          'tr',
          { 'data-id': r.id },
          el('td', {}, r.status === 'missing' ? r.label : el('a', { href: `#/run/${enc(r.id)}` }, r.label)),
          el('td', { class: `status-${r.status}` }, r.status),
          el('td', { class: 'muted' }, r.id),
        ),
      ),
    ),
  );
}

function render(root: HTMLElement, v: PresetReport): void {
  root.replaceChildren(
    ...header(v),
    status(v),
    claimsLine(v.claims) ?? '',
    differences(v),
    el('h2', {}, 'Figures'),
    v.figures.length
      ? el(
          'div',
          { class: 'figures' },
          v.figures.map((f) => {
            const fig = fragment('figure', 'report-figure', f.svg);
            fig.dataset.name = f.name;
            fig.append(el('figcaption', {}, f.caption));
            return fig;
          }),
        )
      : el('p', { class: 'muted' }, 'No figure yet: no run is complete.'),
    el('h2', {}, 'Tables'),
    el('div', { id: 'tables' }, v.tablesHtml.map(table)),
    el('h2', {}, `Runs (${v.complete} of ${v.planned} complete)`),
    runsTable(v),
  );
  root.dataset.version = v.version;
}

/** A preset's page at a scale (?seeds=N to choose the seeds; else those found in the store), live. */
export function presetPage(root: HTMLElement, name: string, scale: string, seeds: string | null): () => void {
  root.replaceChildren(el('p', { class: 'muted' }, `building the ${name} report…`));
  const url = `/api/presets/${enc(name)}?scale=${enc(scale)}${seeds ? `&seeds=${enc(seeds)}` : ''}`;
  let version = '';
  let running = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Asks whether the report changed (the server answers {unchanged} cheaply), one request at a time.
  const load = async () => {
    const v = await getJson<PresetReport | { version: string; unchanged: true }>(
      version ? `${url}&version=${version}` : url,
    );
    if (stopped || 'unchanged' in v) return;
    version = v.version;
    running = v.runs.some((r) => r.status === 'running');
    render(root, v);
  };
  // The next load: soon after a live event about a run, every POLL_MS while runs are running; one at a time.
  let inFlight = false;
  let again = false;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (inFlight) return void (again = true);
      inFlight = true;
      load()
        .catch((e: unknown) => version || showError(root, e)) // a page drawn before stays up
        .finally(() => {
          inFlight = false;
          if (stopped) return;
          if (again) schedule(0);
          else if (running) schedule(POLL_MS);
          again = false;
        });
    }, ms);
  };
  schedule(0);
  const off = onLive((e) => e.type === 'run' && schedule(500));
  return () => {
    stopped = true;
    clearTimeout(timer);
    off();
  };
}

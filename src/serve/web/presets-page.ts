// Front end: each preset's report (figures and tables beside the paper's) with the runs still missing and the command.
import { getJson } from './api.js';
import { el } from './dom.js';

interface PresetList {
  scales: string[];
  presets: {
    name: string;
    title: string;
    kind: string;
    report: string;
    runsOf: string | null;
    scales: string[]; // the scales it offers
  }[];
}

interface PresetView {
  name: string;
  title: string;
  scale: string;
  command: string;
  runs: { id: string; label: string; status: string }[];
  missing: string[];
  html: string;
}

const enc = encodeURIComponent;

function listing(root: HTMLElement, scale: string): void {
  getJson<PresetList>('/api/presets')
    .then((l) => {
      root.replaceChildren(
        el('h1', {}, 'Presets'),
        el(
          'div',
          { class: 'toolbar' },
          'scale:',
          l.scales.map((s) =>
            el('a', { class: 'button', href: `#/presets?scale=${s}` }, s === scale ? `[${s}]` : s),
          ),
        ),
        el(
          'table',
          { class: 'grid', id: 'presets' },
          el(
            'tbody',
            {},
            l.presets.map((p) =>
              el(
                'tr',
                { 'data-name': p.name },
                el(
                  'td',
                  {},
                  p.scales.includes(scale)
                    ? el('a', { href: `#/presets/${enc(p.name)}?scale=${scale}` }, p.name)
                    : p.name,
                ),
                el('td', {}, p.title),
                el('td', { class: 'muted' }, p.kind === 'fit' ? 'fits' : `${p.kind} runs`),
                el(
                  'td',
                  { class: 'muted' },
                  p.runsOf ? `runs of ${p.runsOf}` : '',
                  p.scales.includes(scale) ? '' : `no ${scale} scale (${p.scales.join(', ')})`,
                ),
              ),
            ),
          ),
        ),
      );
    })
    .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
}

/** The presets list, or one preset's report at a scale. */
export function presetsPage(root: HTMLElement, name: string | null, scale: string): () => void {
  if (!name) {
    listing(root, scale);
    return () => undefined;
  }
  root.replaceChildren(el('p', { class: 'muted' }, `building the ${name} report…`));
  getJson<PresetView>(`/api/presets/${enc(name)}?scale=${enc(scale)}`)
    .then((v) => {
      root.replaceChildren(
        el('h1', {}, `${v.title} (${v.scale})`),
        v.missing.length
          ? el(
              'p',
              { id: 'missing' },
              `${v.missing.length} of ${v.runs.length} runs missing; make them with `,
              el('code', {}, v.command),
            )
          : el('p', { id: 'missing' }, `All ${v.runs.length} runs complete.`),
        el(
          'table',
          { class: 'grid' },
          el(
            'tbody',
            {},
            v.runs.map((r) =>
              el(
                'tr',
                {},
                el('td', {}, el('a', { href: `#/run/${enc(r.id)}` }, r.label)),
                el('td', { class: `status-${r.status}` }, r.status),
              ),
            ),
          ),
        ),
        el('h2', {}, 'Report'),
        el('iframe', { class: 'report', sandbox: '', srcdoc: v.html, title: `${v.name} report` }),
      );
    })
    .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
  return () => undefined;
}

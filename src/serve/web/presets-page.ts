// Front end: every preset with its completion at each scale it offers, each linked to its page (preset-page.ts).
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
    absent: Record<string, string>; // why one is not
    completion: Record<string, { seeds: number; planned: number; complete: number }>;
  }[];
}

const enc = encodeURIComponent;

type Listed = PresetList['presets'][number];

/** One scale's cell: its page's link with how many runs are complete, or why there is none. */
function scaleCell(p: Listed, scale: string): HTMLElement {
  const c = p.completion[scale];
  if (!c) {
    const why = p.absent[scale];
    return el(
      'td',
      { class: 'muted', 'data-scale': scale, title: `no ${scale} scale${why ? `: ${why}` : ''}` },
      '–',
    );
  }
  const state = c.complete === 0 ? 'none' : c.complete === c.planned ? 'complete' : 'partial';
  return el(
    'td',
    { 'data-scale': scale, class: `completion-${state}` },
    el(
      'a',
      { href: `#/preset/${enc(p.name)}?scale=${scale}` },
      `${c.complete}/${c.planned}`,
      c.seeds > 1 ? el('span', { class: 'muted' }, ` ×${c.seeds}`) : '',
    ),
  );
}

/** The scale a preset's name links to: the largest with a run complete, else its first. */
function mainScale(p: Listed): string {
  return [...p.scales].reverse().find((s) => p.completion[s]?.complete > 0) ?? p.scales[0];
}

/** The presets list: a row per preset, a column per scale. */
export function presetsPage(root: HTMLElement): () => void {
  getJson<PresetList>('/api/presets')
    .then((l) => {
      root.replaceChildren(
        el('h1', {}, 'Presets'),
        el(
          'p',
          { class: 'muted' },
          "The paper's figures and tables, each a preset: runs complete of planned at each scale (×N: seeds per run); a link opens its report.",
        ),
        el(
          'table',
          { class: 'grid', id: 'presets' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['preset', 'title', 'runs'].map((h) => el('th', {}, h)),
              l.scales.map((s) => el('th', {}, s)),
            ),
          ),
          el(
            'tbody',
            {},
            l.presets.map((p) =>
              el(
                'tr',
                { 'data-name': p.name },
                el('td', {}, el('a', { href: `#/preset/${enc(p.name)}?scale=${mainScale(p)}` }, p.name)),
                el('td', {}, p.title),
                el(
                  'td',
                  { class: 'muted' },
                  p.runsOf ? `${p.runsOf}'s` : p.kind === 'fit' ? 'fits' : `${p.kind}`,
                ),
                l.scales.map((s) => scaleCell(p, s)),
              ),
            ),
          ),
        ),
      );
    })
    .catch((e: unknown) => root.replaceChildren(el('p', { class: 'error' }, String(e))));
  return () => undefined;
}

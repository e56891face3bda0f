// Front end entry: the hash router (#/runs, #/run/ID, #/compare?ids=…, #/presets, #/preset/NAME?scale=S, #/sweeps)
// and the live stream.
// The runs page comes with this module; the others (and uPlot, for their charts) load when first visited.
import { startLive } from './api.js';
import { loadScript, showError } from './dom.js';
import { runsPage } from './runs-page.js';

const main = document.getElementById('page') as HTMLElement;
let cleanup: () => void = () => undefined;
let shown = 0; // which route() call the page belongs to: a page that loads after the next route is dropped

function show(root: HTMLElement, load: () => Promise<() => void>): void {
  const mine = ++shown;
  load().then(
    (stop) => (mine === shown ? (cleanup = stop) : stop()),
    (e: unknown) => mine === shown && showError(root, e),
  );
}

const NAV_OF: Record<string, string> = { run: 'runs', preset: 'presets' }; // the nav entry a page sits under
const uPlot = () => loadScript('/vendor/uplot/uPlot.iife.min.js');

function route(): void {
  cleanup();
  cleanup = () => undefined;
  shown++;
  // Each route draws into a container of its own: a page whose data arrives after the next route has begun draws
  // into a detached one, unseen, instead of over the page now shown.
  const root = document.createElement('div');
  main.replaceChildren(root);
  const [pathPart, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const [page, ...rest] = pathPart.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : null;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a'))
    a.classList.toggle('active', a.dataset.page === (NAV_OF[page] ?? (page || 'runs')));
  const ids = (params.get('ids') ?? '').split(',').filter(Boolean).map(decodeURIComponent);
  switch (page) {
    case 'run':
      show(root, async () =>
        (await Promise.all([import('./run-page.js'), uPlot()]))[0].runPage(root, arg ?? ''),
      );
      break;
    case 'compare':
      show(root, async () =>
        (await Promise.all([import('./compare-page.js'), uPlot()]))[0].comparePage(root, ids),
      );
      break;
    case 'presets':
      if (arg) {
        location.replace(`#/preset/${encodeURIComponent(arg)}${query ? `?${query}` : ''}`); // the old address
        return;
      }
      show(root, async () => (await import('./presets-page.js')).presetsPage(root));
      break;
    case 'preset':
      show(root, async () =>
        (await import('./preset-page.js')).presetPage(
          root,
          arg ?? '',
          params.get('scale') ?? 'smoke',
          params.get('seeds'),
        ),
      );
      break;
    case 'sweeps':
      show(root, async () => (await import('./sweeps-page.js')).sweepsPage(root));
      break;
    default:
      cleanup = runsPage(root);
  }
}

startLive(document.getElementById('live') as HTMLElement);
window.addEventListener('hashchange', route);
route();

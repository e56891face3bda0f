// Front end entry: the hash router (#/runs, #/run/ID, #/compare?ids=…, #/presets/NAME?scale=S, #/sweeps) and the live stream.
import { startLive } from './api.js';
import { comparePage } from './compare-page.js';
import { presetsPage } from './presets-page.js';
import { runPage } from './run-page.js';
import { runsPage } from './runs-page.js';
import { sweepsPage } from './sweeps-page.js';

const root = document.getElementById('page') as HTMLElement;
let cleanup: () => void = () => undefined;

function route(): void {
  cleanup();
  const [pathPart, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const [page, ...rest] = pathPart.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : null;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a'))
    a.classList.toggle('active', a.dataset.page === (page === 'run' ? 'runs' : page || 'runs'));
  const ids = (params.get('ids') ?? '').split(',').filter(Boolean).map(decodeURIComponent);
  switch (page) {
    case 'run':
      cleanup = runPage(root, arg ?? '');
      break;
    case 'compare':
      cleanup = comparePage(root, ids);
      break;
    case 'presets':
      cleanup = presetsPage(root, arg, params.get('scale') ?? 'smoke');
      break;
    case 'sweeps':
      cleanup = sweepsPage(root);
      break;
    default:
      cleanup = runsPage(root);
  }
}

startLive(document.getElementById('live') as HTMLElement);
window.addEventListener('hashchange', route);
route();

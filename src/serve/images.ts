// A run's randomization made visible: its first training images and labels before and after, as one PNG grid.
import { scope } from '../engine/index.js';
import { loadBase } from '../experiments/fit.js';
import { disposeDataset, type LoadedDataset } from '../data/index.js';
import { applyRandomization, loadArtifact } from '../randomize/index.js';
import { encodePng } from '../report/png.js';
import type { RunStore } from '../store/store.js';
import { randomizationDir, runConfigOf, runRow } from './run-data.js';
import { HttpError } from './security.js';

export interface ImageGrid {
  count: number;
  classes: string[];
  before: number[]; // labels of the first `count` training images as published
  after: number[]; // the run's labels for them
  png: string; // data: URL, row 1 as published, row 2 as the run trained on
}

const COUNT = 8;
const GAP = 2;
const cache = new Map<string, ImageGrid>(); // a run's randomization never changes: its id names its config

/** (n, C, H, W) floats → one row of n cells, each scaled to 0..255 on its own min and max, `zoom` × nearest. */
function row(values: Float32Array, n: number, c: number, h: number, w: number, zoom: number): Uint8Array {
  const cw = w * zoom;
  const width = n * cw + (n - 1) * GAP;
  const out = new Uint8Array(width * h * zoom * 3).fill(255);
  for (let i = 0; i < n; i++) {
    const img = values.subarray(i * c * h * w, (i + 1) * c * h * w);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of img) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi > lo ? hi - lo : 1;
    for (let y = 0; y < h * zoom; y++)
      for (let x = 0; x < cw; x++)
        for (let ch = 0; ch < 3; ch++) {
          const v = img[Math.min(ch, c - 1) * h * w + Math.floor(y / zoom) * w + Math.floor(x / zoom)];
          out[(y * width + i * (cw + GAP) + x) * 3 + ch] = Math.round((255 * (v - lo)) / span);
        }
  }
  return out;
}

function firstImages(ds: LoadedDataset, n: number): { pixels: Float32Array; labels: number[] } {
  return scope(() => ({
    pixels: Float32Array.from(ds.train.images.narrow(0, 0, n).contiguous().toArray()),
    labels: ds.train.labels.narrow(0, 0, n).toArray(),
  }));
}

/** Loads the run's data set, re-applies its stored randomization and draws the first images of both. */
export function imageGrid(store: RunStore, id: string): ImageGrid {
  runRow(store, id);
  const hit = cache.get(id);
  if (hit) return hit;
  const config = runConfigOf(store, id);
  if (!config) throw new HttpError(404, `runs: ${id} has no config; its images cannot be drawn`);
  const art = loadArtifact(randomizationDir(store, id));
  const base = loadBase(config, 'cpu');
  let randomized: LoadedDataset | null = null;
  try {
    randomized = applyRandomization(base, art);
    const n = Math.min(COUNT, base.train.images.shape[0]);
    const [c, h, w] = base.shape;
    const zoom = Math.max(1, Math.floor(64 / w));
    const a = firstImages(base, n);
    const b = firstImages(randomized, n);
    const top = row(a.pixels, n, c, h, w, zoom);
    const bottom = row(b.pixels, n, c, h, w, zoom);
    const width = n * w * zoom + (n - 1) * GAP;
    const height = 2 * h * zoom + GAP;
    const pixels = new Uint8Array(width * height * 3).fill(255);
    pixels.set(top, 0);
    pixels.set(bottom, (h * zoom + GAP) * width * 3);
    const grid: ImageGrid = {
      count: n,
      classes: base.classes,
      before: a.labels,
      after: b.labels,
      png: `data:image/png;base64,${encodePng(pixels, width, height, 3).toString('base64')}`,
    };
    cache.set(id, grid);
    return grid;
  } finally {
    if (randomized) disposeDataset(randomized);
    disposeDataset(base);
  }
}

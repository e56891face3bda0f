// Figures from data: Vega-Lite specs compiled and rendered to SVG in Node, rasterized to PNG with resvg.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { useDejaVuMetrics } from './text-metrics.js';

export interface Series {
  name: string;
  x: number[];
  y: number[];
  band?: { lo: number[]; hi: number[] }; // a shaded range at each x (e.g. min–max over seeds), in the line's colour
  seeds?: { x: number[]; y: number[] }[]; // thin lines behind it in its colour (e.g. each seed), no legend entries
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  yDomain?: [number, number];
  width?: number;
  height?: number;
  points?: boolean;
  markers?: Marker[]; // vertical rules at given x, each labelled (e.g. an interpolation threshold)
}

/** A dashed vertical line across the plot at x, with its label at the top. */
export interface Marker {
  x: number;
  label: string;
}

export interface Bar {
  group: string;
  series: string;
  value: number;
}

export interface BarChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  bars: Bar[]; // grouped bars: one group per x position, one bar per series inside it
  width?: number;
  height?: number;
}

export interface Figure {
  svg: string;
  png: Buffer;
}

/** Most points drawn per series; longer series are bucket-averaged (see downsample). */
export const MAX_POINTS = 1000;

const FONT = 'DejaVu Sans';

// Shared look: readable fonts, white background, light grid, legend at the right.
const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  title: { fontSize: 15, anchor: 'start', offset: 10 },
  axis: { titleFontSize: 13, labelFontSize: 11, gridColor: '#e6e6e6', titlePadding: 8 },
  legend: { titleFontSize: 12, labelFontSize: 12, labelLimit: 260, symbolStrokeWidth: 3 },
  view: { stroke: '#bbbbbb' },
  line: { strokeWidth: 2 },
} as const;

/**
 * Display-only downsampling: a series longer than maxPoints (e.g. 20,000 per-step losses of
 * Figure 1a) is cut into maxPoints contiguous buckets of near-equal size and each bucket is
 * drawn as the mean of its x and y. This keeps render time flat and smooths SGD noise the way
 * the paper's curves are smoothed; the stored metrics themselves are never altered.
 */
export function downsample(x: number[], y: number[], maxPoints = MAX_POINTS): { x: number[]; y: number[] } {
  if (x.length !== y.length) {
    throw new Error(`plot: series x and y differ in length; expected equal, got ${x.length} and ${y.length}`);
  }
  const n = x.length;
  if (n <= maxPoints) return { x: [...x], y: [...y] };
  const outX: number[] = [];
  const outY: number[] = [];
  for (let b = 0; b < maxPoints; b++) {
    const lo = Math.floor((b * n) / maxPoints);
    const hi = Math.floor(((b + 1) * n) / maxPoints);
    let sx = 0;
    let sy = 0;
    for (let i = lo; i < hi; i++) {
      sx += x[i];
      sy += y[i];
    }
    outX.push(sx / (hi - lo));
    outY.push(sy / (hi - lo));
  }
  return { x: outX, y: outY };
}

interface LineRow {
  series: string;
  x: number;
  y: number;
  order: number;
}

// Non-finite points (a diverged run) and non-positive ones on a log axis cannot be drawn.
const drawable = (spec: LineChartSpec, x: number, y: number): boolean =>
  Number.isFinite(x) && Number.isFinite(y) && !(spec.logX && x <= 0) && !(spec.logY && y <= 0);

function rowsOf(spec: LineChartSpec, series: string, x: number[], y: number[]): LineRow[] {
  const d = downsample(x, y);
  const rows: LineRow[] = [];
  for (let i = 0; i < d.x.length; i++)
    if (drawable(spec, d.x[i], d.y[i])) rows.push({ series, x: d.x[i], y: d.y[i], order: i });
  return rows;
}

function lineRows(spec: LineChartSpec): LineRow[] {
  return spec.series.flatMap((s) => rowsOf(spec, s.name, s.x, s.y));
}

// Each thin line is its own group (`line`), coloured by its series.
function seedRows(spec: LineChartSpec): (LineRow & { line: string })[] {
  return spec.series.flatMap((s) =>
    (s.seeds ?? []).flatMap((t, k) =>
      rowsOf(spec, s.name, t.x, t.y).map((r) => ({ ...r, line: JSON.stringify([s.name, k]) })),
    ),
  );
}

function bandRows(spec: LineChartSpec): { series: string; x: number; lo: number; hi: number }[] {
  return spec.series.flatMap((s) => {
    if (!s.band) return [];
    const lo = downsample(s.x, s.band.lo);
    const hi = downsample(s.x, s.band.hi).y;
    return lo.x
      .map((x, i) => ({ series: s.name, x, lo: lo.y[i], hi: hi[i] }))
      .filter((r) => drawable(spec, r.x, r.lo) && drawable(spec, r.x, r.hi));
  });
}

// Log scales have no zero; linear ones should not be forced to include it (losses start high).
function axisScale(log: boolean | undefined): { type: 'log' } | { type: 'linear'; zero: false } {
  return log ? { type: 'log' } : { type: 'linear', zero: false };
}

// Bands and thin lines sit behind the series' lines, in their colours; only the lines make the legend.
function spreadLayers(spec: LineChartSpec, x: object, y: object, color: object): object[] {
  const layers: object[] = [];
  const bands = bandRows(spec);
  if (bands.length)
    layers.push({
      data: { values: bands },
      mark: { type: 'area', opacity: 0.18, clip: true },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: { ...color, legend: null } },
    });
  const seeds = seedRows(spec);
  if (seeds.length)
    layers.push({
      data: { values: seeds },
      mark: { type: 'line', strokeWidth: 0.8, opacity: 0.45, clip: true },
      encoding: {
        x,
        y,
        color: { ...color, legend: null },
        detail: { field: 'line', type: 'nominal' },
        order: { field: 'order', type: 'quantitative' },
      },
    });
  return layers;
}

function lineSpec(spec: LineChartSpec): TopLevelSpec {
  const names = spec.series.map((s) => s.name);
  const yScale = { ...axisScale(spec.logY), ...(spec.yDomain ? { domain: spec.yDomain, clamp: true } : {}) };
  const x = { field: 'x', type: 'quantitative', title: spec.xLabel, scale: axisScale(spec.logX) };
  const y = { field: 'y', type: 'quantitative', title: spec.yLabel, scale: yScale };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: names, scheme: 'tableau10' },
  };
  const lines = {
    data: { values: lineRows(spec) },
    mark: { type: 'line', point: spec.points ?? false, clip: true },
    encoding: { x, y, color, order: { field: 'order', type: 'quantitative' } },
  };
  const top = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: spec.title,
    width: spec.width ?? 480,
    height: spec.height ?? 300,
    config: CONFIG,
  };
  const layers = [...spreadLayers(spec, x, y, color), lines, ...markerLayers(spec, x)];
  // One colour scale; the legend only from the lines (a merged one would draw bands' faint swatches).
  const resolve = { legend: { color: 'independent' } };
  return (layers.length === 1 ? { ...top, ...lines } : { ...top, layer: layers, resolve }) as TopLevelSpec;
}

// Rules share the lines' x scale; their labels sit at the top edge, left-aligned beside the rule.
function markerLayers(spec: LineChartSpec, x: object): object[] {
  const markers = (spec.markers ?? []).filter((m) => Number.isFinite(m.x) && !(spec.logX && m.x <= 0));
  if (markers.length === 0) return [];
  const values = markers.map((m) => ({ x: m.x, label: m.label }));
  const rule = {
    data: { values },
    mark: { type: 'rule', strokeDash: [6, 4], color: '#555' },
    encoding: { x },
  };
  const text = {
    data: { values },
    mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, y: 4, fontSize: 11, color: '#333' },
    encoding: { x, text: { field: 'label' } },
  };
  return [rule, text];
}

function barSpec(spec: BarChartSpec): TopLevelSpec {
  const groups = unique(spec.bars.map((b) => b.group));
  const series = unique(spec.bars.map((b) => b.series));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: spec.title,
    width: spec.width ?? 480,
    height: spec.height ?? 300,
    data: { values: spec.bars.filter((b) => Number.isFinite(b.value)) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: {
        field: 'group',
        type: 'nominal',
        title: spec.xLabel,
        sort: groups,
        axis: { labelAngle: groups.length > 6 ? -35 : 0, labelLimit: 240 },
      },
      xOffset: { field: 'series', type: 'nominal', sort: series },
      y: { field: 'value', type: 'quantitative', title: spec.yLabel },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: series, scheme: 'tableau10' },
      },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Compile a Vega-Lite spec, render it headless (renderer 'none') to SVG, and rasterize to PNG. */
export async function renderVegaLite(vl: TopLevelSpec): Promise<Figure> {
  useDejaVuMetrics();
  const vg = compile(vl).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return { svg, png: rasterize(svg) };
  } finally {
    view.finalize();
  }
}

/** Rasterize an SVG at its own size (1 SVG px = 1 PNG px) on white, with system fonts. */
export function rasterize(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
    background: 'white',
  });
  return resvg.render().asPng();
}

function checkLineSpec(spec: LineChartSpec): void {
  if (spec.series.length === 0) throw new Error('lineChart: no series; expected at least 1, got 0');
  for (const s of spec.series) {
    const lengths: [string, number, number][] = [['x and y', s.x.length, s.y.length]];
    if (s.band)
      lengths.push(
        ['x and band.lo', s.x.length, s.band.lo.length],
        ['x and band.hi', s.x.length, s.band.hi.length],
      );
    for (const t of s.seeds ?? []) lengths.push(["a seed line's x and y", t.x.length, t.y.length]);
    for (const [what, a, b] of lengths)
      if (a !== b)
        throw new Error(
          `lineChart: series "${s.name}" has ${what} of different lengths; expected equal, got ${a} and ${b}`,
        );
  }
}

/** A line chart, one line per series (e.g. Figure 1a: loss vs. steps per randomization). */
export async function lineChart(spec: LineChartSpec): Promise<Figure> {
  checkLineSpec(spec);
  return renderVegaLite(lineSpec(spec));
}

/** A grouped bar chart (e.g. test accuracy per model, genlab vs. paper). */
export async function barChart(spec: BarChartSpec): Promise<Figure> {
  if (spec.bars.length === 0) throw new Error('barChart: no bars; expected at least 1, got 0');
  return renderVegaLite(barSpec(spec));
}

async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Write `<dir>/<basename>.svg` and `.png` atomically (temp file + rename); returns both paths. */
export async function writeFigure(
  dir: string,
  basename: string,
  fig: Figure,
): Promise<{ svg: string; png: string }> {
  if (!/^[\w.-]+$/.test(basename)) {
    throw new Error(
      `writeFigure: bad basename; expected letters, digits, '.', '_' or '-', got "${basename}"`,
    );
  }
  await mkdir(dir, { recursive: true });
  const paths = { svg: join(dir, `${basename}.svg`), png: join(dir, `${basename}.png`) };
  await writeAtomic(paths.svg, fig.svg);
  await writeAtomic(paths.png, fig.png);
  return paths;
}

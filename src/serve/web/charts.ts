// Front end: line charts drawn by uPlot (loaded as a global from the uplot package), one or several series overlaid.
import type uPlotType from 'uplot';
import { el } from './dom.js';
import { dashOf, palette, withAlpha } from './palette.js';

declare global {
  interface Window {
    uPlot: typeof uPlotType;
  }
}

export interface Line {
  label: string;
  x: number[];
  y: (number | null)[];
  colour?: number; // which of the palette's colours (default: the line's own index)
  // Left out of the legend: raw values drawn faint behind their smoothed line, or a band's edge (not stroked).
  aside?: 'raw' | 'edge';
  of?: number; // the line whose legend entry shows and hides this one too
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  lines: Line[];
  percent?: boolean; // y in [0, 1], shown as %
  logY?: boolean;
  bands?: [upper: number, lower: number][]; // lines whose area between is filled, faint, in the upper's colour
  onZoom?(from: number, to: number, chart: uPlotType): void; // the x range shown after a zoom (and after its reset)
}

/** Series with different x values joined on the union of their x (gaps where a series has none). */
export function aligned(lines: Line[]): uPlotType.AlignedData {
  if (lines.length === 1) return [lines[0].x, lines[0].y];
  const tables = lines.map((l) => [l.x, l.y] as uPlotType.AlignedData);
  return window.uPlot.join(tables);
}

/** uPlot's series of the lines: each in its colour, a raw line faint, a band's edge unstroked; asides kept from the legend. */
function seriesOf(spec: ChartSpec, colours: string[]): uPlotType.Series[] {
  const alpha = { raw: 0.25, edge: 0 };
  return spec.lines.map((l, i) => {
    const colour = colours[l.colour ?? i];
    return {
      label: l.label,
      stroke: l.aside ? withAlpha(colour, alpha[l.aside]) : colour,
      dash: l.aside ? undefined : dashOf(l.colour ?? i),
      width: l.aside ? 1 : 1.5,
      class: l.aside ? 'aside' : undefined,
      points: l.aside ? { show: false } : undefined,
      spanGaps: true,
      value: spec.percent
        ? (_u: uPlotType, v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(2)}%`)
        : undefined,
    };
  });
}

/** Hooks: the x range shown (data-x-min/-max on the node, and onZoom), and a legend click taking a line's asides along. */
function hooksOf(spec: ChartSpec, node: HTMLElement): uPlotType.Hooks.Arrays {
  return {
    setScale: [
      (u, key) => {
        const { min, max } = u.scales.x;
        if (key !== 'x' || min === undefined || max === undefined) return;
        node.dataset.xMin = String(min);
        node.dataset.xMax = String(max);
        spec.onZoom?.(min, max, u);
      },
    ],
    setSeries: [
      (u, idx, opts) => {
        spec.lines.forEach((l, j) => {
          if (idx !== null && l.of === idx - 1) u.setSeries(j + 1, { show: opts.show }, false);
        });
      },
    ],
  };
}

/** Draws a chart into a new element and returns it with the uPlot instance (for setData on live updates). */
export function lineChart(
  spec: ChartSpec,
  width = 560,
  height = 300,
): { node: HTMLElement; chart: uPlotType } {
  const node = el('div', { class: 'chart', 'data-chart': spec.title });
  const colours = palette(Math.max(0, ...spec.lines.map((l, i) => (l.colour ?? i) + 1)));
  const opts: uPlotType.Options = {
    title: spec.title,
    width,
    height,
    scales: { x: { time: false }, y: spec.logY ? { distr: 3 } : {} },
    axes: [
      { label: spec.xLabel },
      {
        label: spec.yLabel,
        values: spec.percent ? (_u, ticks) => ticks.map((t) => `${(t * 100).toFixed(0)}%`) : undefined,
      },
    ],
    series: [{ label: spec.xLabel }, ...seriesOf(spec, colours)],
    bands: (spec.bands ?? []).map(([upper, lower]) => ({
      series: [upper + 1, lower + 1],
      fill: withAlpha(colours[spec.lines[upper].colour ?? upper], 0.15),
    })),
    hooks: hooksOf(spec, node),
  };
  const chart = new window.uPlot(opts, aligned(spec.lines), node);
  return { node, chart };
}

// Front end: line charts drawn by uPlot (loaded as a global from the uplot package), one or several series overlaid.
import type uPlotType from 'uplot';
import { el } from './dom.js';
import { dashOf, palette } from './palette.js';

declare global {
  interface Window {
    uPlot: typeof uPlotType;
  }
}

export interface Line {
  label: string;
  x: number[];
  y: (number | null)[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  lines: Line[];
  percent?: boolean; // y in [0, 1], shown as %
  logY?: boolean;
  onZoom?(from: number, to: number, chart: uPlotType): void; // the x range shown after a zoom (and after its reset)
}

/** Series with different x values joined on the union of their x (gaps where a series has none). */
export function aligned(lines: Line[]): uPlotType.AlignedData {
  if (lines.length === 1) return [lines[0].x, lines[0].y];
  const tables = lines.map((l) => [l.x, l.y] as uPlotType.AlignedData);
  return window.uPlot.join(tables);
}

/** Draws a chart into a new element and returns it with the uPlot instance (for setData on live updates). */
export function lineChart(
  spec: ChartSpec,
  width = 560,
  height = 300,
): { node: HTMLElement; chart: uPlotType } {
  const node = el('div', { class: 'chart', 'data-chart': spec.title });
  const colors = palette(spec.lines.length);
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
    series: [
      { label: spec.xLabel },
      ...spec.lines.map((l, i) => ({
        label: l.label,
        stroke: colors[i],
        dash: dashOf(i),
        width: 1.5,
        spanGaps: true,
        value: spec.percent
          ? (_u: uPlotType, v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(2)}%`)
          : undefined,
      })),
    ],
    hooks: spec.onZoom
      ? {
          setSelect: [],
          setScale: [
            (u, key) => {
              if (key !== 'x') return;
              const { min, max } = u.scales.x;
              if (min !== undefined && max !== undefined) spec.onZoom?.(min, max, u);
            },
          ],
        }
      : {},
  };
  const chart = new window.uPlot(opts, aligned(spec.lines), node);
  return { node, chart };
}

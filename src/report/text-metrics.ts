// Text widths for DejaVu Sans, so headless Vega lays out axes and legends as resvg will draw them.
import * as vega from 'vega';

// Advance widths in em, measured once with resvg from DejaVuSans.ttf and DejaVuSans-Bold.ttf
// (ink width of I + 20 copies + I minus that of I + 10 copies, over 10), for these characters:
const CHARS =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~×Δ—−≈…';

const REGULAR = [
  0.317, 0.4, 0.46, 0.837, 0.636, 0.95, 0.78, 0.274, 0.39, 0.39, 0.5, 0.837, 0.317, 0.36, 0.317, 0.336, 0.636,
  0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.336, 0.336, 0.837, 0.837, 0.837, 0.531, 1,
  0.712, 0.686, 0.698, 0.77, 0.631, 0.575, 0.774, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
  0.603, 0.787, 0.695, 0.635, 0.593, 0.732, 0.684, 0.989, 0.685, 0.61, 0.685, 0.39, 0.336, 0.39, 0.837, 0.5,
  0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.345, 0.635, 0.634, 0.277, 0.277, 0.579, 0.277, 0.974, 0.634, 0.612,
  0.635, 0.635, 0.394, 0.521, 0.392, 0.634, 0.592, 0.817, 0.592, 0.592, 0.524, 0.636, 0.336, 0.636, 0.837,
  0.837, 0.684, 1, 0.837, 0.837, 1,
];

const BOLD = [
  0.348, 0.456, 0.521, 0.837, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.837, 0.379, 0.415, 0.379,
  0.365, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.399, 0.399, 0.837, 0.837,
  0.837, 0.58, 1, 0.774, 0.762, 0.733, 0.83, 0.683, 0.683, 0.821, 0.837, 0.372, 0.372, 0.774, 0.637, 0.995,
  0.837, 0.85, 0.733, 0.85, 0.77, 0.676, 0.706, 0.812, 0.774, 1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457,
  0.837, 0.5, 0.5, 0.675, 0.715, 0.593, 0.715, 0.678, 0.405, 0.715, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042,
  0.712, 0.687, 0.715, 0.715, 0.493, 0.595, 0.478, 0.712, 0.651, 0.923, 0.645, 0.651, 0.582, 0.712, 0.365,
  0.712, 0.837, 0.837, 0.774, 1, 0.837, 0.837, 1,
];

// Characters outside the table (accents, other scripts) count as an average lower-case letter.
const FALLBACK = { regular: 0.62, bold: 0.68 };

const regularWidth = new Map<string, number>();
const boldWidth = new Map<string, number>();
[...CHARS].forEach((ch, i) => {
  regularWidth.set(ch, REGULAR[i]);
  boldWidth.set(ch, BOLD[i]);
});

/** The width in pixels of one line of DejaVu Sans text. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? boldWidth : regularWidth;
  const fallback = bold ? FALLBACK.bold : FALLBACK.regular;
  let em = 0;
  for (const ch of text) em += table.get(ch) ?? fallback;
  return em * fontSize;
}

// The parts of a Vega text item that width depends on.
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number | string;
}

interface VegaTextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

function isBold(weight: number | string | undefined): boolean {
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

function vegaWidth(item: TextItem, text: unknown): number {
  const line = text === null || text === undefined ? '' : String(text).trim();
  const size = item.fontSize === undefined ? 11 : Number(item.fontSize) || 0;
  const w = textWidth(line, size, isBold(item.fontWeight));
  // A label over its limit is truncated with an ellipsis by Vega; it then fills the limit at most.
  const limit = Number(item.limit ?? 0);
  return limit > 0 ? Math.min(w, limit) : w;
}

let installed = false;

/**
 * Replace Vega's headless estimate (0.8 em per character, far too wide: labels truncated early,
 * large gaps under rotated axis labels) with DejaVu Sans's real widths. Vega supports a
 * user-defined textMetrics.width (vl-convert does the same); its typings do not declare it.
 */
export function useDejaVuMetrics(): void {
  if (installed) return;
  const metrics = (vega as unknown as { textMetrics?: VegaTextMetrics }).textMetrics;
  if (!metrics) throw new Error('plot: vega exports no textMetrics; expected vega 5 or 6, got another API');
  metrics.width = vegaWidth;
  installed = true;
}

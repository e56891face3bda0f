// Front end: line colours that colour-blind readers tell apart, a different one for every line of a chart.

// Okabe & Ito (2008), the colour-universal-design set, yellow last (faint on white), then Paul Tol's "muted" set
// for charts with more lines; black stands in for Okabe–Ito's own black.
const OKABE_ITO = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];
const TOL_MUTED = [
  '#332288',
  '#117733',
  '#882255',
  '#999933',
  '#aa4499',
  '#44aa99',
  '#cc6677',
  '#ddcc77',
  '#88ccee',
];
const SAFE = [...OKABE_ITO, ...TOL_MUTED];

/** n distinct colours: the colour-blind-safe ones first, then hues spread evenly. */
export function palette(n: number): string[] {
  const extra = Math.max(0, n - SAFE.length);
  const hues = Array.from(
    { length: extra },
    (_, i) => `hsl(${Math.round((360 * i) / extra)}, 65%, ${i % 2 ? 35 : 50}%)`,
  );
  return [...SAFE, ...hues].slice(0, n);
}

/** Line i's dash pattern: solid for the first eight (Okabe–Ito's colours tell them apart), dashed past them. */
export function dashOf(i: number): number[] | undefined {
  return i < OKABE_ITO.length
    ? undefined
    : [
        [6, 3],
        [2, 3],
        [8, 3, 2, 3],
      ][i % 3];
}

/** A palette colour (#rrggbb or hsl(…)) at opacity alpha: for a faint raw line or a band's fill in a line's colour. */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex)
    return `rgba(${hex
      .slice(1)
      .map((h) => parseInt(h, 16))
      .join(', ')}, ${alpha})`;
  const hsl = /^hsl\((.*)\)$/.exec(colour);
  if (hsl) return `hsla(${hsl[1]}, ${alpha})`;
  throw new Error(`palette: colour not understood; expected #rrggbb or hsl(…), got "${colour}"`);
}

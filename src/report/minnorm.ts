// The min-norm experiment's figure: residual and distance to X⁺y over SGD epochs, from zero and from elsewhere.
import type { MinNormResult } from '../experiments/theory/minnorm.js';
import type { MinNormPoint } from '../theory/minnorm.js';
import { lineChart, type Figure } from './plot.js';

/** The curves over epochs, as SVG and PNG. */
export async function minnormFigure(r: MinNormResult): Promise<Figure> {
  const ep = (c: MinNormPoint[]): number[] => c.map((p) => p.epoch);
  const floor = (xs: number[]): number[] => xs.map((x) => Math.max(x, 1e-16)); // a log axis
  const { fromZero: zero, fromNonzero: other } = r.curves;
  return lineChart({
    title: 'SGD on under-determined least squares (Section 5)',
    xLabel: 'epoch',
    yLabel: 'relative value',
    logY: true,
    series: [
      { name: 'residual, from 0', x: ep(zero), y: floor(zero.map((p) => p.residual)) },
      { name: 'distance to X⁺y, from 0', x: ep(zero), y: floor(zero.map((p) => p.distance)) },
      { name: 'residual, from w₀ ≠ 0', x: ep(other), y: floor(other.map((p) => p.residual)) },
      { name: 'distance to X⁺y, from w₀ ≠ 0', x: ep(other), y: floor(other.map((p) => p.distance)) },
    ],
  });
}

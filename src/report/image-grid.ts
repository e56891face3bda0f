// Image grids: rows of a data set's images as one PNG (before/after randomizations, hardest examples).
import { scope, tensor, type Tensor } from '../engine/index.js';
import { encodePng } from './png.js';

/** A PNG grid of the given images, each stretched to its own min..max, scaled ×2, 2-pixel gaps. */
export function gridPng(images: Tensor, rows: number[][]): Buffer {
  const [, c, h, w] = images.shape;
  const cols = Math.max(...rows.map((r) => r.length));
  const flat = rows.flat();
  const pixels = scope(() => {
    const x = images.indexSelect(0, tensor(Int32Array.from(flat)).to('int64')).to('cpu'); // (n, C, H, W)
    const lo = x.flatten(1).minDim(1, true).values.reshape(flat.length, 1, 1, 1);
    const hi = x.flatten(1).maxDim(1, true).values.reshape(flat.length, 1, 1, 1);
    const u8 = x.sub(lo).div(hi.sub(lo).clamp(1e-12)).mul(255).round().to('uint8');
    return u8.permute(0, 2, 3, 1).contiguous().data() as Uint8Array; // (n, H, W, C)
  });
  const s = 2;
  const gap = 2;
  const [cw, ch] = [w * s + gap, h * s + gap];
  const [W, H] = [cols * cw + gap, rows.length * ch + gap];
  const out = new Uint8Array(W * H * c).fill(96);
  let k = 0;
  rows.forEach((row, r) =>
    row.forEach((_, col) => {
      for (let y = 0; y < h * s; y++) {
        for (let x = 0; x < w * s; x++) {
          const src = ((k * h + Math.floor(y / s)) * w + Math.floor(x / s)) * c;
          const dst = ((r * ch + gap + y) * W + col * cw + gap + x) * c;
          for (let z = 0; z < c; z++) out[dst + z] = pixels[src + z];
        }
      }
      k++;
    }),
  );
  return encodePng(out, W, H, c as 1 | 3);
}

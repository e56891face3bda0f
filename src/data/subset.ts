// Seeded subsets of a split (--train-size / --test-size), optionally stratified by class.
import { InputError, Rng } from '../engine/index.js';

/**
 * Indices (ascending) of `size` examples out of labels.length, drawn with seed. Stratified draws keep
 * each class's share: quota_k = size·n_k/N rounded by largest remainder (ties to the lower class).
 */
export function drawSubset(
  labels: Uint8Array,
  size: number,
  seed: number,
  stratified: boolean,
  where: string,
): number[] {
  const n = labels.length;
  if (!Number.isInteger(size) || size < 1 || size > n) {
    throw new InputError(`${where}: subset size ${size} out of range; expected an integer in 1..${n}`);
  }
  const rng = new Rng(seed);
  if (!stratified) return Array.from(rng.permutation(n).subarray(0, size)).sort((a, b) => a - b);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const exact = classes.map((k) => (size * byClass.get(k)!.length) / n);
  const quota = exact.map(Math.floor);
  let left = size - quota.reduce((a, b) => a + b, 0);
  const order = classes.map((_, i) => i).sort((a, b) => exact[b] - quota[b] - (exact[a] - quota[a]) || a - b);
  for (const i of order) {
    if (left === 0) break;
    quota[i]++;
    left--;
  }
  const out: number[] = [];
  classes.forEach((k, i) => {
    const members = byClass.get(k)!;
    const perm = rng.permutation(members.length);
    for (let j = 0; j < quota[i]; j++) out.push(members[perm[j]]);
  });
  return out.sort((a, b) => a - b);
}

/**
 * Indices (ascending) of round(fraction·n) of n examples, drawn with seed: the examples a fit with
 * train.fraction trains on. At least one is drawn, and at least one held out when n ≥ 2.
 */
export function drawFraction(n: number, fraction: number, seed: number): number[] {
  if (!(fraction > 0 && fraction < 1))
    throw new InputError(`subset: fraction out of range; expected a number in (0, 1), got ${fraction}`);
  const m = Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
  return Array.from(new Rng(seed).permutation(n).subarray(0, m)).sort((a, b) => a - b);
}

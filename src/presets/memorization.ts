// The memorization preset's plan as genlab memorization makes it: K models (a grid over train.seed) on a fraction each.
import { mergeConfig, type PartialConfig } from '../config/config.js';
import { loadPreset, planPreset, presetScale, range, type PlannedRun, type ScaleName } from './preset.js';

export interface MemorizationOptions {
  scale: ScaleName;
  k?: number; // models: train.seed = 0…K−1 (default: the scale's grid)
  fraction?: number; // of the training set each model trains on (default: the preset's, Feldman & Zhang's 0.7)
  overrides?: PartialConfig; // --labels, --dataset, --set …
}

/** The K runs of presets/memorization.json at a scale: one config but for train.seed, which draws each model's subset and initial weights. */
export function planMemorization(o: MemorizationOptions): PlannedRun[] {
  const p = loadPreset('memorization');
  const sc = presetScale(p, o.scale);
  const grid = o.k === undefined ? sc.grid : { ...sc.grid, 'train.seed': range(0, o.k) };
  const fraction: PartialConfig = o.fraction === undefined ? {} : { train: { fraction: o.fraction } };
  const overrides = mergeConfig<PartialConfig>(o.overrides ?? {}, fraction);
  return planPreset({ ...p, scales: { ...p.scales, [o.scale]: { ...sc, grid } } }, o.scale, overrides);
}

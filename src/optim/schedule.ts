// Learning-rate schedules as functions of examples seen, so small subsets decay like the paper's epochs.
import { InputError } from '../engine/index.js';

/**
 * constant:    lr0
 * step:        lr0 · gamma^⌊seen / every⌋
 * exponential: the same rule with the paper's default: ×0.95 after every 50,000 examples (§4).
 * per-epoch:   lr0 · gamma^(epochs completed), whatever the epoch's size: the literal per-epoch reading
 *              of §4 (×0.95^1.2 per 60,000-image epoch under exponential; ×0.95 here).
 * Expressing decay per examples seen (not per epoch of a subset) keeps a 2,000-example subset's
 * schedule the paper's: per-epoch decay there shrinks the rate 25× faster and random labels never fit.
 */
export type ScheduleSpec =
  { kind: 'constant' } | { kind: 'step' | 'exponential' | 'per-epoch'; gamma: number; every: number };

export const SCHEDULES = ['constant', 'step', 'exponential', 'per-epoch'] as const;

/** The rate after examplesSeen examples, in epoch `epoch` (0-based; only per-epoch reads it). */
export function learningRate(lr0: number, s: ScheduleSpec, examplesSeen: number, epoch = 0): number {
  if (s.kind === 'constant') return lr0;
  if (s.kind === 'per-epoch') return lr0 * Math.pow(s.gamma, epoch);
  return lr0 * Math.pow(s.gamma, Math.floor(examplesSeen / s.every));
}

export function checkSchedule(s: ScheduleSpec, where = 'schedule'): ScheduleSpec {
  if (s.kind === 'constant') return s;
  if (!(s.gamma > 0 && s.gamma <= 1))
    throw new InputError(`${where}: decay factor must be in (0, 1]; got ${s.gamma}`);
  if (!(Number.isInteger(s.every) && s.every > 0))
    throw new InputError(`${where}: decay interval must be a positive number of examples; got ${s.every}`);
  return s;
}

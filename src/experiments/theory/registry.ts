// The theory experiments by name.
import { unknownName } from '../../engine/index.js';
import type { TheoryExperiment } from './experiment.js';
import { kernelExperiment } from './kernel.js';
import { minnormExperiment } from './minnorm.js';
import { expressivityExperiment } from './expressivity.js';
import { rademacherExperiment } from './rademacher.js';
import { randomFeaturesExperiment } from './random-features.js';

export const THEORY_EXPERIMENTS = {
  kernel: kernelExperiment,
  minnorm: minnormExperiment,
  expressivity: expressivityExperiment,
  rademacher: rademacherExperiment,
  'random-features': randomFeaturesExperiment,
} as const;
export type TheoryName = keyof typeof THEORY_EXPERIMENTS;
export const THEORY_NAMES = Object.keys(THEORY_EXPERIMENTS) as TheoryName[];

/** The experiment called `name`, or an error naming `where` with a did-you-mean. */
export function theoryExperiment(name: string, where: string): TheoryExperiment {
  if (!(name in THEORY_EXPERIMENTS)) throw unknownName(where, 'experiment', name, THEORY_NAMES);
  return THEORY_EXPERIMENTS[name as TheoryName] as unknown as TheoryExperiment;
}

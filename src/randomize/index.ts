// The paper's randomization tests (PAPER.md §1): specs, seeded draws, application, and saved artifacts.
export {
  type RandomizationSpec,
  parseRandomization,
  labelCorruption,
  canonicalLabels,
  randomizationName,
  DEFAULT_RANDOMIZATION,
  LABEL_MODES,
  CORRUPTIONS,
  INPUT_MODES,
  GAUSSIAN_STATS,
} from './spec.js';
export {
  type RandomizationArtifact,
  type SplitDraw,
  drawRandomization,
  applyRandomization,
  PIXEL_CHUNK,
} from './draw.js';
export { saveArtifact, loadArtifact } from './artifact.js';

// The train room's public surface.
export {
  Trainer,
  initialState,
  trainGenerator,
  type EpochRecord,
  type TrainState,
  type TrainData,
} from './trainer.js';
export { evaluate, bitAt, type Evaluation } from './evaluate.js';
export { decodeFloat16, encodeFloat16 } from './float16.js';
export type { TrainConfig } from './config.js';

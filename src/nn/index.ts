// The nn room's public surface.
export { Module } from './module.js';
export * from './layers.js';
export * as F from './functional.js';
export { defaultWeight, defaultBias, initWeightAndBias, WEIGHT_INITS, type WeightInit } from './init.js';
export {
  saveSafetensors,
  loadSafetensors,
  readSafetensorsMetadata,
  CHECKSUM_KEY,
  type SafetensorsFile,
} from './safetensors.js';

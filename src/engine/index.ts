// The engine's public surface: tensors, scopes, creation, generators, devices.
export { Tensor, type TensorData } from './tensor.js';
export { scope, keep, scopeDepth } from './scope.js';
export * from './ops.js';
export { Generator, Rng, deriveSeed } from './generator.js';
export { parseDevice, cudaAvailable, DTYPES, type DType, type Device } from './dtype.js';
export { native } from './native.js';
export { InputError, didYouMean, unknownName } from './errors.js';
export { busyCpus } from './load.js';

// The engine's public surface: tensors, scopes, creation, generators, devices, linear algebra, network
// kernels. The addon itself stays inside the engine: every room above calls these, never native.
export { Tensor, type TensorData } from './tensor.js';
export { scope, keep, scopeDepth } from './scope.js';
export * from './ops.js';
export { Generator, Rng, deriveSeed } from './generator.js';
export { parseDevice, cudaAvailable, DTYPES, type DType, type Device } from './dtype.js';
export * as linalg from './linalg.js';
export * as nnOps from './nn-ops.js';
export { InputError, didYouMean, exitCodeOf, unknownName } from './errors.js';
export { busyCpus } from './load.js';
export {
  PRECISIONS,
  autocast,
  bf16Support,
  checkPrecision,
  type Bf16Support,
  type Precision,
} from './precision.js';

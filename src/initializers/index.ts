/**
 * Keras initializers: the starting values of weights. Exported from the package root as the
 * namespace `initializers` (like `keras.initializers`), because `zeros`, `ones` and `identity` would
 * clash with the tensor ops of the same names.
 *
 * @example
 * import { initializers } from 'tensile';
 * const kernel = initializers.getInitializer('glorot_uniform').call([16, 8]);
 * const recurrent = initializers.orthogonal({ seed: 1 }).call([8, 32]);
 * console.log(kernel.shape, recurrent.shape); // [16, 8] [8, 32]
 */
export { Constant, constant, Identity, identity, Ones, ones, Zeros, zeros } from './constant.js';
export { computeFans, type Fans } from './fans.js';
export { householderQR, type QR } from './householder-qr.js';
export { Initializer, type InitializerConfig, RandomInitializer, type SeedOptions } from './initializer.js';
export { Orthogonal, type OrthogonalOptions, orthogonal } from './orthogonal.js';
export {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  varianceScaling,
} from './presets.js';
export {
  type NormalOptions,
  RandomNormal,
  RandomUniform,
  randomNormal,
  randomUniform,
  TruncatedNormal,
  truncatedNormal,
  type UniformOptions,
} from './random.js';
export {
  deserialize,
  getInitializer,
  type InitializerIdentifier,
  initializerNames,
  type SerializedInitializer,
  serialize,
} from './registry.js';
export {
  type FanMode,
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  type VarianceDistribution,
  VarianceScaling,
  type VarianceScalingOptions,
} from './variance-scaling.js';

export { type BatchNormResult, batchNormInference, batchNormTraining } from './batch-norm.js';
export { type CreationOptions, scalar, type TensorLike, tensor } from './core.js';
export { fill, ones, onesLike, range, zeros, zerosLike } from './creation.js';
export * from './elementwise.js';
export {
  broadcastTo,
  concat,
  expandDims,
  gather,
  pad,
  reshape,
  scatterAdd,
  slice,
  squeeze,
  stack,
  transpose,
} from './layout.js';
export { matmul } from './matmul.js';
export {
  dense,
  logSoftmax,
  oneHot,
  sigmoidCrossEntropy,
  softmax,
  softmaxCrossEntropy,
  stopGradient,
} from './nn.js';
export { argmax, max, mean, min, sum } from './reduce.js';

export { tensor, scalar, type TensorLike } from './core.js';
export { fill, zeros, ones, zerosLike, onesLike, range } from './creation.js';
export * from './elementwise.js';
export { sum, mean, max, min, argmax } from './reduce.js';
export { matmul } from './matmul.js';
export { reshape, transpose, slice, concat, stack, pad, expandDims, squeeze, gather, scatterAdd, broadcastTo } from './layout.js';
export { softmax, logSoftmax, oneHot, dense, softmaxCrossEntropy, stopGradient } from './nn.js';

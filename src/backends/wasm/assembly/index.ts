// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// The module's exports: every kernel the JS side of the wasm backend calls (see ../kernels.ts).
// The module imports nothing and allocates nothing: the JS side owns the linear memory's layout.

export { batchNormBackward, batchNormForward, batchNormInference } from './batch-norm';
export { broadcast, cast, unary } from './elementwise';
export { actGrad, biasAct, colSum, colSumPart, sigmoidXent, softmaxXent } from './fused';
export { gemm, gemmScratchBytes } from './gemm';
export { firstIndexOutOfRange, gatherRows, scatterAddRows, stridedCopy, transpose2d } from './layout';
export { adamStep, denseGradMomentumStep, rmspropStep, sgdStep } from './optimizer';
export { argmax, fillIdentity, reduceCols, reduceRows } from './reduce';
export { rnnColSum, rnnDropRows, rnnPad, rnnPrevStates, rnnTransposePad, rnnUnpad } from './rnn-common';
export { gruBackward, gruForward } from './rnn-gru';
export { lstmBackward, lstmForward } from './rnn-lstm';
export { rnnGateMath } from './rnn-math';
export { simpleRnnBackward, simpleRnnForward } from './rnn-simple';
export { threadScratchBytes, winogradWorkBytes } from './thread-scratch';
export { col2im, im2col, maxPool, maxPoolBackward } from './window';
export { winogradConv, winogradKernel } from './winograd';
export { winogradAddSums, winogradFilterGrad, winogradKernelGrad } from './winograd-grad';

/** First byte past the kernels' static data: where the JS allocator may start. */
export function heapBase(): usize {
  return __heap_base;
}

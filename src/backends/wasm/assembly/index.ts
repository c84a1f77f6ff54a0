// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// The module's exports: every kernel the JS side of the wasm backend calls (see ../kernels.ts).
// The module imports nothing and allocates nothing: the JS side owns the linear memory's layout.
export { unary, cast, broadcast } from './elementwise';
export { reduceRows, reduceCols, fillIdentity, argmax } from './reduce';
export { stridedCopy, transpose2d, gatherRows, scatterAddRows } from './layout';
export { gemm, gemmScratchBytes } from './gemm';
export { biasAct, actGrad, colSum, softmaxXent } from './fused';

/** First byte past the kernels' static data: where the JS allocator may start. */
export function heapBase(): usize {
  return __heap_base;
}

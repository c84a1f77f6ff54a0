// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// The module's exports: every kernel the JS side of the wasm backend calls.
export { gemm, gemmScratchBytes } from './gemm';

/** First byte past the kernels' static data: where the JS allocator may start. */
export function heapBase(): usize {
  return __heap_base;
}

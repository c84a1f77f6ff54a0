import type { Heap } from './heap.js';
import type { Operand } from './matmul.js';
import { type NativeAddon, nativeAddon, nativeStatus, SPLIT_THREADS } from './native-loader.js';
import { ThreadChooser } from './native-threads.js';

/**
 * Routing of the wasm backend's GEMMs to the native addon, in place on the wasm memory: the addon gets
 * the heap's Float32Array view and byte offsets, so no operand is copied. A product goes native when
 * the addon is loaded, the heap has not opted out, and it is large enough to beat the wasm kernel
 * including the call (see the thresholds). Everything else stays on the wasm kernels.
 */

/**
 * Smallest product (m·n·k) sent to the addon. Measured with bench/native-gemm.ts (AMD EPYC Zen 5,
 * oneDNN 2.6.3, 2026-12-02), call cost included: one native call costs ~0.6 µs, so 16·16·32 (8k) is
 * still 1.25× faster in wasm, 24·24·24 (14k) is 1.3× faster native, 32·32·32 2.2×, 64·64·64 3.8×.
 */
export const NATIVE_MIN_MNK = 12_000;
/**
 * Smallest product (m·n·k) that may get more than one thread: waking the library's second thread
 * costs ~5 µs. Measured alike on an idle machine: 64·64·128 is 0.7× on two threads, 128·64·128 (1M)
 * 1.0×, 4·512·784 (1.6M) 1.3×, 128·512·784 1.8×. Above it, a ThreadChooser times both options.
 */
export const NATIVE_THREADS_MIN_MNK = 1_500_000;

/**
 * Smallest product (m·n·k) that may be split across the addon's helper thread (TENSILE_NATIVE_THREADS
 * =split). Handing a part to a spinning helper costs ~1 µs, and the caller takes back a part a sleeping
 * helper has not started, so a split is cheap to try; below this a product takes under ~10 µs on one
 * thread. bench/native-split.ts (2026-12-03, Xeon, bench given priority): with the helper spinning B1's
 * products from 4M (256→128) to 51M were 1.4-1.7× faster split; with 300 µs of other work between
 * products (helper asleep) the 4M ones were 0.8-0.9× and the 16M-51M ones 1.2-1.7×. So above this a
 * ThreadChooser times the split against one thread per size class and keeps the faster.
 */
export const NATIVE_SPLIT_MIN_MNK = 1_000_000;

/**
 * Smallest m, n and k of a product that may be split. Skinny products (the recurrent layers' input
 * projections and weight gradients: k = 16 or n = 32 in the IMDB models; batch-4 products with m = 4)
 * are bound by memory, not arithmetic, and splitting them made whole training slower: A1 (Embedding +
 * LSTM(8)) 0.150-0.162 s per quarter epoch on one thread against 0.167-0.187 split (Xeon, idle,
 * 2026-12-03), while B1 and the CNN, whose products are at least 128·128·128, gained 4-31%.
 */
export const NATIVE_SPLIT_MIN_DIM = 64;

/** Times one and several threads on large products (one per process: it measures the machine). */
let chooser: ThreadChooser | undefined;
/**
 * Product shapes already split once: a shape's first split call also checks that the split result is
 * bit-identical to one call (three products), so its time is not the split's and is not recorded.
 */
const splitShapesSeen = new Set<string>();

/**
 * Longest time signals stay held across products. oneDNN must not be interrupted by a signal handler
 * (native/tensile_native.c says why), and a mask change costs ~1.2 µs, more than a small product, so
 * the first product of a synchronous stretch of work holds signals and a microtask releases them when
 * that stretch ends; a long synchronous loop lets pending signals (Ctrl-C, the profiler's tick) in
 * every MAX_SIGNAL_HOLD_MS.
 */
export const MAX_SIGNAL_HOLD_MS = 10;
let heldSince = -1;

export function holdSignals(addon: NativeAddon): void {
  const now = performance.now();
  if (heldSince >= 0) {
    if (now - heldSince < MAX_SIGNAL_HOLD_MS) return;
    addon.releaseSignals(); // deliver what is pending, then hold again
  } else {
    queueMicrotask(() => {
      heldSince = -1;
      addon.releaseSignals();
    });
  }
  addon.holdSignals();
  heldSince = now;
}

/** Heaps whose backend was created with `native: false`. */
const optedOut = new WeakSet<Heap>();

/** Makes `heap` keep every GEMM on the wasm kernels (`createWasmBackend({ native: false })`). */
export function disableNative(heap: Heap): void {
  optedOut.add(heap);
}

/** The addon when `heap` may use it. */
export function nativeFor(heap: Heap): NativeAddon | null {
  return optedOut.has(heap) ? null : nativeAddon();
}

/** The addon when an m×n×k product on `heap` is large enough to be its to compute, else null. */
export function nativeForProduct(heap: Heap, m: number, n: number, k: number): NativeAddon | null {
  return m * n * k < NATIVE_MIN_MNK ? null : nativeFor(heap);
}

/** BLAS's view of an operand: transposed or not, and its leading dimension; null if neither fits. */
function blasLayout(op: Operand, rows: number, cols: number): [trans: number, ld: number] | null {
  if (op.cs === 1 && (op.rs >= cols || rows <= 1)) return [0, Math.max(op.rs, cols, 1)];
  if (op.rs === 1 && (op.cs >= rows || cols <= 1)) return [1, Math.max(op.cs, rows, 1)];
  return null;
}

/**
 * C[m×n] (row-major, leading dimension ldc) = alpha·A·B, or += alpha·A·B when `accumulate`, on the
 * addon if this product should go there; returns false (having done nothing) when it should stay in
 * wasm (whose GEMM has no alpha: callers passing one must handle false themselves).
 */
export function nativeGemm(
  heap: Heap,
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: number,
  ldc: number,
  accumulate: boolean,
  alpha = 1,
): boolean {
  const addon = nativeForProduct(heap, m, n, k);
  if (!addon) return false;
  const la = blasLayout(a, m, k);
  const lb = blasLayout(b, k, n);
  if (!la || !lb) return false;
  const beta = accumulate ? 1 : 0;
  const mnk = m * n * k;
  holdSignals(addon);
  const status = nativeStatus();
  const run = (threads: number) =>
    addon.sgemm(heap.f32, la[0], lb[0], m, n, k, alpha, a.ptr, la[1], b.ptr, lb[1], beta, c, ldc, threads);
  if (status.split) {
    if (mnk < NATIVE_SPLIT_MIN_MNK || Math.min(m, n, k) < NATIVE_SPLIT_MIN_DIM) run(1);
    else timedSplit(run, `${m},${n},${k},${la[0]},${lb[0]},${la[1]},${lb[1]},${ldc},${beta}`, mnk);
    return true;
  }
  if (mnk < NATIVE_THREADS_MIN_MNK || (status.threads ?? 1) === 1 || status.threadsFixed) {
    run(mnk < NATIVE_THREADS_MIN_MNK ? 1 : (status.threads ?? 1));
    return true;
  }
  chooser ??= new ThreadChooser(status.threads ?? 1);
  const threads = chooser.choose(mnk);
  const t0 = performance.now();
  run(threads);
  chooser.record(mnk, threads, (performance.now() - t0) / 1000);
  return true;
}

/** Runs a product split or on one thread, whichever the chooser has timed faster for its size. */
function timedSplit(run: (threads: number) => void, shape: string, mnk: number): void {
  chooser ??= new ThreadChooser(SPLIT_THREADS);
  const threads = chooser.choose(mnk);
  if (threads === SPLIT_THREADS && !splitShapesSeen.has(shape)) {
    splitShapesSeen.add(shape);
    run(threads); // checks the shape; not timed
    return;
  }
  const t0 = performance.now();
  run(threads);
  chooser.record(mnk, threads, (performance.now() - t0) / 1000);
}

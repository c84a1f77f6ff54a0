import type { DenseGrads, FusedActivation, InPlaceUpdate, TensorInfo } from '../../backend/backend.js';
import type { Heap } from './heap.js';
import { ACT_CODE } from './kernels.js';
import { gemm, type Operand, operand } from './matmul.js';
import { nativeForProduct, nativeGemm } from './native.js';

const ptr = (x: TensorInfo) => x.data as number;

/** y = act(x·w + b): one GEMM, then bias and activation in one pass over y while it is in cache. */
export function dense(
  heap: Heap,
  x: TensorInfo,
  w: TensorInfo,
  b: TensorInfo | null,
  act: FusedActivation,
): number {
  const [n, k] = x.shape as [number, number];
  const m = w.shape[1]!;
  const y = heap.malloc(n * m);
  gemm(heap, n, m, k, operand(ptr(x), n, k, false), operand(ptr(w), k, m, false), y);
  if (n * m > 0) heap.k.biasAct(y, b ? ptr(b) : 0, n, m, ACT_CODE[act]);
  return y;
}

/**
 * dz = dy·act'(y) over `count` elements in fresh storage, or dy's own storage for 'linear' (the caller
 * frees dz when it is not dy's). The first step of every fused backward (dense, convolutions).
 */
export function activationGrad(
  heap: Heap,
  dy: TensorInfo,
  y: TensorInfo,
  count: number,
  act: FusedActivation,
) {
  if (act === 'linear') return ptr(dy);
  const dz = heap.malloc(count);
  if (count > 0) heap.k.actGrad(ptr(dy), ptr(y), dz, count, ACT_CODE[act]);
  return dz;
}

/**
 * dz = dy·act'(y) (skipped for linear), then dx = dz·wᵀ, dw = xᵀ·dz and db = Σ_rows dz. The two
 * transposed products read x and w in place through swapped strides. With `update` the step may
 * replace dw (which is then null, see stepInProduct).
 */
export function denseBackward(
  heap: Heap,
  dy: TensorInfo,
  x: TensorInfo,
  w: TensorInfo,
  y: TensorInfo,
  act: FusedActivation,
  hasBias: boolean,
  needDx: boolean,
  update?: InPlaceUpdate,
): DenseGrads {
  const [n, k] = x.shape as [number, number];
  const m = w.shape[1]!;
  const dz = activationGrad(heap, dy, y, n * m, act);
  let dx: number | null = null;
  if (needDx) {
    dx = heap.malloc(n * k);
    gemm(heap, n, k, m, operand(dz, n, m, false), operand(ptr(w), m, k, true), dx);
  }
  const [xt, dzOp] = [operand(ptr(x), k, n, true), operand(dz, n, m, false)];
  let dw: number | null = null;
  // After dx: it read the old w.
  if (!update || !stepInProduct(heap, update, x, dz, w, xt, dzOp)) {
    dw = heap.malloc(k * m);
    gemm(heap, k, m, n, xt, dzOp, dw);
  }
  let db: number | null = null;
  if (hasBias) {
    db = heap.malloc(m);
    heap.k.colSum(dz, n, m, db);
  }
  if (dz !== ptr(dy)) heap.free(dz);
  return { dx, dw, db };
}

/**
 * Most batch rows n for which an SGD step with momentum runs inside the weight-gradient product
 * (denseGradMomentumStep), by where the separate product would run. The fused pass saves writing dw
 * and reading it back, but computes the product with wasm SIMD (4 lanes, no FMA): 2n−1 float ops per
 * 4 weights on top of the step's ~9, where the step alone is bound by memory. The native addon's
 * product is far cheaper per flop, so the fused pass pays there only while n is tiny; the wasm GEMM is
 * slow at a few rows, so against it the fused pass pays longer. Measured 2026-12-03 (Xeon, 2 vCPUs,
 * load 2-3), MNIST MLP 784-512-256-128-64-10 Nesterov, bench/sgd-in-gemm.ts CPU time fused vs
 * TENSILE_STEP_IN_GEMM=0, alternating: with the addon n = 2 −13%, 3 −7%, 4 −4% (B4 workload −5 to
 * −8%); 8 +18%, 16 +26%, 32 +45% (with a first kernel ~15% slower at n = 8); without it n = 8 −9%,
 * 16 −3%, and with the first kernel 1 −36%, 2 −25%, 4 −20%, 32 +5%. The 784×512 layer alone (its
 * step and product): n = 4 252 µs fused against 261 µs native product + sgdStep, n = 8 315 vs 275.
 */
export const MOMENTUM_IN_PRODUCT_MAX_ROWS = { native: 4, wasm: 16 };

/**
 * Applies `update` to w in the weight-gradient product, or returns false (then dw is computed as
 * usual). Plain SGD: when the product goes to the native addon, w += −lr·xᵀ·dz is that product (beta
 * 1); the wasm GEMM has no alpha, so elsewhere it is declined. With momentum, for a few batch rows:
 * one wasm pass per weight row computes its gradient in registers and steps w and the velocity.
 */
function stepInProduct(
  heap: Heap,
  update: InPlaceUpdate,
  x: TensorInfo,
  dz: number,
  w: TensorInfo,
  xt: Operand,
  dzOp: Operand,
): boolean {
  const [n, k] = x.shape as [number, number];
  const m = w.shape[1]!;
  if (update.momentum === 0) return nativeGemm(heap, k, m, n, xt, dzOp, ptr(w), m, true, -update.lr);
  const native = nativeForProduct(heap, k, m, n) !== null; // where the separate product would run
  if (update.velocity === null || n > MOMENTUM_IN_PRODUCT_MAX_ROWS[native ? 'native' : 'wasm']) return false;
  const { lr, momentum, nesterov, velocity } = update;
  if (k * m > 0)
    heap.k.denseGradMomentumStep(ptr(x), k, dz, ptr(w), ptr(velocity), n, k, m, lr, momentum, nesterov);
  return true;
}

/** Row-wise softmax and cross-entropy against target probabilities, in one pass per row. */
export function softmaxCrossEntropy(
  heap: Heap,
  logits: TensorInfo,
  labels: TensorInfo,
): { loss: number; probs: number } {
  const [n, c] = logits.shape as [number, number];
  const loss = heap.malloc(n);
  const probs = heap.malloc(n * c);
  heap.k.softmaxXent(ptr(logits), ptr(labels), n, c, loss, probs);
  return { loss, probs };
}

/** Elementwise sigmoid cross-entropy of logits against targets: the loss and sigmoid(logits). */
export function sigmoidCrossEntropy(
  heap: Heap,
  logits: TensorInfo,
  labels: TensorInfo,
): { loss: number; probs: number } {
  const n = logits.shape.reduce((a, d) => a * d, 1);
  const loss = heap.malloc(n);
  const probs = heap.malloc(n);
  heap.k.sigmoidXent(ptr(logits), ptr(labels), n, loss, probs);
  return { loss, probs };
}

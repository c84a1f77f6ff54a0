import type { DenseGrads, FusedActivation, InPlaceUpdate, TensorInfo } from '../../backend/backend.js';
import type { Heap } from './heap.js';
import { ACT_CODE } from './kernels.js';
import { gemm, operand } from './matmul.js';
import { nativeGemm } from './native.js';

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
 * transposed products read x and w in place through swapped strides. With `update`, when the weight
 * product goes to the native addon, w += −lr·xᵀ·dz is that product (beta 1) and dw is null (the wasm
 * GEMM has no alpha, so there the update is declined).
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
  if (!update || !nativeGemm(heap, k, m, n, xt, dzOp, ptr(w), m, true, -update.lr)) {
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

import type { TensorInfo } from '../../backend/backend.js';
import type { Heap } from './heap.js';

const ptr = (t: TensorInfo | null): number => (t ? (t.data as number) : 0);

/** Batch normalization's training forward over x [rows, C] (assembly/batch-norm.ts). */
export function batchNormTrain(
  heap: Heap,
  x: TensorInfo,
  gamma: TensorInfo | null,
  beta: TensorInfo | null,
  epsilon: number,
): { y: number; mean: number; variance: number; invStd: number } {
  const [rows, C] = x.shape as [number, number];
  const y = heap.malloc(rows * C);
  const [mean, variance, invStd] = [heap.malloc(C), heap.malloc(C), heap.malloc(C)];
  heap.k.batchNormForward(ptr(x), rows, C, ptr(gamma), ptr(beta), epsilon, y, mean, variance, invStd);
  return { y, mean, variance, invStd };
}

/** Its backward: dx [rows, C], dgamma and dbeta [C]. */
export function batchNormTrainBackward(
  heap: Heap,
  dy: TensorInfo,
  x: TensorInfo,
  mean: TensorInfo,
  invStd: TensorInfo,
  gamma: TensorInfo | null,
): { dx: number; dgamma: number; dbeta: number } {
  const [rows, C] = x.shape as [number, number];
  const dx = heap.malloc(rows * C);
  const [dgamma, dbeta] = [heap.malloc(C), heap.malloc(C)];
  heap.k.batchNormBackward(ptr(dy), ptr(x), rows, C, ptr(mean), ptr(invStd), ptr(gamma), dx, dgamma, dbeta);
  return { dx, dgamma, dbeta };
}

/** Batch normalization with given statistics (inference) over x [rows, C]: y [rows, C]. */
export function batchNormInfer(
  heap: Heap,
  x: TensorInfo,
  mean: TensorInfo,
  variance: TensorInfo,
  gamma: TensorInfo | null,
  beta: TensorInfo | null,
  epsilon: number,
): number {
  const [rows, C] = x.shape as [number, number];
  const y = heap.malloc(rows * C);
  const invStd = heap.malloc(C);
  heap.k.batchNormInference(
    ptr(x),
    rows,
    C,
    ptr(mean),
    ptr(variance),
    ptr(gamma),
    ptr(beta),
    epsilon,
    y,
    invStd,
  );
  heap.free(invStd);
  return y;
}

import type { BinaryOp, CompareOp, TensorInfo, UnaryOp } from '../../backend/backend.js';
import { DTypeError } from '../../errors.js';
import type { DType } from '../../tensor/dtype.js';
import { type Shape, sizeOf } from '../../tensor/shape.js';
import { broadcastStrides } from '../ts/broadcast.js';
import { collapse, type Heap } from './heap.js';
import {
  BINARY_CODE,
  COMPARE_CODE,
  INT_BINARY,
  INT_OFFSET,
  INT_UNARY,
  UNARY_CODE,
  WHERE_CODE,
} from './kernels.js';

const ptr = (x: TensorInfo) => x.data as number;
const isInt = (x: TensorInfo) => x.dtype === 'int32';

/** out = op(x) elementwise (int32 only for the ops that keep integers). */
export function unary(heap: Heap, op: UnaryOp, x: TensorInfo): number {
  const n = sizeOf(x.shape);
  if (x.dtype === 'int32' && !INT_UNARY.has(op))
    throw new DTypeError(op, 'wasm backend: int32 input (cast to float32 first)');
  const out = heap.malloc(n);
  if (n > 0) heap.k.unary(UNARY_CODE[op], isInt(x), ptr(x), out, n);
  return out;
}

/** A copy converted to `dtype` (float → int truncates toward zero, as the reference does). */
export function cast(heap: Heap, x: TensorInfo, dtype: DType): number {
  const n = sizeOf(x.shape);
  const out = heap.malloc(n);
  if (n === 0) return out;
  if (dtype === x.dtype) heap.copy(out, ptr(x), n);
  else heap.k.cast(dtype === 'int32', ptr(x), out, n);
  return out;
}

/**
 * Runs a broadcast kernel over `outShape`: each input's strides are aligned to the output (0 on
 * broadcast dims), then dims are collapsed so the common cases become one flat row (same shape, a
 * scalar) or rows against a repeated vector (bias-style), which the kernel runs in SIMD.
 */
function broadcast(
  heap: Heap,
  code: number,
  inputs: readonly TensorInfo[],
  outShape: Shape,
  into?: number,
): number {
  const n = sizeOf(outShape);
  const out = into ?? heap.malloc(n);
  if (n === 0) return out;
  // Every input full-size or a scalar: one flat row, without building stride arrays.
  const flat = inputs.every((x) => {
    const size = sizeOf(x.shape);
    return size === n || size === 1;
  });
  const [dims, strides] = flat
    ? [[n], inputs.map((x) => [sizeOf(x.shape) === n && n > 1 ? 1 : 0])]
    : collapse(
        outShape,
        inputs.map((x) => broadcastStrides(x.shape, outShape)),
      );
  // A binary or compare kernel still reads a third operand; give it the first input at stride 0.
  const c = inputs[2] ?? inputs[0]!;
  const sc = inputs[2] ? strides[2]! : dims.map(() => 0);
  const counters = dims.map(() => 0);
  const plan = heap.writePlan('broadcast', dims, strides[0]!, strides[1]!, sc, counters);
  heap.k.broadcast(code, ptr(inputs[0]!), ptr(inputs[1]!), ptr(c), out, dims.length, plan);
  return out;
}

/** out = a op b with numpy broadcasting to `outShape`. */
export function binary(heap: Heap, op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape): number {
  if (a.dtype === 'int32' && !INT_BINARY.has(op))
    throw new DTypeError(op, 'wasm backend: int32 inputs (cast to float32 first)');
  const code = BINARY_CODE[op] + (a.dtype === 'int32' ? INT_OFFSET : 0);
  return broadcast(heap, code, [a, b], outShape);
}

/**
 * a op b over a's own storage. Safe because a has the output's shape: the kernel reads each
 * element of a before it writes the same element (same index, same vector lane).
 */
export function binaryInPlace(heap: Heap, op: BinaryOp, a: TensorInfo, b: TensorInfo): void {
  if (a.dtype === 'int32' && !INT_BINARY.has(op))
    throw new DTypeError(op, 'wasm backend: int32 inputs (cast to float32 first)');
  const code = BINARY_CODE[op] + (a.dtype === 'int32' ? INT_OFFSET : 0);
  broadcast(heap, code, [a, b], a.shape, ptr(a));
}

/** int32 0/1: a op b with numpy broadcasting. */
export function compare(heap: Heap, op: CompareOp, a: TensorInfo, b: TensorInfo, outShape: Shape): number {
  return broadcast(heap, COMPARE_CODE[op] + (a.dtype === 'int32' ? INT_OFFSET : 0), [a, b], outShape);
}

/** Selection is bitwise, so one kernel serves both dtypes; cond is int32. */
export function where(heap: Heap, cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): number {
  return broadcast(heap, WHERE_CODE, [cond, a, b], outShape);
}

/** A new storage of `size` copies of `value`. */
export function fill(heap: Heap, size: number, value: number, dtype: DType): number {
  const out = heap.mallocFor(size, dtype);
  heap.fill(out, size, value, dtype);
  return out;
}

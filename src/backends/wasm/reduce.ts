import type { ReduceOp, TensorInfo } from '../../backend/backend.js';
import { reducedShape, sizeOf } from '../../tensor/shape.js';
import type { Heap } from './heap.js';
import { REDUCE_CODE } from './kernels.js';
import { transpose } from './layout.js';

/** [outer, reduced, inner] when the reduced axes are adjacent (last axis, first axis, all axes...). */
function contiguousSplit(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1]! + 1) return null;
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  return [sizeOf(shape.slice(0, first)), sizeOf(shape.slice(first, last + 1)), sizeOf(shape.slice(last + 1))];
}

/** sum / max / min over sorted, unique `axes`; the output drops them. */
export function reduce(heap: Heap, op: ReduceOp, x: TensorInfo, axes: readonly number[]): number {
  const outSize = sizeOf(reducedShape(x.shape, axes, false));
  const out = heap.malloc(outSize);
  const size = sizeOf(x.shape);
  const code = REDUCE_CODE[op];
  const isInt = x.dtype === 'int32';
  if (axes.length === 0) {
    heap.copy(out, x.data as number, size);
    return out;
  }
  if (size === 0) {
    heap.k.fillIdentity(code, isInt, out, outSize);
    return out;
  }
  let src = x.data as number;
  let split = contiguousSplit(x.shape, axes);
  let temp = 0;
  if (!split) {
    // Scattered axes: move them to the end (one strided copy), then reduce contiguous rows.
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    temp = src = transpose(heap, x, [...kept, ...axes]);
    split = [outSize, size / outSize, 1];
  }
  const [outer, red, inner] = split;
  if (inner === 1) heap.k.reduceRows(code, isInt, src, outer, red, out);
  else heap.k.reduceCols(code, isInt, src, outer, red, inner, out);
  if (temp) heap.free(temp);
  return out;
}

/** int32 index of the first maximum along `axis`. */
export function argmax(heap: Heap, x: TensorInfo, axis: number): number {
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = heap.malloc(outer * inner);
  heap.k.argmax(x.dtype === 'int32', x.data as number, outer, n, inner, out);
  return out;
}

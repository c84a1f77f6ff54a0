import type { TensorInfo } from '../../backend/backend.js';
import { type Shape, sizeOf, stridesOf } from '../../tensor/shape.js';
import { collapse, type Heap } from './heap.js';

const ptr = (x: TensorInfo) => x.data as number;

/**
 * Copies the block `dims` from src (element strides `ss`) to dst (strides `ds`), after collapsing
 * dims. A transpose of the last two dims (batched or not) takes the cache-blocked SIMD kernel.
 */
function copyBlock(
  heap: Heap,
  src: number,
  ss: readonly number[],
  dst: number,
  ds: readonly number[],
  dims: Shape,
): void {
  if (sizeOf(dims) === 0) return;
  const [d, [s, t]] = collapse(dims, [ss, ds]) as [number[], [number[], number[]]];
  const contiguousOut = t[d.length - 1] === 1 && (d.length === 1 || t[d.length - 2] === d[d.length - 1]);
  if (d.length === 2 && contiguousOut && s[0] === 1 && s[1] === d[0]) {
    heap.k.transpose2d(src, dst, 1, d[1]!, d[0]!);
    return;
  }
  if (
    d.length === 3 &&
    contiguousOut &&
    t[0] === d[1]! * d[2]! &&
    s[1] === 1 &&
    s[2] === d[1] &&
    s[0] === d[1]! * d[2]!
  ) {
    heap.k.transpose2d(src, dst, d[0]!, d[2]!, d[1]!);
    return;
  }
  const plan = heap.writePlan(
    'copy',
    d,
    s,
    t,
    d.map(() => 0),
  );
  heap.k.stridedCopy(src, dst, d.length, plan);
}

/** x with its dims permuted by `perm` (a copy). */
export function transpose(heap: Heap, x: TensorInfo, perm: readonly number[]): number {
  const out = heap.malloc(sizeOf(x.shape));
  const inStrides = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  copyBlock(
    heap,
    ptr(x),
    perm.map((p) => inStrides[p]!),
    out,
    stridesOf(outShape),
    outShape,
  );
  return out;
}

/** The block [begin, begin + size) of x (a copy). */
export function slice(heap: Heap, x: TensorInfo, begin: readonly number[], size: readonly number[]): number {
  const out = heap.malloc(sizeOf(size));
  const inStrides = stridesOf(x.shape);
  const offset = begin.reduce((o, b, d) => o + b * inStrides[d]!, 0);
  copyBlock(heap, ptr(x) + offset * 4, inStrides, out, stridesOf(size), size);
  return out;
}

/** xs joined along `axis`: one strided copy per input into its slot of the output. */
export function concat(heap: Heap, xs: readonly TensorInfo[], axis: number, outShape: Shape): number {
  const out = heap.malloc(sizeOf(outShape));
  const outStrides = stridesOf(outShape);
  let offset = 0;
  for (const x of xs) {
    copyBlock(heap, ptr(x), stridesOf(x.shape), out + offset * outStrides[axis]! * 4, outStrides, x.shape);
    offset += x.shape[axis]!;
  }
  return out;
}

/** x inside a border of `value`: fill, then one strided copy into the interior. */
export function pad(
  heap: Heap,
  x: TensorInfo,
  paddings: readonly (readonly [number, number])[],
  value: number,
): number {
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const size = sizeOf(outShape);
  const out = heap.malloc(size);
  heap.fill(out, size, value, x.dtype);
  const outStrides = stridesOf(outShape);
  const offset = paddings.reduce((o, [before], d) => o + before * outStrides[d]!, 0);
  copyBlock(heap, ptr(x), stridesOf(x.shape), out + offset * 4, outStrides, x.shape);
  return out;
}

/** [outer, n, inner] around `axis`. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** The flat position of the first int32 index outside [0, n), or -1. */
export function firstIndexOutOfRange(heap: Heap, indices: TensorInfo, n: number): number {
  const count = sizeOf(indices.shape);
  return count === 0 ? -1 : heap.k.firstIndexOutOfRange(ptr(indices), count, n);
}

/** Rows of x along `axis` at int32 `indices`. */
export function gather(heap: Heap, x: TensorInfo, indices: TensorInfo, axis: number): number {
  const [outer, n, inner] = around(x.shape, axis);
  const count = sizeOf(indices.shape);
  const out = heap.malloc(outer * count * inner);
  if (outer * count * inner > 0) heap.k.gatherRows(ptr(x), ptr(indices), count, outer, n, inner, out);
  return out;
}

/** Zeros of `outShape` with `updates` added at `indices` along `axis` (gather's adjoint). */
export function scatterAdd(
  heap: Heap,
  updates: TensorInfo,
  indices: TensorInfo,
  axis: number,
  outShape: Shape,
): number {
  const [outer, n, inner] = around(outShape, axis);
  const out = heap.malloc(sizeOf(outShape));
  const isInt = updates.dtype === 'int32';
  heap.k.scatterAddRows(isInt, ptr(updates), ptr(indices), sizeOf(indices.shape), outer, n, inner, out);
  return out;
}

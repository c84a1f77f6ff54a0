import type { TensorInfo } from '../../backend/backend.js';
import type { BackendArray } from '../../tensor/dtype.js';
import { type Shape, sizeOf, stridesOf } from '../../tensor/shape.js';

type Arr = BackendArray;
type Alloc = (size: number, like: Arr) => Arr;

export function transpose(x: TensorInfo, perm: readonly number[], alloc: Alloc): Arr {
  const src = x.data as Arr;
  const out = alloc(src.length, src);
  const rank = perm.length;
  const inStrides = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  if (rank === 2 && perm[0] === 1) {
    const [r, c] = x.shape as [number, number];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = src[i * c + j]!;
    return out;
  }
  // Walk the output in order; each step moves the input position by the permuted stride.
  const stepIn = perm.map((p) => inStrides[p]!);
  const counter = new Array<number>(rank).fill(0);
  let pos = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = src[pos]!;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      pos += stepIn[d]!;
      if (counter[d]! < outShape[d]!) break;
      pos -= stepIn[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

/** Copies the block [begin, begin+size) of `src` (shape `shape`) into a dense array. */
export function slice(x: TensorInfo, begin: readonly number[], size: readonly number[], alloc: Alloc): Arr {
  const src = x.data as Arr;
  const out = alloc(sizeOf(size), src);
  const rank = x.shape.length;
  if (out.length === 0) return out;
  const strides = stridesOf(x.shape);
  // Copy runs of the last dim at a time.
  const run = size[rank - 1]!;
  const rows = out.length / run;
  const counter = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let r = 0; r < rows; r++) {
    let pos = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) pos += (begin[d]! + counter[d]!) * strides[d]!;
    out.set(src.subarray(pos, pos + run), r * run);
    for (let d = rank - 2; d >= 0; d--) {
      if (++counter[d]! < size[d]!) break;
      counter[d] = 0;
    }
  }
  return out;
}

export function concat(xs: readonly TensorInfo[], axis: number, shape: Shape, alloc: Alloc): Arr {
  const out = alloc(sizeOf(shape), xs[0]!.data as Arr);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const outRow = shape[axis]! * inner;
  let offset = 0;
  for (const x of xs) {
    const src = x.data as Arr;
    const row = x.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * row, (o + 1) * row), o * outRow + offset);
    offset += row;
  }
  return out;
}

export function pad(
  x: TensorInfo,
  paddings: readonly (readonly [number, number])[],
  value: number,
  alloc: Alloc,
): Arr {
  const src = x.data as Arr;
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const out = alloc(sizeOf(outShape), src);
  out.fill(value);
  if (src.length === 0) return out;
  const rank = x.shape.length;
  if (rank === 0) {
    out[0] = src[0]!;
    return out;
  }
  const outStrides = stridesOf(outShape);
  const run = x.shape[rank - 1]!;
  const rows = src.length / run;
  const counter = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let pos = paddings[rank - 1]![0];
    for (let d = 0; d < rank - 1; d++) pos += (counter[d]! + paddings[d]![0]) * outStrides[d]!;
    out.set(src.subarray(r * run, (r + 1) * run), pos);
    for (let d = rank - 2; d >= 0; d--) {
      if (++counter[d]! < x.shape[d]!) break;
      counter[d] = 0;
    }
  }
  return out;
}

export function gather(x: TensorInfo, indices: TensorInfo, axis: number, alloc: Alloc): Arr {
  const src = x.data as Arr;
  const idx = indices.data as Int32Array;
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = alloc(outer * idx.length * inner, src);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < idx.length; i++) {
      const from = (o * n + idx[i]!) * inner;
      out.set(src.subarray(from, from + inner), (o * idx.length + i) * inner);
    }
  }
  return out;
}

export function scatterAdd(
  updates: TensorInfo,
  indices: TensorInfo,
  axis: number,
  shape: Shape,
  alloc: Alloc,
): Arr {
  const src = updates.data as Arr;
  const idx = indices.data as Int32Array;
  const out = alloc(sizeOf(shape), src);
  const outer = sizeOf(shape.slice(0, axis));
  const n = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < idx.length; i++) {
      const to = (o * n + idx[i]!) * inner;
      const from = (o * idx.length + i) * inner;
      for (let j = 0; j < inner; j++) out[to + j]! += src[from + j]!;
    }
  }
  return out;
}

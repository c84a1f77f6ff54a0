import type { ReduceOp, TensorInfo } from '../../backend/backend.js';
import type { BackendArray } from '../../tensor/dtype.js';
import { reducedShape, sizeOf, stridesOf } from '../../tensor/shape.js';

type Arr = BackendArray;
type Alloc = (size: number, like: Arr) => Arr;

/**
 * Splits the shape into [outer, reduced, inner] when the reduced axes are contiguous, the case
 * that covers every reduction the library itself makes (last axis, first axis, all axes).
 */
function contiguousSplit(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1]! + 1) return null;
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  return [sizeOf(shape.slice(0, first)), sizeOf(shape.slice(first, last + 1)), sizeOf(shape.slice(last + 1))];
}

export function reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], alloc: Alloc): Arr {
  const src = x.data as Arr;
  const outSize = sizeOf(reducedShape(x.shape, axes, false));
  const out = alloc(outSize, src);
  // ±Infinity would become 0 in an Int32Array, so int32 max/min start from the int32 extremes.
  const isInt = src instanceof Int32Array;
  const lowest = isInt ? -2147483648 : -Infinity;
  const highest = isInt ? 2147483647 : Infinity;
  const init = op === 'sum' ? 0 : op === 'max' ? lowest : highest;
  out.fill(init);
  if (axes.length === 0) {
    out.set(src);
    return out;
  }
  const split = contiguousSplit(x.shape, axes);
  if (split) {
    const [outer, red, inner] = split;
    for (let o = 0; o < outer; o++) {
      const base = o * red * inner;
      const ob = o * inner;
      for (let r = 0; r < red; r++) {
        const rb = base + r * inner;
        if (op === 'sum') for (let i = 0; i < inner; i++) out[ob + i]! += src[rb + i]!;
        else if (op === 'max') {
          for (let i = 0; i < inner; i++) {
            const v = src[rb + i]!;
            if (v > out[ob + i]! || Number.isNaN(v)) out[ob + i] = v;
          }
        } else {
          for (let i = 0; i < inner; i++) {
            const v = src[rb + i]!;
            if (v < out[ob + i]! || Number.isNaN(v)) out[ob + i] = v;
          }
        }
      }
    }
    return out;
  }
  // General case: walk the input, mapping each element to its output slot.
  const outStrides = stridesOf(reducedShape(x.shape, axes, true)).map((s, i) => (axes.includes(i) ? 0 : s));
  const rank = x.shape.length;
  const counter = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (op === 'sum') out[o]! += v;
    else if (op === 'max' ? v > out[o]! || Number.isNaN(v) : v < out[o]! || Number.isNaN(v)) out[o] = v;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      o += outStrides[d]!;
      if (counter[d]! < x.shape[d]!) break;
      o -= outStrides[d]! * x.shape[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

export function argmax(x: TensorInfo, axis: number): Int32Array {
  const src = x.data as Arr;
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      let bestIdx = 0;
      for (let k = 0; k < n; k++) {
        const v = src[(o * n + k) * inner + i]!;
        if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
          best = v;
          bestIdx = k;
        }
      }
      out[o * inner + i] = bestIdx;
    }
  }
  return out;
}

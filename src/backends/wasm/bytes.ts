import type { TensorInfo } from '../../backend/backend.js';
import type { BackendArray, DType } from '../../tensor/dtype.js';
import { type Shape, sizeOf } from '../../tensor/shape.js';
import * as reference from '../ts/layout.js';
import type { Heap } from './heap.js';

/**
 * The layout ops on uint8 storage. The wasm kernels move 4-byte elements, so byte tensors run the
 * reference backend's loops over byte views of the heap instead (these ops only copy; the data sets
 * that are stored as uint8 are gathered one batch at a time).
 */

/** A view of x's bytes (valid until the next allocation, so taken after the output's). */
const bytesOf = (heap: Heap, x: TensorInfo): TensorInfo => ({ ...x, data: heap.view(x) });

/** New uint8 storage of `size` elements that `run` fills through the reference op's `alloc`. */
function intoBytes(heap: Heap, size: number, run: (alloc: () => BackendArray) => void): number {
  const out = heap.mallocFor(size, 'uint8');
  const view = heap.u8.subarray(out, out + size);
  run(() => view);
  return out;
}

export function transpose(heap: Heap, x: TensorInfo, perm: readonly number[]): number {
  return intoBytes(heap, sizeOf(x.shape), (alloc) => reference.transpose(bytesOf(heap, x), perm, alloc));
}

export function slice(heap: Heap, x: TensorInfo, begin: readonly number[], size: readonly number[]): number {
  return intoBytes(heap, sizeOf(size), (alloc) => reference.slice(bytesOf(heap, x), begin, size, alloc));
}

export function concat(heap: Heap, xs: readonly TensorInfo[], axis: number, outShape: Shape): number {
  return intoBytes(heap, sizeOf(outShape), (alloc) =>
    reference.concat(
      xs.map((x) => bytesOf(heap, x)),
      axis,
      outShape,
      alloc,
    ),
  );
}

export function gather(heap: Heap, x: TensorInfo, indices: TensorInfo, axis: number): number {
  const rows = sizeOf(x.shape.slice(0, axis)) * sizeOf(indices.shape);
  return intoBytes(heap, rows * sizeOf(x.shape.slice(axis + 1)), (alloc) =>
    reference.gather(bytesOf(heap, x), bytesOf(heap, indices), axis, alloc),
  );
}

/** A copy of uint8 storage converted to `dtype`, or of any storage converted to uint8. */
export function cast(heap: Heap, x: TensorInfo, dtype: DType): number {
  const n = sizeOf(x.shape);
  const out = heap.mallocFor(n, dtype);
  // A typed-array copy converts each element: bytes widen exactly, and a store into a Uint8Array
  // truncates toward zero and wraps modulo 256 (NaN → 0), as numpy's astype does.
  heap.viewOf(out, n, dtype).set(heap.view(x));
  return out;
}

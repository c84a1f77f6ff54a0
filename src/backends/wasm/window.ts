import type { TensorInfo, WindowGeometry } from '../../backend/backend.js';
import type { Shape } from '../../tensor/shape.js';
import { type ArgBlock, writeWindowArgs } from './generated/kernels-exports.js';
import type { Heap } from './heap.js';

const ptr = (x: TensorInfo) => x.data as number;
const count = (shape: Shape) => shape.reduce((a, d) => a * d, 1);

/** The WindowArgs block of one call (assembly/window.ts), in the heap's argument block. */
function block(heap: Heap, shape: Shape, g: WindowGeometry, x: number, y: number, index = 0, padValue = 0) {
  const [n, , , c] = shape as [number, number, number, number];
  const { inH, inW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = g;
  return writeWindowArgs(heap, heap.argBlock, {
    ...{ n, inH, inW, c, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW },
    ...{ padValue, x, y, index, first: 0 },
  }) as ArgBlock<'WindowArgs'>;
}

/** Patches [n, outH, outW, kh·kw, c] of x [n, h, w, c]. */
export function im2col(heap: Heap, x: TensorInfo, g: WindowGeometry, padValue: number): number {
  const [n, , , c] = x.shape as [number, number, number, number];
  const y = heap.malloc(n * g.outH * g.outW * g.kh * g.kw * c);
  im2colAt(heap, ptr(x), x.shape, g, padValue, y);
  return y;
}

/** im2col of the images [n, h, w, c] (`shape`) at byte offset x into the patches at y. */
export function im2colAt(
  heap: Heap,
  x: number,
  shape: Shape,
  g: WindowGeometry,
  padValue: number,
  y: number,
) {
  heap.k.im2col(block(heap, shape, g, x, y, 0, padValue));
}

/** dx [n, h, w, c] from the patches' gradient. */
export function col2im(heap: Heap, dcols: TensorInfo, g: WindowGeometry, xShape: Shape): number {
  const dx = heap.malloc(count(xShape));
  col2imAt(heap, ptr(dcols), g, xShape, dx);
  return dx;
}

/** col2im of the patches' gradient at dcols into the images [n, h, w, c] (`xShape`) at dx (overwritten). */
export function col2imAt(heap: Heap, dcols: number, g: WindowGeometry, xShape: Shape, dx: number) {
  heap.k.col2im(block(heap, xShape, g, dx, dcols));
}

/** Max pooling and the flat x index of each window's first maximum. */
export function maxPool(heap: Heap, x: TensorInfo, g: WindowGeometry): { y: number; index: number } {
  const size = x.shape[0]! * g.outH * g.outW * x.shape[3]!;
  const y = heap.malloc(size);
  const index = heap.malloc(size);
  heap.k.maxPool(block(heap, x.shape, g, ptr(x), y, index));
  return { y, index };
}

/** dx of x's shape with each dy added at its window's maximum. */
export function maxPoolBackward(heap: Heap, dy: TensorInfo, index: TensorInfo, xShape: Shape): number {
  const dx = heap.malloc(count(xShape));
  // The backward only walks dy and index, so only the output size matters.
  const [, outH, outW] = dy.shape as [number, number, number];
  const g = { inH: xShape[1]!, inW: xShape[2]!, outH, outW, kh: 1, kw: 1, strideH: 1, strideW: 1 };
  Object.assign(g, { dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 });
  heap.k.maxPoolBackward(block(heap, xShape, g as WindowGeometry, dx, ptr(dy), ptr(index)));
  return dx;
}

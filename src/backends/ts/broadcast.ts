import type { Shape } from '../../tensor/shape.js';
import { stridesOf } from '../../tensor/shape.js';

/** Input strides aligned to `outShape`, with 0 on broadcast dims, so one loop serves every case. */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_d, i) => {
    const j = i - offset;
    return j < 0 || inShape[j] === 1 ? 0 : strides[j]!;
  });
}

/**
 * Fills `ia`/`ib` with the input index for every output element (row-major order). Used by the
 * generic broadcasting paths; the common cases (same shape, scalar, trailing vector) avoid it.
 */
export function broadcastIndices(
  aShape: Shape,
  bShape: Shape,
  outShape: Shape,
  size: number,
): [Int32Array, Int32Array] {
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const rank = outShape.length;
  const ia = new Int32Array(size);
  const ib = new Int32Array(size);
  const counter = new Array<number>(rank).fill(0);
  let pa = 0;
  let pb = 0;
  for (let i = 0; i < size; i++) {
    ia[i] = pa;
    ib[i] = pb;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      pa += sa[d]!;
      pb += sb[d]!;
      if (counter[d]! < outShape[d]!) break;
      pa -= sa[d]! * outShape[d]!;
      pb -= sb[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
  return [ia, ib];
}

/** True when `small` equals the trailing dims of `out` (bias-add style broadcasting). */
export function isTrailing(small: Shape, out: Shape): boolean {
  if (small.length > out.length) return false;
  const off = out.length - small.length;
  let leadingOnes = true;
  for (let i = 0; i < small.length; i++) {
    if (leadingOnes && small[i] === 1 && out[off + i] !== 1) continue;
    leadingOnes = false;
    if (small[i] !== out[off + i]) return false;
  }
  return true;
}

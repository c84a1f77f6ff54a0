import { normalizeAxes, normalizeAxis, reducedShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, castTo, emit, type TensorLike } from './core.js';
import { div } from './elementwise.js';
import { reshape } from './layout.js';

type Axes = number | readonly number[] | undefined;

/** uint8 data reduced as int32 (numpy sums uint8 in uint64 and keeps uint8 for max/min). */
function widened(op: string, x: TensorLike): Tensor {
  const t = asTensor(x);
  return t.dtype === 'uint8' ? castTo(t, 'int32', op) : t;
}

function reduce(op: 'sum' | 'max' | 'min', x: TensorLike, axes: Axes, keepDims: boolean): Tensor {
  const t = widened(op, x);
  const ax = normalizeAxes(op, axes, t.rank);
  const b = t.backend;
  const out = emit(op, b, b.reduce(op, t.info(op), ax), reducedShape(t.shape, ax, false), t.dtype, [t], {
    axes: ax,
  });
  return keepDims ? reshape(out, reducedShape(t.shape, ax, true)) : out;
}

/** Sum over `axes` (all when omitted). */
export const sum = (x: TensorLike, axes?: Axes, keepDims = false) => reduce('sum', x, axes, keepDims);
/** Maximum over `axes`; the gradient is shared equally among tied maxima. */
export const max = (x: TensorLike, axes?: Axes, keepDims = false) => reduce('max', x, axes, keepDims);
export const min = (x: TensorLike, axes?: Axes, keepDims = false) => reduce('min', x, axes, keepDims);

/** Arithmetic mean over `axes` (float32 result; uint8 is summed in float32, as int32 could overflow). */
export function mean(x: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const given = asTensor(x);
  const t = given.dtype === 'uint8' ? castTo(given, 'float32', 'mean') : given;
  const ax = normalizeAxes('mean', axes, t.rank);
  const count = ax.reduce((n, a) => n * t.shape[a]!, 1);
  return div(sum(t, ax, keepDims), count);
}

/** Index of the largest value along `axis` (first on ties), as int32. */
export function argmax(x: TensorLike, axis = -1): Tensor {
  const t = widened('argmax', x);
  const a = normalizeAxis('argmax', axis, t.rank);
  const b = t.backend;
  return emit(null, b, b.argmax(t.info('argmax'), a), reducedShape(t.shape, [a], false), 'int32', [], null);
}

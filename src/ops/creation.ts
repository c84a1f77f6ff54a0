import { getActiveBackend, makeTensor } from '../engine/engine.js';
import { ShapeError, ValueError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { byteValue, type CreationOptions, tensor } from './core.js';

function checkShape(op: string, shape: readonly number[]): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(op, [shape], 'dimensions must be non-negative integers');
  }
}

/**
 * A tensor of `shape` where every element is `value`, on the selected backend unless `opts.backend` is given.
 *
 * @example
 * import { fill } from 'tensile';
 * console.log(fill([2], 7).toArray()); // [7, 7]
 */
export function fill(
  shape: readonly number[],
  value: number,
  dtype: DType = 'float32',
  opts: CreationOptions = {},
): Tensor {
  checkShape('fill', shape);
  if (dtype === 'uint8') byteValue('fill', value, 0);
  const b = opts.backend ?? getActiveBackend();
  return makeTensor(b, b.fill(sizeOf(shape), value, dtype), [...shape], dtype);
}

/**
 * Zeros of `shape` (on the selected backend unless `opts.backend` is given).
 *
 * @example
 * import { zeros } from 'tensile';
 * console.log(zeros([2, 2]).toArray()); // [[0, 0], [0, 0]]
 */
export const zeros = (shape: readonly number[], dtype: DType = 'float32', opts: CreationOptions = {}) =>
  fill(shape, 0, dtype, opts);

/**
 * Ones of `shape` (on the selected backend unless `opts.backend` is given).
 *
 * @example
 * import { ones } from 'tensile';
 * console.log(ones([3], 'int32').toArray()); // [1, 1, 1]
 */
export const ones = (shape: readonly number[], dtype: DType = 'float32', opts: CreationOptions = {}) =>
  fill(shape, 1, dtype, opts);

/**
 * Zeros with `t`'s shape and dtype, on `t`'s backend (whichever backend is selected).
 *
 * @example
 * import { zerosLike, tensor, tsBackend } from 'tensile';
 * const z = zerosLike(tensor([1, 2], [2], 'float32', { backend: tsBackend }));
 * console.log(z.backend.name, z.toArray()); // ts [0, 0]
 */
export const zerosLike = (t: Tensor) => fill(t.shape, 0, t.dtype, { backend: t.backend });

/**
 * Ones with `t`'s shape and dtype, on `t`'s backend (whichever backend is selected).
 *
 * @example
 * import { onesLike, tensor } from 'tensile';
 * console.log(onesLike(tensor([[5], [6]])).toArray()); // [[1], [1]]
 */
export const onesLike = (t: Tensor) => fill(t.shape, 1, t.dtype, { backend: t.backend });

/**
 * Evenly spaced values in [start, stop), like numpy's arange. int32 when all arguments are integers.
 *
 * @example
 * import { range } from 'tensile';
 * range(0, 5).toArray(); // [0, 1, 2, 3, 4]
 */
export function range(
  start: number,
  stop: number,
  step = 1,
  dtype?: DType,
  opts: CreationOptions = {},
): Tensor {
  if (step === 0) throw new ValueError('range: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dt = dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  const values = dt === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return tensor(values, [n], dt, opts);
}

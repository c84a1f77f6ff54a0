import { getActiveBackend, makeTensor } from '../engine/engine.js';
import { ShapeError, ValueError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from './core.js';

function checkShape(op: string, shape: readonly number[]): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(op, [shape], 'dimensions must be non-negative integers');
  }
}

/** A tensor of `shape` where every element is `value`. */
export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  checkShape('fill', shape);
  const b = getActiveBackend();
  return makeTensor(b, b.fill(sizeOf(shape), value, dtype), [...shape], dtype);
}

export const zeros = (shape: readonly number[], dtype: DType = 'float32') => fill(shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float32') => fill(shape, 1, dtype);
export const zerosLike = (t: Tensor) => fill(t.shape, 0, t.dtype);
export const onesLike = (t: Tensor) => fill(t.shape, 1, t.dtype);

/**
 * Evenly spaced values in [start, stop), like numpy's arange. int32 when all arguments are integers.
 *
 * @example
 * import { range } from 'tensile';
 * range(0, 5).toArray(); // [0, 1, 2, 3, 4]
 */
export function range(start: number, stop: number, step = 1, dtype?: DType): Tensor {
  if (step === 0) throw new ValueError('range: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dt = dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  const values = dt === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return tensor(values, [n], dt);
}

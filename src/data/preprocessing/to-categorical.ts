import { ValueError } from '../../errors.js';
import { tensor } from '../../ops/core.js';
import { Tensor } from '../../tensor/tensor.js';

/**
 * One-hot encodes integer class labels into a float32 tensor with a trailing `numClasses` axis, as Keras'
 * `to_categorical` (a trailing axis of size 1 is dropped first). `numClasses` defaults to max + 1.
 *
 * @example
 * import { toCategorical } from 'tensile';
 * const y = toCategorical([0, 2, 1], 3);
 * console.log(y.toArray()); // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 */
export function toCategorical(y: Tensor | ArrayLike<number>, numClasses?: number): Tensor {
  let shape: number[];
  let labels: ArrayLike<number>;
  if (y instanceof Tensor) {
    shape = [...y.shape];
    labels = y.dataSync();
    if (shape.length > 1 && shape[shape.length - 1] === 1) shape.pop();
  } else if (y !== null && typeof y === 'object' && typeof y.length === 'number') {
    shape = [y.length];
    labels = y;
  } else throw new ValueError('toCategorical: y must be a Tensor or an array of labels');
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError(`toCategorical: label ${v} at index ${i} is not a class index`);
    if (v > max) max = v;
  }
  if (numClasses === undefined) {
    if (labels.length === 0) throw new ValueError('toCategorical: no labels and no numClasses');
    numClasses = max + 1;
  }
  if (!Number.isSafeInteger(numClasses) || numClasses < 1) {
    throw new ValueError(`toCategorical: numClasses must be a positive integer, got ${numClasses}`);
  }
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v >= numClasses)
      throw new ValueError(`toCategorical: label ${v} at index ${i} is not in [0, ${numClasses})`);
    out[i * numClasses + v] = 1;
  }
  return tensor(out, [...shape, numClasses], 'float32');
}

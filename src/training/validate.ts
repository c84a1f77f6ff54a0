import { ShapeError, ValueError } from '../errors.js';
import type { Loss } from '../losses/index.js';
import { reshape } from '../ops/layout.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Targets of shape [n] for a model with outputs [n, 1] become [n, 1], as Keras squeezes or expands
 * targets to the rank of the predictions (binary labels are usually given as a flat vector).
 */
export function conformTargets(y: Tensor, outputShape: readonly (number | null)[]): Tensor {
  if (y.rank === outputShape.length - 1 && outputShape[outputShape.length - 1] === 1)
    return reshape(y, [...y.shape, 1]);
  return y;
}

/**
 * Checks data against the model before any step runs, so a mistake is reported once, clearly,
 * instead of as a shape error deep inside a layer.
 */
export function validateData(
  op: string,
  x: Tensor,
  y: Tensor,
  sampleShape: readonly (number | null)[],
  outputShape: readonly (number | null)[] | null,
  loss: Loss | null,
): void {
  if (x.rank === 0 || y.rank === 0)
    throw new ShapeError(op, [x.shape, y.shape], 'x and y need a leading sample dimension');
  if (x.shape[0] !== y.shape[0]) {
    throw new ShapeError(op, [x.shape, y.shape], `x has ${x.shape[0]} samples but y has ${y.shape[0]}`);
  }
  const features = x.shape.slice(1);
  if (
    features.length !== sampleShape.length ||
    features.some((d, i) => sampleShape[i] !== null && d !== sampleShape[i])
  ) {
    throw new ShapeError(
      op,
      [x.shape],
      `x has samples of shape [${features}] but the model expects [${sampleShape.map((d) => d ?? 'any')}]`,
    );
  }
  // Only the inputs are checked when there is no output to compare the targets with.
  if (!outputShape || !loss) return;
  const classes = outputShape[outputShape.length - 1] ?? 0;
  if (loss.name === 'sparse_categorical_crossentropy') {
    const labels = y.dataSync();
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new ValueError(
          `${op}: label ${v} at sample ${i} is out of range for ${classes} classes (expected integers 0..${classes - 1})`,
        );
      }
    }
  } else if (loss.name === 'categorical_crossentropy' || loss.name === 'binary_crossentropy') {
    if (y.shape[y.rank - 1] !== classes || y.rank !== outputShape.length) {
      const hint =
        loss.name === 'categorical_crossentropy' && y.rank === 1
          ? ' (one-hot encode labels with toCategorical, or use sparse_categorical_crossentropy)'
          : '';
      throw new ShapeError(
        op,
        [y.shape, outputShape.map((d) => d ?? -1)],
        `y does not match the model output${hint}`,
      );
    }
    const labels = y.dataSync();
    for (let i = 0; i < labels.length; i++) {
      if (!(labels[i]! >= 0 && labels[i]! <= 1)) {
        throw new ValueError(
          `${op}: ${loss.name} needs targets in [0, 1]; found ${labels[i]} at flat index ${i}`,
        );
      }
    }
  }
}

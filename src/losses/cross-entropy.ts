import { ShapeError } from '../errors.js';
import { castTo } from '../ops/core.js';
import { abs, add, clip, div, log, mul, neg, sub } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { oneHot, sigmoidCrossEntropy, softmaxCrossEntropy } from '../ops/nn.js';
import { mean, sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';

/** Keras' `backend.epsilon()`: probabilities are clipped to [EPSILON, 1 - EPSILON]. */
export const EPSILON = 1e-7;

function sameShape(op: string, yTrue: Tensor, yPred: Tensor): void {
  if (yTrue.rank !== yPred.rank || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new ShapeError(op, [yTrue.shape, yPred.shape], 'y_true and y_pred must have the same shape');
  }
}

/**
 * Per-sample binary cross-entropy, averaged over the last axis (Keras' `binary_crossentropy`).
 * When `yPred` came out of a sigmoid and `fromLogits` is false, the logits are used instead, as
 * Keras does with `_keras_logits`: exact, and no clipping at 1e-7.
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  const y = castTo(yTrue, 'float32');
  sameShape('binary_crossentropy', y, yPred);
  const logits = fromLogits ? yPred : yPred.kerasLogits?.kind === 'sigmoid' ? yPred.kerasLogits.logits : null;
  if (logits) {
    // max(z, 0) - z·y + log(1 + e^-|z|): the stable form, one fused op.
    return mean(sigmoidCrossEntropy(logits, y), -1);
  }
  const p = clip(yPred, EPSILON, 1 - EPSILON);
  const perElement = add(mul(y, log(add(p, EPSILON))), mul(sub(1, y), log(add(sub(1, p), EPSILON))));
  return neg(mean(perElement, -1));
}

/** Applies a rank-2 row-wise loss to any rank by folding leading dims into rows. */
function rowwise(yTrue: Tensor, z: Tensor, f: (y: Tensor, z: Tensor) => Tensor): Tensor {
  if (z.rank === 2) return f(yTrue, z);
  const c = z.shape[z.rank - 1]!;
  const out = f(reshape(yTrue, [-1, c]), reshape(z, [-1, c]));
  return reshape(out, z.shape.slice(0, -1));
}

/**
 * Per-sample categorical cross-entropy over the last axis. Probabilities are renormalised and
 * clipped as Keras does; softmax outputs (or `fromLogits`) use the fused logits path instead.
 */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  const y = castTo(yTrue, 'float32');
  sameShape('categorical_crossentropy', y, yPred);
  const logits = fromLogits ? yPred : yPred.kerasLogits?.kind === 'softmax' ? yPred.kerasLogits.logits : null;
  if (logits) return rowwise(y, logits, (yy, zz) => softmaxCrossEntropy(zz, yy));
  const p = clip(div(yPred, sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
  return neg(sum(mul(y, log(p)), -1));
}

/** Categorical cross-entropy against integer class labels ([n] or [n, 1]). */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  const classes = yPred.shape[yPred.rank - 1]!;
  let labels = yTrue;
  if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1)
    labels = reshape(labels, labels.shape.slice(0, -1));
  if (labels.rank !== yPred.rank - 1 || labels.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new ShapeError(
      'sparse_categorical_crossentropy',
      [yTrue.shape, yPred.shape],
      'labels must be [batch] or [batch, 1] class indices',
    );
  }
  return categoricalCrossentropy(oneHot(castTo(labels, 'int32'), classes), yPred, fromLogits);
}

/** Per-sample mean squared error over the last axis. */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  const y = castTo(yTrue, 'float32');
  sameShape('mean_squared_error', y, yPred);
  const d = sub(yPred, y);
  return mean(mul(d, d), -1);
}

/** Per-sample mean absolute error over the last axis. */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  const y = castTo(yTrue, 'float32');
  sameShape('mean_absolute_error', y, yPred);
  return mean(abs(sub(yPred, y)), -1);
}

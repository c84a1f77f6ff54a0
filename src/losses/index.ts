import { ShapeError, ValueError } from '../errors.js';
import { getKerasMask } from '../layers/rnn/masking.js';
import { toSnakeCase } from '../naming.js';
import { castTo } from '../ops/core.js';
import { div, maximum, mul } from '../ops/elementwise.js';
import { mean, sum } from '../ops/reduce.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  EPSILON,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './cross-entropy.js';

export {
  binaryCrossentropy,
  categoricalCrossentropy,
  EPSILON,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
};

/** A per-sample loss function: [batch, ...] targets and predictions → [batch] losses. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * A loss with Keras' default reduction ('sum_over_batch_size': the mean over the batch).
 *
 * @example
 * import { Loss, tensor } from 'tensile';
 * const bce = Loss.get('binary_crossentropy');
 * bce.call(tensor([[1], [0]]), tensor([[0.9], [0.2]])).item(); // ≈ 0.1643
 */
export class Loss {
  constructor(
    /** Keras' snake_case name, used in saved training configs. */
    readonly name: string,
    readonly fn: LossFn,
    readonly config: Record<string, unknown> = {},
  ) {}

  /**
   * The mean loss over the batch, as a scalar tensor. When the predictions carry a Keras mask (a
   * sequence output after Embedding `maskZero`), masked steps count for nothing: Σ loss·mask / Σ mask,
   * and 0 when every step is masked, as Keras 3's `apply_mask` reduces it.
   */
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const values = this.fn(yTrue, yPred);
    const mask = getKerasMask(yPred);
    if (!mask) return mean(values);
    if (!shapesEqual(mask.shape, values.shape))
      throw new ShapeError(
        `loss '${this.name}'`,
        [values.shape, mask.shape],
        'the predictions carry a Keras mask whose shape differs from the per-step losses',
      );
    const m = castTo(mask, 'float32', this.name);
    return div(sum(mul(values, m)), maximum(sum(m), 1));
  }

  /** Resolves a Keras loss name (snake_case or camelCase), a Loss, or a per-sample function. */
  static get(id: LossIdentifier): Loss {
    if (id instanceof Loss) return id;
    if (typeof id === 'function') return new Loss(id.name || 'custom_loss', id);
    const entry = LOSSES[normalize(id)];
    if (!entry) {
      throw new ValueError(`unknown loss '${id}' (known: ${Object.keys(LOSSES).join(', ')})`);
    }
    return new Loss(normalize(id), entry);
  }
}

export type LossIdentifier = string | Loss | LossFn;

function normalize(name: string): string {
  const snake = toSnakeCase(name);
  return ALIASES[snake] ?? snake;
}

const ALIASES: Record<string, string> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  bce: 'binary_crossentropy',
  binary_cross_entropy: 'binary_crossentropy',
  categorical_cross_entropy: 'categorical_crossentropy',
  sparse_categorical_cross_entropy: 'sparse_categorical_crossentropy',
};

const LOSSES: Record<string, LossFn> = {
  binary_crossentropy: (y, p) => binaryCrossentropy(y, p),
  categorical_crossentropy: (y, p) => categoricalCrossentropy(y, p),
  sparse_categorical_crossentropy: (y, p) => sparseCategoricalCrossentropy(y, p),
  mean_squared_error: meanSquaredError,
  mean_absolute_error: meanAbsoluteError,
};

/** Keras loss classes with `fromLogits`, e.g. `new BinaryCrossentropy({ fromLogits: true })`. */
export class BinaryCrossentropy extends Loss {
  constructor(opts: { fromLogits?: boolean } = {}) {
    const fromLogits = opts.fromLogits ?? false;
    super('binary_crossentropy', (y, p) => binaryCrossentropy(y, p, fromLogits), { from_logits: fromLogits });
  }
}

export class CategoricalCrossentropy extends Loss {
  constructor(opts: { fromLogits?: boolean } = {}) {
    const fromLogits = opts.fromLogits ?? false;
    super('categorical_crossentropy', (y, p) => categoricalCrossentropy(y, p, fromLogits), {
      from_logits: fromLogits,
    });
  }
}

export class SparseCategoricalCrossentropy extends Loss {
  constructor(opts: { fromLogits?: boolean } = {}) {
    const fromLogits = opts.fromLogits ?? false;
    super('sparse_categorical_crossentropy', (y, p) => sparseCategoricalCrossentropy(y, p, fromLogits), {
      from_logits: fromLogits,
    });
  }
}

export class MeanSquaredError extends Loss {
  constructor() {
    super('mean_squared_error', meanSquaredError);
  }
}

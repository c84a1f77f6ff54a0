import { ValueError } from '../errors.js';
import { toSnakeCase } from '../naming.js';
import { mean } from '../ops/reduce.js';
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

  /** The mean loss over the batch, as a scalar tensor. */
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return mean(this.fn(yTrue, yPred));
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

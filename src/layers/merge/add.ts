import { add } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { baseArgsFromConfig, type LayerArgs } from '../layer.js';
import { ElementwiseMerge } from './merge.js';

/**
 * Adds a list of tensors elementwise (`keras.layers.Add`), e.g. a residual connection.
 *
 * @example
 * import { Add, Dense, Input, Model } from 'tensile';
 * const x = Input({ shape: [8] });
 * const y = new Add().apply([x, new Dense(8).apply(x)]);
 * const model = new Model({ inputs: x, outputs: y });
 */
export class Add extends ElementwiseMerge {
  readonly className = 'Add';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    return inputs.reduce((a, b) => add(a, b));
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Add {
    return new Add(baseArgsFromConfig(config));
  }
}

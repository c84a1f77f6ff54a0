import { add, div } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { baseArgsFromConfig, type LayerArgs } from '../layer.js';
import { ElementwiseMerge } from './merge.js';

/**
 * The elementwise mean of a list of tensors (`keras.layers.Average`): the sum divided by the count.
 *
 * @example
 * import { Average, Dense, Input } from 'tensile';
 * const x = Input({ shape: [4] });
 * const ensemble = new Average().apply([new Dense(2).apply(x), new Dense(2).apply(x)]);
 */
export class Average extends ElementwiseMerge {
  readonly className = 'Average';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    // Sum then divide, in Keras' order, so results match it bit for bit in float32.
    return div(
      inputs.reduce((a, b) => add(a, b)),
      inputs.length,
    );
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Average {
    return new Average(baseArgsFromConfig(config));
  }
}

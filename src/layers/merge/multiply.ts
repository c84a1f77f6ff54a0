import { mul } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { baseArgsFromConfig, type LayerArgs } from '../layer.js';
import { ElementwiseMerge } from './merge.js';

/**
 * Multiplies a list of tensors elementwise (`keras.layers.Multiply`), e.g. a gate.
 *
 * @example
 * import { Multiply, Dense, Input } from 'tensile';
 * const x = Input({ shape: [8] });
 * const gated = new Multiply().apply([x, new Dense(8, { activation: 'sigmoid' }).apply(x)]);
 */
export class Multiply extends ElementwiseMerge {
  readonly className = 'Multiply';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    return inputs.reduce((a, b) => mul(a, b));
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Multiply {
    return new Multiply(baseArgsFromConfig(config));
  }
}

import { maximum, minimum } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { baseArgsFromConfig, type LayerArgs } from '../layer.js';
import { ElementwiseMerge } from './merge.js';

/**
 * The elementwise maximum of a list of tensors (`keras.layers.Maximum`); NaN wins, as in numpy.
 *
 * @example
 * import { Maximum, Input } from 'tensile';
 * console.log(new Maximum().apply([Input({ shape: [4] }), Input({ shape: [4] })]).shape); // [null, 4]
 */
export class Maximum extends ElementwiseMerge {
  readonly className = 'Maximum';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    return inputs.reduce((a, b) => maximum(a, b));
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Maximum {
    return new Maximum(baseArgsFromConfig(config));
  }
}

/**
 * The elementwise minimum of a list of tensors (`keras.layers.Minimum`); NaN wins, as in numpy.
 *
 * @example
 * import { Minimum, Input } from 'tensile';
 * console.log(new Minimum().apply([Input({ shape: [4] }), Input({ shape: [4] })]).shape); // [null, 4]
 */
export class Minimum extends ElementwiseMerge {
  readonly className = 'Minimum';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    return inputs.reduce((a, b) => minimum(a, b));
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Minimum {
    return new Minimum(baseArgsFromConfig(config));
  }
}

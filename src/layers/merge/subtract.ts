import { sub } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { baseArgsFromConfig, type LayerArgs, type SymbolicShape } from '../layer.js';
import { ElementwiseMerge } from './merge.js';

/**
 * The difference of exactly two tensors, first minus second (`keras.layers.Subtract`).
 *
 * @example
 * import { Subtract, Input } from 'tensile';
 * const diff = new Subtract().apply([Input({ shape: [4] }), Input({ shape: [4] })]);
 * console.log(diff.shape); // [null, 4]
 */
export class Subtract extends ElementwiseMerge {
  readonly className = 'Subtract';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected override mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    if (shapes.length !== 2) throw this.shapeError(shapes, `takes exactly 2 inputs, got ${shapes.length}`);
    return super.mergedShape(shapes);
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    return sub(inputs[0]!, inputs[1]!);
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Subtract {
    return new Subtract(baseArgsFromConfig(config));
  }
}

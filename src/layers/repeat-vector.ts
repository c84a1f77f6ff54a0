import { ShapeError } from '../errors.js';
import { broadcastTo, expandDims } from '../ops/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  baseArgsFromConfig,
  type CallContext,
  Layer,
  type LayerArgs,
  requirePositiveInt,
  type SymbolicShape,
} from './layer.js';

/**
 * Keras' RepeatVector: [batch, features] → [batch, n, features], each sample repeated n times (the
 * bridge from an encoder's vector to a decoder's sequence).
 *
 * @example
 * import { RepeatVector, tensor } from 'tensile';
 * const y = new RepeatVector(3).apply(tensor([[1, 2]]));
 * console.log(y.shape, Array.from(y.dataSync())); // [1, 3, 2] [1, 2, 1, 2, 1, 2]
 */
export class RepeatVector extends Layer {
  readonly className = 'RepeatVector';
  readonly n: number;

  constructor(n: number, args: LayerArgs = {}) {
    super(args);
    this.n = requirePositiveInt('RepeatVector', 'n', n);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 2)
      throw new ShapeError(
        this.describe(),
        [inputShape.map((d) => d ?? -1)],
        'expected inputs [batch, features]',
      );
    return [inputShape[0] ?? null, this.n, inputShape[1] ?? null];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    if (x.rank !== 2) throw new ShapeError(this.describe(), [x.shape], 'expected inputs [batch, features]');
    // broadcastTo records an add, so the gradient sums the n copies back into each sample.
    return broadcastTo(expandDims(x, 1), [x.shape[0]!, this.n, x.shape[1]!]);
  }

  static fromConfig(config: Record<string, unknown>): RepeatVector {
    return new RepeatVector(config.n as number, baseArgsFromConfig(config));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}

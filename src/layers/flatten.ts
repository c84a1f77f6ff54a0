import { ShapeError, ValueError } from '../errors.js';
import { reshape } from '../ops/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Flattens each sample to one dim, [batch, ...] → [batch, product], in row-major (channels-last)
 * order as Keras does, so a following Dense kernel has Keras' row order.
 *
 * @example
 * import { Flatten, tensor } from 'tensile';
 * console.log(new Flatten().apply(tensor(new Float32Array(24), [2, 3, 4])).shape); // [2, 12]
 */
export class Flatten extends Layer {
  readonly className = 'Flatten';

  constructor(args: LayerArgs & { dataFormat?: 'channels_last' | 'channels_first' } = {}) {
    super(args);
    if ((args.dataFormat ?? 'channels_last') !== 'channels_last') {
      throw new ValueError(
        `Flatten: dataFormat '${args.dataFormat}' is not supported; Tensile is channels_last`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const rest = inputShape.slice(1);
    const known = rest.every((d) => d !== null);
    return [inputShape[0]!, known ? (rest as number[]).reduce((p, d) => p * d, 1) : null];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    if (x.rank < 1)
      throw new ShapeError(`layer '${this.name}' (Flatten)`, [x.shape], 'expected a batch dimension');
    return x.rank === 2 ? x : reshape(x, [x.shape[0]!, x.size / Math.max(x.shape[0]!, 1)]);
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Flatten {
    const dataFormat = (config.data_format as 'channels_last' | null | undefined) ?? 'channels_last';
    return new Flatten({ ...baseArgsFromConfig(config), dataFormat });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last' };
  }
}

import { ShapeError, ValueError } from '../errors.js';
import { castTo } from '../ops/core.js';
import { div, mul } from '../ops/elementwise.js';
import { expandDims } from '../ops/layout.js';
import { max, mean, sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { kerasAutoName } from './conv-base.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import { getKerasMask } from './rnn/masking.js';

/**
 * Options of the global pooling layers (Keras' names and defaults).
 *
 * @example
 * import { GlobalAveragePooling2D } from 'tensile';
 * const pool = new GlobalAveragePooling2D({ keepdims: true });
 */
export interface GlobalPoolingArgs extends LayerArgs {
  /** Keep the pooled spatial dims as size 1 (Keras' `keepdims`, default false). */
  keepdims?: boolean;
  /** Only 'channels_last' (Keras' default). */
  dataFormat?: 'channels_last' | 'channels_first';
}

/**
 * Max or mean over every spatial position of [batch, ...spatial, channels] inputs.
 *
 * @example
 * import { GlobalMaxPooling1D } from 'tensile';
 * console.log(new GlobalMaxPooling1D().keepdims); // false
 */
export abstract class GlobalPooling extends Layer {
  readonly keepdims: boolean;
  protected abstract readonly rank: number;
  protected abstract readonly mode: 'max' | 'avg';

  constructor(args: GlobalPoolingArgs = {}) {
    super({ ...args, name: args.name ?? kerasAutoName(new.target.name) });
    this.keepdims = args.keepdims ?? false;
    if ((args.dataFormat ?? 'channels_last') !== 'channels_last') {
      throw new ValueError(
        `${this.constructor.name}: dataFormat '${args.dataFormat}' is not supported; Tensile is channels_last`,
      );
    }
  }

  private get axes(): number[] {
    return this.rank === 1 ? [1] : [1, 2];
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const c = inputShape[inputShape.length - 1]!;
    return this.keepdims ? [inputShape[0]!, ...this.axes.map(() => 1), c] : [inputShape[0]!, c];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    if (x.rank !== this.rank + 2) {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [x.shape],
        `expected rank ${this.rank + 2} inputs`,
      );
    }
    const mask = this.rank === 1 ? getKerasMask(x) : null;
    if (this.mode === 'max') return max(x, this.axes, this.keepdims);
    if (!mask) return mean(x, this.axes, this.keepdims);
    // Keras' GlobalAveragePooling1D averages only the unmasked steps.
    const m = expandDims(castTo(mask, 'float32'), -1);
    return div(sum(mul(x, m), 1, this.keepdims), sum(m, 1, this.keepdims));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last', keepdims: this.keepdims };
  }

  /** The constructor arguments a Keras config describes. */
  protected static globalArgs(config: Record<string, unknown>): GlobalPoolingArgs {
    return {
      ...baseArgsFromConfig(config),
      keepdims: (config.keepdims as boolean | undefined) ?? false,
      dataFormat: (config.data_format as 'channels_last' | undefined) ?? 'channels_last',
    };
  }
}

/**
 * Mean over the steps of [batch, steps, channels] (masked steps are left out, as in Keras).
 *
 * @example
 * import { GlobalAveragePooling1D, tensor } from 'tensile';
 * console.log(Array.from(new GlobalAveragePooling1D().apply(tensor([1, 2, 3, 6], [1, 2, 2])).dataSync())); // [2, 4]
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling1D';
  protected readonly rank = 1;
  protected readonly mode = 'avg';
  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(GlobalPooling.globalArgs(config));
  }
}

/**
 * Mean over rows and cols of [batch, rows, cols, channels].
 *
 * @example
 * import { GlobalAveragePooling2D, tensor } from 'tensile';
 * console.log(Array.from(new GlobalAveragePooling2D().apply(tensor([1, 2, 3, 6], [1, 2, 2, 1])).dataSync())); // [3]
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling2D';
  protected readonly rank = 2;
  protected readonly mode = 'avg';
  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(GlobalPooling.globalArgs(config));
  }
}

/**
 * Max over the steps of [batch, steps, channels].
 *
 * @example
 * import { GlobalMaxPooling1D, tensor } from 'tensile';
 * console.log(Array.from(new GlobalMaxPooling1D().apply(tensor([1, 2, 3, 6], [1, 2, 2])).dataSync())); // [3, 6]
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling1D';
  protected readonly rank = 1;
  protected readonly mode = 'max';
  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(GlobalPooling.globalArgs(config));
  }
}

/**
 * Max over rows and cols of [batch, rows, cols, channels].
 *
 * @example
 * import { GlobalMaxPooling2D, tensor } from 'tensile';
 * console.log(new GlobalMaxPooling2D({ keepdims: true }).apply(tensor([1, 2, 3, 6], [1, 2, 2, 1])).shape); // [1, 1, 1, 1]
 */
export class GlobalMaxPooling2D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling2D';
  protected readonly rank = 2;
  protected readonly mode = 'max';
  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(GlobalPooling.globalArgs(config));
  }
}

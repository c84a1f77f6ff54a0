import { ShapeError, ValueError } from '../errors.js';
import { reshape } from '../ops/layout.js';
import { avgPool2d, maxPool2d } from '../ops/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { kerasAutoName, type SpatialSize, spatial } from './conv-base.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Options of the pooling layers, with Keras' names and defaults: strides default to the pool size.
 *
 * @example
 * import { MaxPooling2D } from 'tensile';
 * const pool = new MaxPooling2D(2, { strides: 1, padding: 'same' });
 */
export interface PoolingArgs extends LayerArgs {
  strides?: SpatialSize | null;
  padding?: 'valid' | 'same';
  /** Only 'channels_last' (Keras' default). */
  dataFormat?: 'channels_last' | 'channels_first';
}

/**
 * What the four window-pooling layers share: options, output shape, config. A 1-D pool runs as a
 * 2-D pool of height 1.
 *
 * @example
 * import { AveragePooling1D } from 'tensile';
 * console.log(new AveragePooling1D(3).poolSize); // [3]
 */
export abstract class Pooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  protected abstract readonly mode: 'max' | 'avg';

  constructor(rank: number, poolSize: SpatialSize, args: PoolingArgs) {
    super({ ...args, name: args.name ?? kerasAutoName(new.target.name) });
    // Subclass fields (className) are not set yet while the base constructor runs.
    const cls = this.constructor.name;
    this.poolSize = spatial(cls, 'poolSize', poolSize, rank);
    this.strides = spatial(cls, 'strides', args.strides ?? this.poolSize, rank);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') {
      throw new ValueError(`${cls}: padding must be 'valid' or 'same', got '${String(this.padding)}'`);
    }
    if ((args.dataFormat ?? 'channels_last') !== 'channels_last') {
      throw new ValueError(
        `${cls}: dataFormat '${args.dataFormat}' is not supported; Tensile is channels_last`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const dims = inputShape.slice(1, -1).map((n, i) => {
      if (n === null) return null;
      const [k, s] = [this.poolSize[i]!, this.strides[i]!];
      return this.padding === 'valid' ? Math.floor((n - k) / s) + 1 : Math.ceil(n / s);
    });
    return [inputShape[0]!, ...dims, inputShape[inputShape.length - 1]!];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const rank = this.poolSize.length;
    if (x.rank !== rank + 2) {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [x.shape],
        `expected rank ${rank + 2} inputs`,
      );
    }
    const pool = this.mode === 'max' ? maxPool2d : avgPool2d;
    if (rank === 2) {
      const [ph, pw] = this.poolSize as [number, number];
      const [sh, sw] = this.strides as [number, number];
      return pool(x, { poolSize: [ph, pw], strides: [sh, sw], padding: this.padding });
    }
    const [n, steps, c] = x.shape as [number, number, number];
    const opts = { poolSize: [1, this.poolSize[0]!] as const, strides: [1, this.strides[0]!] as const };
    const y = pool(reshape(x, [n, 1, steps, c]), { ...opts, padding: this.padding });
    return reshape(y, [n, y.shape[2]!, c]);
  }

  /** The constructor arguments a Keras config describes. */
  protected static poolArgs(config: Record<string, unknown>): PoolingArgs {
    return {
      ...baseArgsFromConfig(config),
      strides: (config.strides as SpatialSize | null | undefined) ?? null,
      padding: (config.padding as 'valid' | 'same' | undefined) ?? 'valid',
      dataFormat: (config.data_format as 'channels_last' | undefined) ?? 'channels_last',
    };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      pool_size: [...this.poolSize],
      padding: this.padding,
      strides: [...this.strides],
      data_format: 'channels_last',
    };
  }
}

/**
 * Max over pool windows of [batch, rows, cols, channels] inputs (Keras' MaxPooling2D).
 *
 * @example
 * import { MaxPooling2D, tensor } from 'tensile';
 * const y = new MaxPooling2D(2).apply(tensor([1, 5, 3, 2], [1, 2, 2, 1]));
 * console.log(Array.from(y.dataSync())); // [5]
 */
export class MaxPooling2D extends Pooling {
  readonly className = 'MaxPooling2D';
  protected readonly mode = 'max';
  constructor(poolSize: SpatialSize = 2, args: PoolingArgs = {}) {
    super(2, poolSize, args);
  }
  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): MaxPooling2D {
    return new MaxPooling2D((config.pool_size as SpatialSize | undefined) ?? 2, Pooling.poolArgs(config));
  }
}

/**
 * Mean over pool windows of [batch, rows, cols, channels] inputs (Keras' AveragePooling2D; with
 * 'same' padding the padded cells are not counted).
 *
 * @example
 * import { AveragePooling2D, tensor } from 'tensile';
 * const y = new AveragePooling2D(2).apply(tensor([1, 5, 3, 3], [1, 2, 2, 1]));
 * console.log(Array.from(y.dataSync())); // [3]
 */
export class AveragePooling2D extends Pooling {
  readonly className = 'AveragePooling2D';
  protected readonly mode = 'avg';
  constructor(poolSize: SpatialSize = 2, args: PoolingArgs = {}) {
    super(2, poolSize, args);
  }
  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): AveragePooling2D {
    return new AveragePooling2D((config.pool_size as SpatialSize | undefined) ?? 2, Pooling.poolArgs(config));
  }
}

/**
 * Max over windows along the steps of [batch, steps, channels] inputs (Keras' MaxPooling1D).
 *
 * @example
 * import { MaxPooling1D, tensor } from 'tensile';
 * const y = new MaxPooling1D(2).apply(tensor([1, 5, 3, 2], [1, 4, 1]));
 * console.log(Array.from(y.dataSync())); // [5, 3]
 */
export class MaxPooling1D extends Pooling {
  readonly className = 'MaxPooling1D';
  protected readonly mode = 'max';
  constructor(poolSize: SpatialSize = 2, args: PoolingArgs = {}) {
    super(1, poolSize, args);
  }
  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): MaxPooling1D {
    return new MaxPooling1D((config.pool_size as SpatialSize | undefined) ?? 2, Pooling.poolArgs(config));
  }
}

/**
 * Mean over windows along the steps of [batch, steps, channels] inputs (Keras' AveragePooling1D).
 *
 * @example
 * import { AveragePooling1D, tensor } from 'tensile';
 * const y = new AveragePooling1D(2).apply(tensor([1, 5, 3, 2], [1, 4, 1]));
 * console.log(Array.from(y.dataSync())); // [3, 2.5]
 */
export class AveragePooling1D extends Pooling {
  readonly className = 'AveragePooling1D';
  protected readonly mode = 'avg';
  constructor(poolSize: SpatialSize = 2, args: PoolingArgs = {}) {
    super(1, poolSize, args);
  }
  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): AveragePooling1D {
    return new AveragePooling1D((config.pool_size as SpatialSize | undefined) ?? 2, Pooling.poolArgs(config));
  }
}

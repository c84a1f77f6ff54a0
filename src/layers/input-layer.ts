import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer } from './layer.js';

/**
 * Declares the shape of one sample, like `keras.Input(shape=...)`. As a Sequential model's first
 * layer it sets the input shape and is not listed among the model's layers (as in Keras).
 *
 * @example
 * import { InputLayer, Dense, Sequential } from 'tensile';
 * const model = new Sequential([new InputLayer({ shape: [784] }), new Dense(10)]);
 */
export class InputLayer extends Layer {
  readonly className = 'InputLayer';

  constructor(args: { shape: readonly number[]; batchSize?: number; name?: string }) {
    super({ name: args.name, inputShape: args.shape, batchSize: args.batchSize });
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return x;
  }

  static fromConfig(config: Record<string, unknown>): InputLayer {
    const base = baseArgsFromConfig(config);
    return new InputLayer({ shape: base.inputShape ?? [], batchSize: base.batchSize, name: base.name });
  }

  override getConfig(): Record<string, unknown> {
    return {
      batch_shape: [this.batchSizeArg ?? null, ...(this.inputShapeArg ?? [])],
      dtype: 'float32',
      sparse: false,
      name: this.name,
    };
  }
}

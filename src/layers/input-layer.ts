import { ValueError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer } from './layer.js';
import { Node, type SymbolicTensor } from './symbolic.js';

/**
 * Options of Input and InputLayer.
 *
 * @example
 * import { Input } from 'tensile';
 * const tokens = Input({ shape: [100], dtype: 'int32', name: 'tokens' });
 */
export interface InputArgs {
  /** Shape of one sample (no batch dimension); `null` for a dimension of any size. */
  shape: readonly (number | null)[];
  batchSize?: number;
  name?: string;
  /**
   * 'float32' (default), 'int32' (token indices for an Embedding) or 'uint8' (raw bytes such as
   * images; the model computes in float32, as Keras layers cast their inputs to their compute dtype).
   */
  dtype?: DType;
}

/**
 * Declares the shape of one sample, like `keras.layers.InputLayer`. It makes the symbolic tensor
 * (`layer.output`) a Functional model starts from. As a Sequential model's first layer it sets the
 * input shape and is not listed among the model's layers (as in Keras).
 *
 * @example
 * import { InputLayer, Dense, Sequential } from 'tensile';
 * const model = new Sequential([new InputLayer({ shape: [784] }), new Dense(10)]);
 */
export class InputLayer extends Layer {
  readonly className = 'InputLayer';
  readonly dtype: DType;

  constructor(args: InputArgs) {
    if (!Array.isArray(args?.shape))
      throw new ValueError(`InputLayer: shape must be an array of sizes, got ${String(args?.shape)}`);
    super({ name: args.name, inputShape: args.shape as number[], batchSize: args.batchSize });
    this.dtype = args.dtype ?? 'float32';
    this.built = true;
    this.builtInputShape = [args.batchSize ?? null, ...args.shape];
    new Node(this, [], false, [this.builtInputShape], this.dtype);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return x;
  }

  static fromConfig(config: Record<string, unknown>): InputLayer {
    const base = baseArgsFromConfig(config);
    // Keras 3.x writes the dtype as a string or as a DTypePolicy entry { class_name, config: { name } }.
    const raw = config.dtype as string | { config?: { name?: unknown } } | undefined;
    const name = typeof raw === 'string' ? raw : raw?.config?.name;
    const dtype = name === 'int32' || name === 'int64' ? 'int32' : name === 'uint8' ? 'uint8' : 'float32';
    return new InputLayer({
      shape: base.inputShape ?? [],
      batchSize: base.batchSize,
      name: base.name,
      dtype,
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      batch_shape: [this.batchSizeArg ?? null, ...(this.inputShapeArg ?? [])],
      dtype: this.dtype,
      sparse: false,
      name: this.name,
    };
  }
}

/**
 * A symbolic input tensor for the Functional API, like `keras.Input`.
 *
 * @example
 * import { Input, Dense, Model } from 'tensile';
 * const x = Input({ shape: [4], name: 'features' });
 * const model = new Model({ inputs: x, outputs: new Dense(1).apply(x) });
 * console.log(x.shape, model.inputNames); // [null, 4] [features]
 */
export function Input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).inboundNodes[0]!.outputs[0]!;
}

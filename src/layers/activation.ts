import { type ActivationFn, type ActivationName, getActivation } from '../activations/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs } from './layer.js';
import { getKerasMask, setKerasMask } from './rnn/masking.js';

/**
 * Applies an activation function as its own layer.
 *
 * @example
 * import { Activation, Dense, Sequential } from 'tensile';
 * const model = new Sequential([new Dense(10, { inputShape: [4] }), new Activation('softmax')]);
 */
export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activationName: ActivationName;
  private readonly fn: ActivationFn;

  constructor(activation: ActivationName, args: LayerArgs = {}) {
    super(args);
    this.activationName = activation;
    this.fn = getActivation(activation);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const y = this.fn(x);
    setKerasMask(y, getKerasMask(x)); // Keras' Activation supports masking
    return y;
  }

  static fromConfig(config: Record<string, unknown>): Activation {
    return new Activation(config.activation as ActivationName, baseArgsFromConfig(config));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activationName };
  }
}

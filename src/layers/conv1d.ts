import type { FusedActivation } from '../backend/backend.js';
import { conv1d } from '../ops/conv.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ConvArgs, ConvBase, type SpatialSize } from './conv-base.js';

/**
 * 1-D convolution over [batch, steps, channels] inputs, as Keras' Conv1D: kernel
 * [k, in, filters], bias [filters], padding 'valid', 'same' or 'causal' (left padding only, so step
 * t sees no later steps), strides, dilation and an activation.
 *
 * @example
 * import { Conv1D, Sequential } from 'tensile';
 * const model = new Sequential([new Conv1D(16, 5, { padding: 'causal', dilationRate: 2, inputShape: [100, 8] })]);
 * console.log(model.layers[0].countParams(), model.outputShape); // 656 [null, 100, 16]
 */
export class Conv1D extends ConvBase {
  readonly className = 'Conv1D';

  constructor(filters: number, kernelSize: SpatialSize, args: ConvArgs = {}) {
    super(1, filters, kernelSize, args);
  }

  protected convolve(x: Tensor, act: FusedActivation): Tensor {
    return conv1d(x, this.kernel!, this.bias, {
      strides: this.strides[0]!,
      dilation: this.dilationRate[0]!,
      padding: this.padding,
      activation: act,
    });
  }

  /** Rebuilds a Conv1D layer from its Keras config (the inverse of getConfig). */
  static fromConfig(config: Record<string, unknown>): Conv1D {
    return new Conv1D(
      config.filters as number,
      config.kernel_size as SpatialSize,
      ConvBase.argsFromConfig(config),
    );
  }
}

import type { FusedActivation } from '../backend/backend.js';
import { conv2d } from '../ops/conv.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ConvArgs, ConvBase, type SpatialSize } from './conv-base.js';

/**
 * 2-D convolution over [batch, rows, cols, channels] inputs, as Keras' Conv2D: kernel
 * [kh, kw, in, filters] (glorot_uniform), bias [filters] (zeros), 'valid' or 'same' padding
 * (TensorFlow's split: the extra row/col goes after), strides, dilation and an activation.
 *
 * @example
 * import { Conv2D, Sequential } from 'tensile';
 * const model = new Sequential([new Conv2D(32, 3, { activation: 'relu', padding: 'same', inputShape: [28, 28, 1] })]);
 * console.log(model.layers[0].countParams(), model.outputShape); // 320 [null, 28, 28, 32]
 */
export class Conv2D extends ConvBase {
  readonly className = 'Conv2D';

  constructor(filters: number, kernelSize: SpatialSize, args: ConvArgs = {}) {
    super(2, filters, kernelSize, args);
  }

  protected convolve(x: Tensor, act: FusedActivation): Tensor {
    return conv2d(x, this.kernel!, this.bias, {
      strides: [this.strides[0]!, this.strides[1]!],
      dilation: [this.dilationRate[0]!, this.dilationRate[1]!],
      padding: this.padding,
      activation: act,
    });
  }

  /** Rebuilds a Conv2D layer from its Keras config (the inverse of getConfig). */
  static fromConfig(config: Record<string, unknown>): Conv2D {
    return new Conv2D(
      config.filters as number,
      config.kernel_size as SpatialSize,
      ConvBase.argsFromConfig(config),
    );
  }
}

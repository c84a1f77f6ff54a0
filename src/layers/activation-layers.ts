import { ValueError } from '../errors.js';
import { castTo } from '../ops/core.js';
import { clip, exp, greater, greaterEqual, mul, relu, sub, where } from '../ops/elementwise.js';
import { softmax } from '../ops/nn.js';
import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs } from './layer.js';
import { getKerasMask, setKerasMask } from './rnn/masking.js';

/** A finite number ≥ 0 (or null where allowed), with an error naming the class and option. */
function nonNegative(cls: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ValueError(`${cls}: ${option} must be a number ≥ 0, got ${String(v)}`);
  return v;
}

/**
 * Options of `ReLU`, as Keras' `ReLU(max_value=None, negative_slope=0.0, threshold=0.0)`.
 *
 * @example
 * import { ReLU } from 'tensile';
 * const relu6 = new ReLU({ maxValue: 6 });
 */
export interface ReLUArgs extends LayerArgs {
  maxValue?: number | null;
  negativeSlope?: number;
  threshold?: number;
}

/**
 * Keras' ReLU layer: `maxValue` where x ≥ maxValue, x where threshold ≤ x < maxValue, and
 * negativeSlope·(x − threshold) below the threshold. Computed as Keras 3 composes it (so with a
 * negative threshold, values between it and 0 clip to 0 when maxValue is set, as in Keras).
 *
 * @example
 * import { ReLU, tensor } from 'tensile';
 * const y = new ReLU({ maxValue: 6, negativeSlope: 0.1 }).apply(tensor([-2, 3, 8]));
 * console.log(Array.from(y.dataSync())); // [-0.20000000298023224, 3, 6]
 */
export class ReLU extends Layer {
  readonly className = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue == null ? null : nonNegative('ReLU', 'maxValue', args.maxValue);
    this.negativeSlope = nonNegative('ReLU', 'negativeSlope', args.negativeSlope ?? 0);
    const threshold = args.threshold ?? 0;
    if (!Number.isFinite(threshold))
      throw new ValueError(`ReLU: threshold must be a finite number, got ${threshold}`);
    this.threshold = threshold;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return keepMask(x, this.compute(x));
  }

  private compute(x: Tensor): Tensor {
    const { maxValue, negativeSlope: slope, threshold } = this;
    if (slope !== 0 && maxValue === null && threshold === 0) return leakyRelu(x, slope);
    // keras/src/activations/activations.py ReLU.static_call, step by step.
    let y = threshold !== 0 ? mul(x, castTo(greater(x, threshold), 'float32')) : relu(x);
    if (maxValue !== null) y = clip(y, 0, maxValue);
    if (slope === 0) return y;
    const below = threshold !== 0 ? relu(sub(threshold, x)) : relu(mul(x, -1));
    return sub(y, mul(below, slope));
  }

  static fromConfig(config: Record<string, unknown>): ReLU {
    return new ReLU({
      ...baseArgsFromConfig(config),
      maxValue: (config.max_value as number | null | undefined) ?? null,
      negativeSlope: (config.negative_slope as number | undefined) ?? 0,
      threshold: (config.threshold as number | undefined) ?? 0,
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      max_value: this.maxValue,
      negative_slope: this.negativeSlope,
      threshold: this.threshold,
    };
  }
}

/** Keras' activation layers support masking: a sequence's timestep mask passes on to `y`. */
function keepMask(x: Tensor, y: Tensor): Tensor {
  setKerasMask(y, getKerasMask(x));
  return y;
}

/** x where x ≥ 0, else slope·x (Keras' leaky_relu). */
function leakyRelu(x: Tensor, slope: number): Tensor {
  return where(greaterEqual(x, 0), x, mul(x, slope));
}

/**
 * Keras' LeakyReLU: x where x ≥ 0, else negativeSlope·x (Keras 3's default slope 0.3). Keras 2 files
 * name the slope `alpha`; both load.
 *
 * @example
 * import { LeakyReLU, tensor } from 'tensile';
 * console.log(Array.from(new LeakyReLU({ negativeSlope: 0.5 }).apply(tensor([-2, 3])).dataSync())); // [-1, 3]
 */
export class LeakyReLU extends Layer {
  readonly className = 'LeakyReLU';
  readonly negativeSlope: number;

  constructor(args: LayerArgs & { negativeSlope?: number } = {}) {
    super(args);
    this.negativeSlope = nonNegative('LeakyReLU', 'negativeSlope', args.negativeSlope ?? 0.3);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return keepMask(x, leakyRelu(x, this.negativeSlope));
  }

  static fromConfig(config: Record<string, unknown>): LeakyReLU {
    const slope = (config.negative_slope ?? config.alpha) as number | undefined;
    return new LeakyReLU({ ...baseArgsFromConfig(config), negativeSlope: slope ?? 0.3 });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }
}

/**
 * Keras' ELU layer: x where x > 0, else alpha·(eˣ − 1).
 *
 * @example
 * import { ELU, tensor } from 'tensile';
 * console.log(Array.from(new ELU({ alpha: 2 }).apply(tensor([0, 1])).dataSync())); // [0, 1]
 */
export class ELU extends Layer {
  readonly className = 'ELU';
  readonly alpha: number;

  constructor(args: LayerArgs & { alpha?: number } = {}) {
    super(args);
    const alpha = args.alpha ?? 1;
    if (!Number.isFinite(alpha)) throw new ValueError(`ELU: alpha must be a finite number, got ${alpha}`);
    this.alpha = alpha;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    // exp of the clipped value, so large positive inputs do not overflow into the unused branch
    // (an Infinity there would turn the gradient into NaN).
    const negative = mul(sub(exp(clip(x, -Infinity, 0)), 1), this.alpha);
    return keepMask(x, where(greater(x, 0), x, negative));
  }

  static fromConfig(config: Record<string, unknown>): ELU {
    return new ELU({ ...baseArgsFromConfig(config), alpha: (config.alpha as number | undefined) ?? 1 });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

/**
 * Keras' Softmax layer over one axis (default the last). A Keras mask on the input is refused:
 * Keras would add a large negative number at masked positions, which needs a mask of the input's shape.
 *
 * @example
 * import { Softmax, tensor } from 'tensile';
 * console.log(Array.from(new Softmax().apply(tensor([[0, 0]])).dataSync())); // [0.5, 0.5]
 */
export class Softmax extends Layer {
  readonly className = 'Softmax';
  readonly axis: number;

  constructor(args: LayerArgs & { axis?: number } = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis))
      throw new ValueError(`Softmax: axis must be one integer, got ${JSON.stringify(axis)}`);
    this.axis = axis;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    if (getKerasMask(x))
      throw new ValueError(
        `${this.describe()}: inputs with a Keras mask (from Embedding maskZero) are not supported`,
      );
    return softmax(x, this.axis);
  }

  static fromConfig(config: Record<string, unknown>): Softmax {
    return new Softmax({ ...baseArgsFromConfig(config), axis: (config.axis as number | undefined) ?? -1 });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

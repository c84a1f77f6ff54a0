import { type ActivationFn, type ActivationName, getActivation } from '../activations/index.js';
import type { FusedActivation } from '../backend/backend.js';
import { ShapeError, ValueError } from '../errors.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
  serialize,
} from '../initializers/index.js';
import type { ConvPadding } from '../ops/conv-geometry.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import {
  baseArgsFromConfig,
  type CallContext,
  Layer,
  type LayerArgs,
  requirePositiveInt,
  type SymbolicShape,
  uniqueLayerName,
} from './layer.js';

/** A size given as one number for every spatial dim or one per dim, as Keras accepts. */
export type SpatialSize = number | readonly number[];

/**
 * Options of Conv1D and Conv2D, with Keras' names and defaults (channels last only).
 *
 * @example
 * import { Conv2D } from 'tensile';
 * const conv = new Conv2D(32, 3, { activation: 'relu', padding: 'same', inputShape: [28, 28, 1] });
 */
export interface ConvArgs extends LayerArgs {
  strides?: SpatialSize;
  padding?: ConvPadding;
  /** Only 'channels_last' (Keras' default); 'channels_first' is refused by name. */
  dataFormat?: 'channels_last' | 'channels_first';
  dilationRate?: SpatialSize;
  /** Only 1: grouped convolutions are refused by name. */
  groups?: number;
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
}

/** Expands a size to one entry per spatial dim, with an error naming the layer and option. */
export function spatial(cls: string, what: string, v: SpatialSize, rank: number): number[] {
  const out = typeof v === 'number' ? new Array<number>(rank).fill(v) : [...v];
  if (out.length !== rank || out.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ValueError(
      `${cls}: ${what} must be a positive integer or ${rank} of them, got ${JSON.stringify(v)}`,
    );
  }
  return out;
}

/**
 * Keras' automatic layer name for a class ('conv2d', 'max_pooling2d', then 'conv2d_1', ...): Keras'
 * `to_snake_case` keeps a digit and the capital after it together, which the base Layer's does not.
 *
 * @example
 * import { Conv2D, MaxPooling2D, clearSession } from 'tensile';
 * clearSession();
 * console.log(new Conv2D(4, 3).name, new MaxPooling2D().name, new Conv2D(4, 3).name); // conv2d max_pooling2d conv2d_1
 */
export function kerasAutoName(className: string): string {
  return uniqueLayerName(
    className
      .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase(),
  );
}

const REFUSED_IF_SET = [
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
] as const;

/** Activations the conv kernel's fused dense step applies itself (as Dense does). */
const FUSABLE = new Set<string>(['linear', 'relu', 'tanh']);

/**
 * What Conv1D and Conv2D share: Keras options, the kernel [...kernelSize, in, filters] and bias
 * weights, the fused activation, and the config. Subclasses give the rank and the op.
 *
 * @example
 * import { Conv1D, Conv2D } from 'tensile';
 * console.log(new Conv2D(8, 3).kernelSize, new Conv1D(8, 5).kernelSize); // [3, 3] [5]
 */
export abstract class ConvBase extends Layer {
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding;
  readonly dilationRate: number[];
  readonly activationName: ActivationName;
  readonly useBias: boolean;
  protected readonly activation: ActivationFn;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(rank: number, filters: number, kernelSize: SpatialSize, args: ConvArgs) {
    super({ ...args, name: args.name ?? kerasAutoName(new.target.name) });
    const cls = rank === 1 ? 'Conv1D' : 'Conv2D';
    this.filters = requirePositiveInt(cls, 'filters', filters);
    this.kernelSize = spatial(cls, 'kernelSize', kernelSize, rank);
    this.strides = spatial(cls, 'strides', args.strides ?? 1, rank);
    this.dilationRate = spatial(cls, 'dilationRate', args.dilationRate ?? 1, rank);
    this.padding = args.padding ?? 'valid';
    const paddings = rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'];
    if (!paddings.includes(this.padding)) {
      throw new ValueError(
        `${cls}: padding must be one of ${paddings.join(', ')}, got '${String(this.padding)}'`,
      );
    }
    if ((args.dataFormat ?? 'channels_last') !== 'channels_last') {
      throw new ValueError(
        `${cls}: dataFormat '${args.dataFormat}' is not supported; Tensile is channels_last`,
      );
    }
    if ((args.groups ?? 1) !== 1)
      throw new ValueError(`${cls}: groups=${args.groups} is not supported (only 1)`);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      // Keras refuses the combination too.
      throw new ValueError(`${cls}: strides > 1 cannot be combined with dilationRate > 1`);
    }
    this.activationName = args.activation ?? 'linear';
    this.activation = getActivation(this.activationName);
    this.useBias = args.useBias ?? true;
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros');
  }

  override build(inputShape: SymbolicShape): void {
    const rank = this.kernelSize.length;
    const channels = inputShape[inputShape.length - 1];
    if (inputShape.length !== rank + 2 || typeof channels !== 'number') {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [inputShape.map((d) => d ?? -1)],
        `expected inputs [batch, ${rank === 1 ? 'steps' : 'rows, cols'}, channels] with known channels`,
      );
    }
    const out = this.computeOutputShape(inputShape);
    if (out.some((d) => d !== null && d < 1)) {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [inputShape.map((d) => d ?? -1)],
        `a kernel of ${this.kernelSize.join('×')} (dilation ${this.dilationRate.join('×')}) does not fit with padding '${this.padding}'`,
      );
    }
    this.kernel = this.addWeight('kernel', [...this.kernelSize, channels, this.filters], this.kernelInit);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInit);
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const dims = inputShape.slice(1, -1).map((n, i) => {
      if (n === null) return null;
      const k = (this.kernelSize[i]! - 1) * this.dilationRate[i]! + 1;
      const s = this.strides[i]!;
      return this.padding === 'valid' ? Math.floor((n - k) / s) + 1 : Math.ceil(n / s);
    });
    return [inputShape[0]!, ...dims, this.filters];
  }

  /** The convolution op with the given fused activation. */
  protected abstract convolve(x: Tensor, act: FusedActivation): Tensor;

  call(x: Tensor, _ctx: CallContext): Tensor {
    if (x.rank !== this.kernelSize.length + 2) {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [x.shape],
        `expected rank ${this.kernelSize.length + 2} inputs`,
      );
    }
    this.checkInputDim(x, this.kernel!.shape[this.kernelSize.length]!);
    const fused = FUSABLE.has(this.activationName);
    const y = this.convolve(x, (fused ? this.activationName : 'linear') as FusedActivation);
    return fused ? y : this.activation(y);
  }

  /** The constructor arguments a Keras config describes (shared by both ranks' fromConfig). */
  protected static argsFromConfig(config: Record<string, unknown>): ConvArgs {
    // These change training; Tensile has none of them, so a file that sets one is refused by name.
    for (const key of REFUSED_IF_SET) {
      if (config[key] !== undefined && config[key] !== null) {
        throw new ValueError(
          `${String(config.name)}: '${key}' is set (${JSON.stringify(config[key])}); Tensile does not support it`,
        );
      }
    }
    return {
      ...baseArgsFromConfig(config),
      strides: (config.strides as SpatialSize | undefined) ?? 1,
      padding: (config.padding as ConvPadding | undefined) ?? 'valid',
      dataFormat: (config.data_format as 'channels_last' | undefined) ?? 'channels_last',
      dilationRate: (config.dilation_rate as SpatialSize | undefined) ?? 1,
      groups: (config.groups as number | undefined) ?? 1,
      activation: (config.activation as ActivationName | undefined) ?? 'linear',
      useBias: (config.use_bias as boolean | undefined) ?? true,
      kernelInitializer: (config.kernel_initializer as InitializerIdentifier | undefined) ?? 'glorot_uniform',
      biasInitializer: (config.bias_initializer as InitializerIdentifier | undefined) ?? 'zeros',
    };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: [...this.dilationRate],
      groups: 1,
      activation: this.activationName,
      use_bias: this.useBias,
      kernel_initializer: serialize(this.kernelInit),
      bias_initializer: serialize(this.biasInit),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }
}

import { type ActivationFn, type ActivationName, getActivation } from '../activations/index.js';
import type { FusedActivation } from '../backend/backend.js';
import { ShapeError } from '../errors.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
  serialize,
} from '../initializers/index.js';
import { reshape } from '../ops/layout.js';
import { dense as denseOp } from '../ops/nn.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import {
  baseArgsFromConfig,
  type CallContext,
  Layer,
  type LayerArgs,
  requirePositiveInt,
  type SymbolicShape,
} from './layer.js';
import { getKerasMask, setKerasMask } from './rnn/masking.js';

export interface DenseArgs extends LayerArgs {
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
}

/**
 * Activations the fused dense kernel applies itself. Sigmoid fuses too when nothing can ask for the
 * logits (a hidden layer of a model); softmax always runs separately.
 */
const FUSABLE = new Set<string>(['linear', 'relu', 'tanh']);

/**
 * A densely connected layer: `activation(x · kernel + bias)`, applied to the last axis.
 *
 * @example
 * import { Dense, Sequential } from 'tensile';
 * const model = new Sequential([new Dense(64, { activation: 'relu', inputShape: [784] }), new Dense(10, { activation: 'softmax' })]);
 */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activationName: ActivationName;
  readonly useBias: boolean;
  private readonly activation: ActivationFn;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(units: number, args: DenseArgs = {}) {
    super(args);
    this.units = requirePositiveInt('Dense', 'units', units);
    this.activationName = args.activation ?? 'linear';
    this.activation = getActivation(this.activationName);
    this.useBias = args.useBias ?? true;
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros');
  }

  override build(inputShape: SymbolicShape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (typeof inputDim !== 'number') {
      throw new ShapeError(
        `layer '${this.name}' (Dense)`,
        [inputShape.map((d) => d ?? -1)],
        'the last input dimension must be known',
      );
    }
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.kernelInit);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInit);
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    this.checkInputDim(x, this.kernel!.shape[0]!);
    // Dense acts on the last axis: fold leading dims into one batch dim for the fused kernel.
    const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]!]);
    const fused =
      FUSABLE.has(this.activationName) || (this.activationName === 'sigmoid' && ctx.logitsNeeded === false);
    const act = (fused ? this.activationName : 'linear') as FusedActivation;
    let y = denseOp(flat, this.kernel!, this.bias, act);
    if (!fused) y = this.activation(y);
    if (x.rank === 2) return y;
    const out = reshape(y, [...x.shape.slice(0, -1), this.units]);
    // Keras' Dense supports masking: a sequence's timestep mask passes on (losses then skip masked steps).
    setKerasMask(out, getKerasMask(x));
    return out;
  }

  /** Rebuilds a Dense layer from its Keras config (the inverse of getConfig). */
  static fromConfig(config: Record<string, unknown>): Dense {
    return new Dense(config.units as number, {
      ...baseArgsFromConfig(config),
      activation: (config.activation as ActivationName | undefined) ?? 'linear',
      useBias: (config.use_bias as boolean | undefined) ?? true,
      kernelInitializer: (config.kernel_initializer as InitializerIdentifier | undefined) ?? 'glorot_uniform',
      biasInitializer: (config.bias_initializer as InitializerIdentifier | undefined) ?? 'zeros',
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationName,
      use_bias: this.useBias,
      kernel_initializer: serialize(this.kernelInit),
      bias_initializer: serialize(this.biasInit),
      kernel_regularizer: null,
      bias_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }
}

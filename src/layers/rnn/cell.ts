import { type ActivationFn, type ActivationName, getActivation } from '../../activations/index.js';
import type { RnnCellKind } from '../../backend/backend.js';
import { ValueError } from '../../errors.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
  serialize,
} from '../../initializers/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { requirePositiveInt } from '../layer.js';

/**
 * The weights a cell computes with (Keras layout; the layer's Variables, or any tensors in tests).
 *
 * @example
 * // const w: CellWeights = { kernel, recurrentKernel, bias: null };
 */
export interface CellWeights {
  readonly kernel: Tensor;
  readonly recurrentKernel: Tensor;
  readonly bias: Tensor | null;
}

/**
 * Dropout multipliers of one sequence ([batch, input] and [batch, units]), or null when off.
 *
 * @example
 * // cell.step(x, states, weights, { input: null, recurrent: null })
 */
export interface StepDropout {
  readonly input: Tensor | null;
  readonly recurrent: Tensor | null;
}

/** Creates a named layer weight (the RNN layer passes its own `addWeight`). */
export type AddWeight = (name: string, shape: readonly number[], init: InitializerIdentifier) => Variable;

/**
 * Options shared by the recurrent cells, with Keras' defaults.
 *
 * @example
 * import { LSTM } from 'tensile';
 * const lstm = new LSTM(8, { activation: 'tanh', kernelInitializer: 'glorot_uniform', dropout: 0.3 });
 */
export interface CellArgs {
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** Fraction of the inputs dropped (one mask per sequence, shared by every step and gate). */
  dropout?: number;
  /** Fraction of the previous state dropped before the recurrent matmul (one mask per sequence). */
  recurrentDropout?: number;
  /** Seed of the dropout masks (null: drawn from the global generator). */
  seed?: number | null;
}

/**
 * One recurrent step written with ops, plus the whole-sequence fused fast path when it applies.
 *
 * @example
 * import { LSTMCell } from 'tensile';
 * const cell = new LSTMCell(4);
 * console.log(cell.stateCount, cell.units); // 2 4
 */
export interface RecurrentCell {
  readonly units: number;
  /** 1 ([h]) or 2 ([h, c]). */
  readonly stateCount: number;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  /** Declares kernel, recurrent_kernel and bias (in Keras' order) for inputs of `inputDim`. */
  build(inputDim: number, addWeight: AddWeight): CellWeights;
  /** One step: x [batch, input] and the states → the output and the new states. */
  step(x: Tensor, states: readonly Tensor[], w: CellWeights, drop: StepDropout): [Tensor, Tensor[]];
  /** The fused sequence kernel that computes exactly this step, or null (an activation the kernels lack). */
  fusedKind(): RnnCellKind | null;
  /** Keras cell config keys (units ... seed). */
  getConfig(): Record<string, unknown>;
}

function rate(cls: string, what: string, value: number | undefined): number {
  const v = value ?? 0;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1))
    throw new ValueError(`${cls}: ${what} must be in [0, 1], got ${String(value)}`);
  return v;
}

/**
 * What every cell shares: units, activation, bias, initializers, dropout rates, and their config.
 *
 * @example
 * import { SimpleRNNCell } from 'tensile';
 * console.log(new SimpleRNNCell(3).getConfig().activation); // tanh
 */
export abstract class BaseCell {
  readonly units: number;
  readonly activationName: ActivationName;
  protected readonly activation: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;

  constructor(cls: string, units: number, args: CellArgs) {
    this.units = requirePositiveInt(cls, 'units', units);
    this.activationName = args.activation ?? (args.activation === null ? 'linear' : 'tanh');
    this.activation = getActivation(this.activationName);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.dropout = rate(cls, 'dropout', args.dropout);
    this.recurrentDropout = rate(cls, 'recurrentDropout', args.recurrentDropout);
    this.seed = args.seed ?? null;
  }

  /** Config keys in Keras' order: `before` follows activation, `afterBias` the initializers, `tail` the dropout rates. */
  protected cellConfig(
    before: Record<string, unknown>,
    afterBias: Record<string, unknown>,
    tail: Record<string, unknown>,
  ) {
    return {
      units: this.units,
      activation: this.activationName,
      ...before,
      use_bias: this.useBias,
      kernel_initializer: serialize(this.kernelInitializer),
      recurrent_initializer: serialize(this.recurrentInitializer),
      bias_initializer: serialize(this.biasInitializer),
      ...afterBias,
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      ...tail,
      seed: this.seed,
    };
  }
}

/**
 * The CellArgs part of a Keras recurrent layer config. Regularizers and constraints are not
 * supported yet: a config that sets one is rejected rather than silently trained differently.
 *
 * @example
 * // cellArgsFromConfig('LSTM', { units: 4, dropout: 0.5 }).dropout === 0.5
 */
export function cellArgsFromConfig(cls: string, config: Record<string, unknown>): CellArgs {
  for (const key of ['kernel', 'recurrent', 'bias', 'activity'].flatMap((k) => [
    `${k}_regularizer`,
    `${k}_constraint`,
  ])) {
    if (config[key] !== undefined && config[key] !== null)
      throw new ValueError(`${cls}.fromConfig: ${key} is not supported yet`);
  }
  const args: CellArgs = {};
  const take = <K extends keyof CellArgs>(key: K, configKey: string) => {
    if (config[configKey] !== undefined) args[key] = config[configKey] as CellArgs[K];
  };
  take('activation', 'activation');
  take('useBias', 'use_bias');
  take('kernelInitializer', 'kernel_initializer');
  take('recurrentInitializer', 'recurrent_initializer');
  take('biasInitializer', 'bias_initializer');
  take('dropout', 'dropout');
  take('recurrentDropout', 'recurrent_dropout');
  take('seed', 'seed');
  return args;
}

/**
 * Resolves a recurrent activation name (Keras default 'sigmoid'; null means linear).
 *
 * @example
 * // const [name, fn] = recurrentActivationOf(args.recurrentActivation);
 */
export function recurrentActivationOf(
  name: ActivationName | null | undefined,
): [ActivationName, ActivationFn] {
  const n: ActivationName = name === undefined ? 'sigmoid' : (name ?? 'linear');
  return [n, getActivation(n)];
}

import { ShapeError, ValueError } from '../errors.js';
import { getInitializer, type InitializerIdentifier } from '../initializers/index.js';
import { toSnakeCase } from '../naming.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/tensor.js';

/** A shape whose batch dimension (and possibly others) is unknown: Keras' `None`. */
export type SymbolicShape = readonly (number | null)[];

export interface CallContext {
  /** True inside fit's training step: dropout is active, batch norm uses batch statistics. */
  training: boolean;
}

/** Options every layer takes, as in Keras. */
export interface LayerArgs {
  name?: string;
  /** Shape of one sample (no batch dim); only meaningful on a model's first layer. */
  inputShape?: readonly number[];
  batchSize?: number;
  trainable?: boolean;
}

/** A layer weight with what Keras files need to know about it. */
export interface LayerWeight {
  readonly variable: Variable;
  /** Keras' short weight name, e.g. 'kernel', 'bias', 'moving_mean'. */
  readonly name: string;
  readonly trainable: boolean;
}

const nameCounters = new Map<string, number>();

/** Keras names layers 'dense', 'dense_1', ... per class; we do the same. */
export function uniqueLayerName(base: string): string {
  const n = nameCounters.get(base) ?? 0;
  nameCounters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Resets automatic layer names (Keras' `clear_session`). */
export function clearSession(): void {
  nameCounters.clear();
}

/**
 * Base class of all layers. A subclass declares its weights in `build` with `addWeight`, computes
 * in `call` with ops only (gradients come from the tape), and describes itself in `getConfig`.
 */
export abstract class Layer {
  /** Keras class name, used in summaries and saved configs. */
  abstract readonly className: string;
  readonly name: string;
  trainable: boolean;
  built = false;
  readonly inputShapeArg: readonly number[] | undefined;
  readonly batchSizeArg: number | undefined;
  protected readonly layerWeights: LayerWeight[] = [];
  /** Shape this layer was built for (batch dim null). */
  builtInputShape: SymbolicShape | undefined;

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueLayerName(toSnakeCase(this.constructor.name));
    this.trainable = args.trainable ?? true;
    this.inputShapeArg = args.inputShape ? [...args.inputShape] : undefined;
    this.batchSizeArg = args.batchSize;
  }

  /** Creates the weights for inputs of `inputShape`. Layers without weights keep the default. */
  build(inputShape: SymbolicShape): void {
    this.builtInputShape = inputShape;
    this.built = true;
  }

  /** Output shape for an input shape, without computing anything. */
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  /** The layer's computation. Called through `apply`, which builds the layer on first use. */
  abstract call(x: Tensor, ctx: CallContext): Tensor;

  /** Builds if needed (from the input's shape), then calls. */
  apply(x: Tensor, ctx: CallContext = { training: false }): Tensor {
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    return this.call(x, ctx);
  }

  /** Declares a weight; unseeded initializers draw from the global generator (see setRandomSeed). */
  protected addWeight(
    name: string,
    shape: readonly number[],
    initializer: InitializerIdentifier,
    opts: { trainable?: boolean; dtype?: 'float32' | 'int32' } = {},
  ): Variable {
    const init = getInitializer(initializer);
    const trainable = opts.trainable ?? true;
    const variable = new Variable(init.call([...shape], opts.dtype ?? 'float32'), {
      name: `${this.name}/${name}`,
      trainable,
    });
    this.layerWeights.push({ variable, name, trainable });
    return variable;
  }

  /** All weights in creation order (the order Keras saves them in). */
  get weights(): Variable[] {
    return this.layerWeights.map((w) => w.variable);
  }

  get weightEntries(): readonly LayerWeight[] {
    return this.layerWeights;
  }

  get trainableWeights(): Variable[] {
    return this.trainable ? this.layerWeights.filter((w) => w.trainable).map((w) => w.variable) : [];
  }

  get nonTrainableWeights(): Variable[] {
    return this.layerWeights.filter((w) => !this.trainable || !w.trainable).map((w) => w.variable);
  }

  countParams(): number {
    return this.layerWeights.reduce((n, w) => n + w.variable.size, 0);
  }

  /** Keras-style config (snake_case keys, as in Keras' `get_config`), enough to rebuild the layer. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    if (this.inputShapeArg) config.batch_input_shape = [this.batchSizeArg ?? null, ...this.inputShapeArg];
    return config;
  }

  /** Throws a ShapeError naming this layer when the input's last dim is not what it was built for. */
  protected checkInputDim(x: Tensor, expected: number): void {
    if (x.shape[x.rank - 1] !== expected) {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [x.shape],
        `expected last dimension ${expected}, got ${x.shape[x.rank - 1]}`,
      );
    }
  }
}

/**
 * The LayerArgs part of a Keras layer config: name, trainable, and the input shape from
 * `batch_input_shape` (Keras 2) or `batch_shape` (Keras 3 InputLayer style).
 */
export function baseArgsFromConfig(config: Record<string, unknown>): LayerArgs {
  const args: LayerArgs = {};
  if (typeof config.name === 'string') args.name = config.name;
  if (typeof config.trainable === 'boolean') args.trainable = config.trainable;
  const batchShape = (config.batch_input_shape ?? config.batch_shape) as (number | null)[] | undefined;
  if (Array.isArray(batchShape)) {
    args.inputShape = batchShape.slice(1) as number[];
    if (typeof batchShape[0] === 'number') args.batchSize = batchShape[0];
  }
  return args;
}

/** Checks a positional integer argument (units, rates...) with an error naming the layer class. */
export function requirePositiveInt(cls: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${cls}: ${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

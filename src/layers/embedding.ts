import { ValueError } from '../errors.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
  serialize,
} from '../initializers/index.js';
import { castTo } from '../ops/core.js';
import { notEqual } from '../ops/elementwise.js';
import { gather } from '../ops/layout.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { recordEmbeddingLookup } from './embedding-lookup.js';
import {
  baseArgsFromConfig,
  type CallContext,
  Layer,
  type LayerArgs,
  requirePositiveInt,
  type SymbolicShape,
} from './layer.js';
import { setKerasMask } from './rnn/masking.js';

/**
 * Embedding options, with Keras' defaults.
 *
 * @example
 * import { Embedding } from 'tensile';
 * const emb = new Embedding(500, 16, { maskZero: true, inputLength: 100 });
 */
export interface EmbeddingArgs extends LayerArgs {
  /** Default 'uniform': RandomUniform(-0.05, 0.05), as in Keras. */
  embeddingsInitializer?: InitializerIdentifier;
  /** Treat index 0 as padding: the output carries a timestep mask that recurrent layers honour. */
  maskZero?: boolean;
  /** Length of the input sequences (Keras 2); also sets the model's input shape to [inputLength]. */
  inputLength?: number;
}

/**
 * Turns int32 indices [batch, ...] into dense vectors [batch, ..., outputDim] by row lookup in the
 * 'embeddings' weight [inputDim, outputDim]. The gradient is a scatter-add into the looked-up rows.
 * With `maskZero`, the output carries the mask `indices != 0` (read it with `getKerasMask`).
 *
 * @example
 * import { Embedding, tensor } from 'tensile';
 * const emb = new Embedding(10, 4);
 * const out = emb.apply(tensor([[1, 2, 3]], undefined, 'int32'));
 * console.log(out.shape); // [1, 3, 4]
 */
export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | undefined;
  private readonly embeddingsInit: Initializer;
  embeddings: Variable | null = null;

  constructor(inputDim: number, outputDim: number, args: EmbeddingArgs = {}) {
    const inputLength =
      args.inputLength === undefined
        ? undefined
        : requirePositiveInt('Embedding', 'inputLength', args.inputLength);
    super({
      ...args,
      inputShape: args.inputShape ?? (inputLength === undefined ? undefined : [inputLength]),
    });
    this.inputDim = requirePositiveInt('Embedding', 'inputDim', inputDim);
    this.outputDim = requirePositiveInt('Embedding', 'outputDim', outputDim);
    this.maskZero = args.maskZero ?? false;
    this.inputLength = inputLength;
    this.embeddingsInit = getInitializer(args.embeddingsInitializer ?? 'uniform');
  }

  override build(inputShape: SymbolicShape): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.embeddingsInit);
    super.build(inputShape);
  }

  /** Any number of positions fits: the weights depend on the vocabulary, not on the input shape. */
  protected override checkInputShapes(_shapes: readonly SymbolicShape[]): void {}

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape, this.outputDim];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    // Keras casts float indices to int; so do we (a float index like 3.0 is common from numpy data).
    const indices = x.dtype === 'int32' ? x : castTo(x, 'int32', `layer '${this.name}' (Embedding)`);
    this.checkIndices(indices);
    const out = gather(this.embeddings!, indices, 0);
    recordEmbeddingLookup(out, this.embeddings!, indices);
    if (this.maskZero) setKerasMask(out, notEqual(indices, 0));
    return out;
  }

  /** Names the layer, the first bad index, where it is, and the valid range. */
  private checkIndices(indices: Tensor): void {
    // Runs every step, before gather's own (less specific) check; the scan is a wasm kernel there.
    const info = indices.info('Embedding');
    const i = indices.backend.firstIndexOutOfRange(info, this.inputDim);
    if (i < 0) return;
    const v = indices.backend.read(info)[i];
    const at: number[] = [];
    let rest = i;
    for (let d = indices.rank - 1; d >= 0; d--) {
      at.unshift(rest % indices.shape[d]!);
      rest = Math.floor(rest / indices.shape[d]!);
    }
    throw new ValueError(
      `layer '${this.name}' (Embedding): index ${v} at position [${at}] is out of range for inputDim ${this.inputDim} (valid indices are 0..${this.inputDim - 1})`,
    );
  }

  /** Rebuilds an Embedding from its Keras config (the inverse of getConfig). */
  static fromConfig(config: Record<string, unknown>): Embedding {
    for (const key of ['embeddings_regularizer', 'activity_regularizer', 'embeddings_constraint']) {
      if (config[key] !== undefined && config[key] !== null)
        throw new ValueError(`Embedding.fromConfig: ${key} is not supported yet`);
    }
    const inputLength = config.input_length as number | null | undefined;
    return new Embedding(config.input_dim as number, config.output_dim as number, {
      ...baseArgsFromConfig(config),
      embeddingsInitializer:
        (config.embeddings_initializer as InitializerIdentifier | undefined) ?? 'uniform',
      maskZero: (config.mask_zero as boolean | undefined) ?? false,
      ...(typeof inputLength === 'number' ? { inputLength } : {}),
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serialize(this.embeddingsInit),
      embeddings_regularizer: null,
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: this.maskZero,
      ...(this.inputLength === undefined ? {} : { input_length: this.inputLength }),
    };
  }
}

import type { Variable } from '../tensor/tensor.js';

// The types a layer call and a layer's options are made of (layer.ts re-exports them).

export interface CallContext {
  /** True inside fit's training step: dropout is active, batch norm uses batch statistics. */
  training: boolean;
  /**
   * False when no model output comes from this call, so no loss can ask for its logits (Keras'
   * `_keras_logits`): a sigmoid may then fuse into the layer's kernel. Absent means they may be needed.
   */
  logitsNeeded?: boolean;
}

/**
 * Options of `layer.apply`: the call context (training, default false) and, for recurrent layers,
 * the initial states (tensors, or symbolic tensors on a symbolic call).
 *
 * @example
 * // lstm.apply(x, { training: true, initialState: [h, c] })
 */
export interface ApplyOptions<T> extends Partial<CallContext> {
  initialState?: readonly T[];
}

/** The `returnState` type of a layer (false for layers without one). */
type ReturnStateOf<L> = L extends { readonly returnState: infer R } ? R : false;

/**
 * Whether a layer's call returns a list: for a model used as a layer, whether it has several
 * outputs (known at run time only); a recurrent layer's `returnState`; true for a Bidirectional whose
 * `mergeMode` is null (both outputs), boolean when that mode is only known as a MergeMode.
 */
type ReturnsListOf<L> = L extends { readonly outputNames: readonly string[] }
  ? boolean
  : L extends { readonly mergeMode: infer M }
    ? [M] extends [null]
      ? true
      : null extends M
        ? ReturnStateOf<L> extends true
          ? true
          : boolean
        : ReturnStateOf<L>
    : ReturnStateOf<L>;

/**
 * What `apply` returns on a layer of type L with inputs of type T: one T, or a list [output,
 * ...states] when the layer's `returnState` is `true` (e.g. `new LSTM(8, { returnState: true })`)
 * or it is a Bidirectional with `mergeMode: null`, and either when that is only known at run time
 * (a layer loaded from a file, or a model: one tensor per output when it has several).
 *
 * @example
 * // LayerOutput<LSTM<true>, Tensor> is Tensor[]; LayerOutput<Dense, Tensor> is Tensor
 */
export type LayerOutput<L, T> = [ReturnsListOf<L>] extends [true]
  ? T[]
  : [ReturnsListOf<L>] extends [false]
    ? T
    : T | T[];

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

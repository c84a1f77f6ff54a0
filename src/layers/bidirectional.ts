import { makeTensor } from '../engine/engine.js';
import { ValueError } from '../errors.js';
import { add, div, mul } from '../ops/elementwise.js';
import { concat, gather } from '../ops/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import { getKerasMask, setKerasMask } from './rnn/masking.js';
import { RNN } from './rnn/rnn.js';

/** How the forward and backward outputs are combined; null keeps both (see `callBoth`). */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/**
 * Options of Bidirectional, with Keras' names and defaults.
 *
 * @example
 * import { Bidirectional, LSTM } from 'tensile';
 * const bi = new Bidirectional(new LSTM(8, { returnSequences: true }), { mergeMode: 'sum' });
 */
export interface BidirectionalArgs extends LayerArgs {
  /** Default 'concat' (features of the forward output first). */
  mergeMode?: MergeMode;
  /** A recurrent layer to run backwards; by default a copy of `layer` with goBackwards. */
  backwardLayer?: RNN;
}

const MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];

/** A fresh layer of `layer`'s class and config, with some config keys replaced. */
function recreate(layer: RNN, changes: Record<string, unknown>): RNN {
  const { batch_input_shape: _, ...config } = layer.getConfig();
  // Safe: every RNN subclass (SimpleRNN, LSTM, GRU) has the static fromConfig of its own class, which
  // TypeScript cannot express on `constructor` (typed as Function).
  const cls = layer.constructor as unknown as { fromConfig(c: Record<string, unknown>): RNN };
  return cls.fromConfig({ ...config, ...changes });
}

const stripPrefix = (name: string, prefix: string) =>
  name.startsWith(prefix) ? name.slice(prefix.length) : name;

/** Keras' sub-layer name that holds an RNN's weights ('lstm_cell' for LSTM). */
const cellName = (layer: RNN) =>
  `${layer.className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()}_cell`;

/**
 * Runs a recurrent layer over the sequence both ways and merges the two outputs, as Keras'
 * Bidirectional: the forward copy is named 'forward_<layer>', the backward one 'backward_<layer>'
 * (goBackwards), its output sequence is flipped back to time order before merging, masks reach both
 * (masked steps output zeros when returning sequences, as Keras forces), and the weights are the
 * forward layer's then the backward layer's. Each direction runs the backend's fused sequence kernel.
 *
 * With `mergeMode: null`, `apply` returns both outputs `[forward, backward]`, as Keras does. With
 * the wrapped layer's `returnState`, `apply` returns `[output(s), ...forward states, ...backward
 * states]` (LSTM: `[out, h_fwd, c_fwd, h_bwd, c_bwd]`), and `apply(x, { initialState })` takes the
 * states in that order: the first half goes to the forward layer, the second to the backward one,
 * as Keras splits them.
 *
 * @example
 * import { Bidirectional, LSTM, Sequential, Embedding, Dense } from 'tensile';
 * const model = new Sequential([new Embedding(500, 16, { inputShape: [100] }), new Bidirectional(new LSTM(8)), new Dense(1, { activation: 'sigmoid' })]);
 * console.log(model.layers[1].countParams(), model.outputShape); // 1600 [null, 1]
 */
export class Bidirectional<
  R extends boolean = false,
  M extends MergeMode = Exclude<MergeMode, null>,
> extends Layer {
  readonly className = 'Bidirectional';
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  /** How the outputs are merged; null keeps both (`apply` then returns a list, as Keras). */
  readonly mergeMode: M;
  /** With the wrapped layer's returnState: forward states then backward states of the latest call. */
  lastStates: Tensor[] | null = null;

  constructor(layer: RNN<R>, args: BidirectionalArgs & { mergeMode?: M } = {}) {
    super({ ...args, inputShape: args.inputShape ?? layer.inputShapeArg });
    if (!(layer instanceof RNN)) {
      throw new ValueError(
        `Bidirectional: expected a recurrent layer (SimpleRNN, LSTM, GRU), got ${String(layer)}`,
      );
    }
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!MODES.includes(mode)) {
      throw new ValueError(
        `Bidirectional: mergeMode must be 'concat', 'sum', 'mul', 'ave' or null, got '${mode}'`,
      );
    }
    // Safe: M is the type of args.mergeMode, and a non-null mode ('concat') when it is absent.
    this.mergeMode = mode as M;
    // Keras forces zero outputs at masked steps when returning sequences, so the flipped backward
    // sequence lines up with the forward one.
    const zero = { zero_output_for_mask: layer.returnSequences };
    this.forwardLayer = recreate(layer, { ...zero, name: `forward_${stripPrefix(layer.name, 'forward_')}` });
    const backward = args.backwardLayer;
    if (backward !== undefined && !(backward instanceof RNN)) {
      throw new ValueError(`Bidirectional: backwardLayer must be a recurrent layer, got ${String(backward)}`);
    }
    this.backwardLayer = backward
      ? recreate(backward, { ...zero, name: backward.name })
      : recreate(layer, {
          ...zero,
          go_backwards: true,
          name: `backward_${stripPrefix(layer.name, 'backward_')}`,
        });
    const [f, b] = [this.forwardLayer, this.backwardLayer];
    if (f.goBackwards === b.goBackwards) {
      throw new ValueError(
        `Bidirectional: the forward and backward layers need different goBackwards, both are ${f.goBackwards}`,
      );
    }
    for (const key of ['returnSequences', 'returnState'] as const) {
      if (f[key] !== b[key]) {
        throw new ValueError(
          `Bidirectional: forward and backward layers differ in ${key} (${f[key]} vs ${b[key]})`,
        );
      }
    }
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  /** The wrapped layer's returnState: calls return [output, ...forward states, ...backward states]. */
  get returnState(): R {
    // Safe: both directions were made from the RNN<R> given to the constructor (or checked equal to it).
    return this.forwardLayer.returnState as R;
  }

  /** A list with returnState, or with mergeMode null (both outputs, as Keras returns them). */
  override get returnsList(): boolean {
    return this.returnState || this.mergeMode === null;
  }

  override get takesInitialState(): boolean {
    return true;
  }

  /** Splits initial states between the directions as Keras does: first half forward, second half backward. */
  private splitStates<T>(states: readonly T[]): [T[], T[]] {
    const want = this.forwardLayer.cell.stateCount + this.backwardLayer.cell.stateCount;
    if (states.length !== want)
      throw new ValueError(
        `${this.describe()}: initialState must hold ${want} states (the forward layer's, then the backward layer's), got ${states.length}`,
      );
    const half = Math.floor(states.length / 2);
    return [states.slice(0, half), states.slice(half)];
  }

  override outputShapesFor(
    shapes: readonly SymbolicShape[],
    stateShapes: readonly SymbolicShape[],
  ): SymbolicShape[] {
    const [f, b] = stateShapes.length > 0 ? this.splitStates(stateShapes) : [[], []];
    const fwd = this.forwardLayer.outputShapesFor(shapes, f);
    const bwd = this.backwardLayer.outputShapesFor(shapes, b);
    const outs = this.mergeMode === null ? [fwd[0]!, bwd[0]!] : [this.computeOutputShape(shapes[0]!)];
    return this.returnState ? [...outs, ...fwd.slice(1), ...bwd.slice(1)] : outs;
  }

  override build(inputShape: SymbolicShape): void {
    for (const sub of [this.forwardLayer, this.backwardLayer]) {
      if (!sub.built) sub.build(inputShape);
      // Keras' names: bidirectional/forward_lstm/lstm_cell/kernel.
      for (const w of sub.weightEntries)
        this.layerWeights.push({ ...w, name: `${sub.name}/${cellName(sub)}/${w.name}` });
    }
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const f = this.forwardLayer.computeOutputShape(inputShape);
    const b = this.backwardLayer.computeOutputShape(inputShape);
    if (this.mergeMode !== 'concat') return f;
    const [lf, lb] = [f[f.length - 1], b[b.length - 1]];
    return [...f.slice(0, -1), lf === null || lb === null ? null : lf! + lb!];
  }

  /** Both directions' outputs, the backward one in time order (what mergeMode null returns in Keras). */
  callBoth(x: Tensor, ctx: CallContext, initialState?: readonly Tensor[]): [Tensor, Tensor] {
    const [f, b] = initialState ? this.splitStates(initialState) : [undefined, undefined];
    const first = (out: Tensor | Tensor[]) => (Array.isArray(out) ? out[0]! : out);
    for (const sub of [this.forwardLayer, this.backwardLayer])
      if (!sub.built) sub.build([null, ...x.shape.slice(1)]);
    const y = first(this.forwardLayer.invoke([x], ctx, f));
    let yRev = first(this.backwardLayer.invoke([x], ctx, b));
    if (this.returnSequences) {
      const T = yRev.shape[1]!;
      const b = yRev.backend;
      const reversed = Int32Array.from({ length: T }, (_, i) => T - 1 - i);
      yRev = gather(yRev, makeTensor(b, b.upload(reversed), [T], 'int32'), 1);
    }
    const states = [this.forwardLayer.lastStates, this.backwardLayer.lastStates];
    this.lastStates = states[0] && states[1] ? [...states[0], ...states[1]] : null;
    return [y, yRev];
  }

  /**
   * Runs both directions (from initial states if given): the merged output, or with mergeMode null
   * [forward output, backward output] (both with the input's mask when returning sequences), then
   * with returnState the states.
   */
  override invoke(
    inputs: readonly Tensor[],
    ctx: CallContext,
    initialState?: readonly Tensor[],
  ): Tensor | Tensor[] {
    const x = inputs[0]!;
    let outs: Tensor[];
    if (this.mergeMode === null) {
      outs = this.callBoth(x, ctx, initialState);
      const mask = getKerasMask(x);
      if (this.returnSequences && mask) for (const o of outs) setKerasMask(o, mask);
    } else outs = [this.merged(x, ctx, initialState)];
    return this.returnsList ? [...outs, ...(this.returnState ? this.lastStates! : [])] : outs[0]!;
  }

  /** The merged output from zero states (the final states go to `lastStates`). */
  call(x: Tensor, ctx: CallContext): Tensor {
    return this.merged(x, ctx);
  }

  private merged(x: Tensor, ctx: CallContext, initialState?: readonly Tensor[]): Tensor {
    if (this.mergeMode === null) {
      throw new ValueError(
        `layer '${this.name}' (Bidirectional): mergeMode null gives two outputs; layer.apply(x) returns both (or call layer.callBoth(x, ctx))`,
      );
    }
    const [y, yRev] = this.callBoth(x, ctx, initialState);
    const out =
      this.mergeMode === 'concat'
        ? concat([y, yRev], -1)
        : this.mergeMode === 'sum'
          ? add(y, yRev)
          : this.mergeMode === 'mul'
            ? mul(y, yRev)
            : div(add(y, yRev), 2);
    const mask = getKerasMask(x);
    if (this.returnSequences && mask) setKerasMask(out, mask);
    return out;
  }

  /** Rebuilds the layer from its Keras config; `resolve` rebuilds the nested layer configs. */
  static fromConfig(
    config: Record<string, unknown>,
    resolve: (className: string, config: Record<string, unknown>) => Layer,
  ): Bidirectional<boolean, MergeMode> {
    const nested = (key: string): RNN | undefined => {
      const entry = config[key] as
        | { class_name?: string; config?: Record<string, unknown> }
        | null
        | undefined;
      if (!entry) return undefined;
      if (typeof entry.class_name !== 'string' || typeof entry.config !== 'object') {
        throw new ValueError(`Bidirectional: '${key}' must be a serialized layer with class_name and config`);
      }
      const layer = resolve(entry.class_name, entry.config);
      if (!(layer instanceof RNN))
        throw new ValueError(`Bidirectional: '${key}' is ${entry.class_name}, not a recurrent layer`);
      return layer;
    };
    const layer = nested('layer');
    if (!layer) throw new ValueError("Bidirectional: the config has no 'layer'");
    const mergeMode = config.merge_mode === undefined ? 'concat' : (config.merge_mode as MergeMode);
    return new Bidirectional<boolean, MergeMode>(layer, {
      ...baseArgsFromConfig(config),
      mergeMode,
      backwardLayer: nested('backward_layer'),
    });
  }

  override getConfig(): Record<string, unknown> {
    const serialize = (l: RNN) => {
      const { batch_input_shape: _, ...config } = l.getConfig();
      return { module: 'keras.layers', class_name: l.className, config, registered_name: null };
    };
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: serialize(this.forwardLayer),
      backward_layer: serialize(this.backwardLayer),
    };
  }
}

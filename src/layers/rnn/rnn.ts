import { ShapeError, ValueError } from '../../errors.js';
import { tensor } from '../../ops/core.js';
import { zeros } from '../../ops/creation.js';
import { notEqual, where } from '../../ops/elementwise.js';
import { expandDims, gather, reshape, slice, stack } from '../../ops/layout.js';
import { rnnSequence, type SequenceOptions } from '../../ops/rnn.js';
import type { Generator } from '../../random/generator.js';
import { seedGenerator } from '../../random/global.js';
import type { Tensor } from '../../tensor/tensor.js';
import { embeddingLookupOf } from '../embedding-lookup.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs, type SymbolicShape } from '../layer.js';
import type { CellWeights, RecurrentCell } from './cell.js';
import { getKerasMask, setKerasMask } from './masking.js';

/**
 * Options of the generic recurrent layer, with Keras' defaults.
 *
 * @example
 * import { LSTM } from 'tensile';
 * const encoder = new LSTM(8, { returnSequences: true, goBackwards: true });
 */
export interface RNNArgs extends LayerArgs {
  /** Return the whole output sequence [batch, time, units] instead of the last output [batch, units]. */
  returnSequences?: boolean;
  /**
   * Return `[output, ...final states]` (LSTM `[out, h, c]`, GRU and SimpleRNN `[out, h]`) instead of
   * the output alone, as Keras does; the states of the latest call are also in `layer.lastStates`.
   */
  returnState?: boolean;
  /** Process the sequence last step first; the returned sequence is in that (reversed) order. */
  goBackwards?: boolean;
  /** Not supported yet (throws). */
  stateful?: boolean;
  /** Accepted for Keras compatibility; the loop is never unrolled (results are identical). */
  unroll?: boolean;
  /** Masked steps output zeros instead of repeating the previous output (states still carry). */
  zeroOutputForMask?: boolean;
}

/**
 * Options of one run of the generic loop: masks, dropout, direction, and whether to try the fused kernel.
 *
 * @example
 * // runRnn(cell, x, weights, { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false })
 */
export interface RunOptions extends SequenceOptions {
  /** Try the backend's fused sequence kernel first (default true). */
  readonly fused?: boolean;
  /** Build the output sequence (default true); the composed loop can skip it. */
  readonly returnSequences?: boolean;
}

/**
 * The generic recurrent loop: the backend's fused sequence kernel when it has one (one tape node for
 * the whole sequence), otherwise `cell.step` once per time step. Masked steps (mask 0) keep the
 * previous states, and the output of a step is its first state, as in Keras. With `initialState`
 * both start from those states (else zeros), and the states get gradients too.
 *
 * @example
 * import { LSTMCell, runRnn, zeros } from 'tensile';
 * const cell = new LSTMCell(4);
 * const w = { kernel: zeros([3, 16]), recurrentKernel: zeros([4, 16]), bias: null };
 * const opts = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false, fused: false };
 * console.log(runRnn(cell, zeros([2, 5, 3]), w, opts).sequence.shape); // [2, 5, 4]
 */
export function runRnn(
  cell: RecurrentCell,
  x: Tensor,
  w: CellWeights,
  opts: RunOptions,
): { sequence: Tensor | null; states: Tensor[] } {
  if (x.rank !== 3)
    throw new ShapeError('rnn', [x.shape], 'expected inputs of shape [batch, time, features]');
  const kind = (opts.fused ?? true) ? cell.fusedKind() : null;
  if (kind) {
    const out = rnnSequence(x, w.kernel, w.recurrentKernel, w.bias, { ...opts, ...kind });
    if (out) return out;
  }
  const [B, T, I] = x.shape as [number, number, number];
  const mask = opts.mask ? (opts.mask.dtype === 'int32' ? opts.mask : notEqual(opts.mask, 0)) : null;
  const drop = { input: opts.inputDropout, recurrent: opts.recurrentDropout };
  let states: Tensor[] = opts.initialState
    ? [...opts.initialState]
    : Array.from({ length: cell.stateCount }, () =>
        zeros([B, cell.units], 'float32', { backend: x.backend }),
      );
  const outputs: Tensor[] = [];
  for (let s = 0; s < T; s++) {
    const t = opts.goBackwards ? T - 1 - s : s;
    const [, next] = cell.step(reshape(slice(x, [0, t, 0], [B, 1, I]), [B, I]), states, w, drop);
    if (mask) {
      const m = slice(mask, [0, t], [B, 1]);
      const previous = states;
      states = next.map((n, i) => where(m, n, previous[i]!));
    } else states = next;
    if (opts.returnSequences ?? true) outputs.push(states[0]!);
  }
  return { sequence: outputs.length > 0 ? stack(outputs, 1) : null, states };
}

/** The time axis of [batch, time] reversed (go_backwards with zero_output_for_mask). */
function reverseTime(mask: Tensor): Tensor {
  const T = mask.shape[1]!;
  return gather(
    mask,
    tensor(
      Int32Array.from({ length: T }, (_, i) => T - 1 - i),
      [T],
      'int32',
      { backend: mask.backend },
    ),
    1,
  );
}

/**
 * Base of SimpleRNN, LSTM and GRU: a cell plus the generic loop (time iteration, returnSequences,
 * goBackwards, masking, dropout masks). With `returnState`, `apply` returns `[output, ...states]`
 * (eagerly and on symbolic tensors, as Keras); the final states of the latest call are also kept
 * in `lastStates`. `call` returns the output alone. The type parameter is `returnState`'s type, so
 * `new LSTM(8, { returnState: true }).apply(x)` is typed as a list; a layer loaded from a file is
 * `RNN<boolean>` (either).
 *
 * `apply(x, { initialState })` starts from given states ([h] or [h, c], each [batch, units]) instead
 * of zeros, as Keras' `initial_state`; symbolic states become inputs of the call, so training
 * reaches the layers that made them (a seq2seq encoder). The fused sequence kernels take initial
 * states and return their gradients, so such a call is as fast as one from zeros. As in Keras 3, a
 * call with initial states does not apply its input's timestep mask (Keras fills `mask` only for a
 * call with one tensor argument); the output sequence still carries the mask.
 *
 * Masks: the loop reads a timestep mask attached to its input by the previous layer (Embedding with
 * `maskZero`, see masking.ts) and, with `returnSequences`, attaches the same mask to its output.
 *
 * @example
 * import { LSTM, tensor } from 'tensile';
 * const lstm = new LSTM(4, { returnState: true });
 * const [out, h, c] = lstm.apply(tensor(new Float32Array(2 * 5 * 3), [2, 5, 3]));
 * console.log(out.shape, c.shape, lstm.lastStates.length); // [2, 4] [2, 4] 2
 */
export abstract class RNN<R extends boolean = boolean> extends Layer {
  readonly cell: RecurrentCell;
  readonly returnSequences: boolean;
  readonly returnState: R;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  readonly zeroOutputForMask: boolean;
  /** The final states of the latest call ([h], or [h, c] for LSTM); freed with the scope of that call. */
  lastStates: Tensor[] | null = null;
  /** Try the backend's fused sequence kernel (set false to force the composed cell loop, e.g. in parity tests). */
  useFusedKernels = true;
  /** The cell's weights (Variables) once built. */
  cellWeights: CellWeights | null = null;
  private generator: Generator | null = null;

  constructor(cell: RecurrentCell, args: RNNArgs & { returnState?: R }) {
    super(args);
    if (args.stateful) throw new ValueError(`${new.target.name}: stateful=true is not supported yet`);
    this.cell = cell;
    this.returnSequences = args.returnSequences ?? false;
    // Safe: R is the type of args.returnState, false when it is absent (the subclasses' default).
    this.returnState = (args.returnState ?? false) as R;
    this.goBackwards = args.goBackwards ?? false;
    this.unroll = args.unroll ?? false;
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
  }

  get units(): number {
    return this.cell.units;
  }

  override build(inputShape: SymbolicShape): void {
    const inputDim = inputShape[2];
    if (inputShape.length !== 3 || typeof inputDim !== 'number') {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [inputShape.map((d) => d ?? -1)],
        'expected inputs of shape [batch, time, features] with known features',
      );
    }
    this.cellWeights = this.cell.build(inputDim, (name, shape, init) => this.addWeight(name, shape, init));
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [batch, time] = inputShape;
    return this.returnSequences ? [batch ?? null, time ?? null, this.units] : [batch ?? null, this.units];
  }

  override get returnsList(): boolean {
    return this.returnState;
  }

  override get takesInitialState(): boolean {
    return true;
  }

  /** The output shape, then (returnState) one [batch, units] per state; checks initial states. */
  override outputShapesFor(
    shapes: readonly SymbolicShape[],
    stateShapes: readonly SymbolicShape[],
  ): SymbolicShape[] {
    const batch = shapes[0]![0] ?? null;
    if (stateShapes.length > 0) checkInitialStates(this, batch, stateShapes);
    const out = this.computeOutputShape(shapes[0]!);
    if (!this.returnState) return [out];
    return [out, ...Array.from({ length: this.cell.stateCount }, () => [batch, this.units])];
  }

  /** Runs the layer (with initial states if given); [output, ...states] with returnState. */
  override invoke(
    inputs: readonly Tensor[],
    ctx: CallContext,
    initialState?: readonly Tensor[],
  ): Tensor | Tensor[] {
    const out = this.run(inputs[0]!, ctx, initialState);
    return this.returnState ? [out, ...this.lastStates!] : out;
  }

  /** The output for x from zero states (the states go to `lastStates`). */
  call(x: Tensor, ctx: CallContext): Tensor {
    return this.run(x, ctx);
  }

  private run(x: Tensor, ctx: CallContext, initialState?: readonly Tensor[]): Tensor {
    if (x.rank !== 3) {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [x.shape],
        'expected inputs of shape [batch, time, features]',
      );
    }
    this.checkInputDim(x, this.cellWeights!.kernel.shape[0]!);
    const [B, , I] = x.shape as [number, number, number];
    if (initialState)
      checkInitialStates(
        this,
        B,
        initialState.map((t) => t.shape),
      );
    const inputMask = getKerasMask(x);
    // Keras 3 fills a call's `mask` only when the call has one tensor argument (keras/src/layers/
    // layer.py, `__call__` step 6): with initial states the loop runs unmasked, while the output
    // sequence still carries the input's mask.
    const mask = initialState ? null : inputMask;
    const { sequence, states } = runRnn(this.cell, x, this.cellWeights!, {
      mask,
      inputDropout: ctx.training ? this.dropoutMask(x, B, I, this.cell.dropout) : null,
      recurrentDropout: ctx.training ? this.dropoutMask(x, B, this.units, this.cell.recurrentDropout) : null,
      goBackwards: this.goBackwards,
      embedding: embeddingLookupOf(x),
      fused: this.useFusedKernels,
      returnSequences: this.returnSequences,
      ...(initialState ? { initialState } : {}),
    });
    this.lastStates = states;
    let out = this.returnSequences ? sequence! : states[0]!;
    if (this.zeroOutputForMask && mask) {
      // Outputs are in processing order, so the mask is too.
      const m = this.goBackwards ? reverseTime(mask) : mask;
      const T = m.shape[1]!;
      const maskF = this.returnSequences ? expandDims(m, -1) : slice(m, [0, T - 1], [B, 1]);
      out = where(notEqual(maskF, 0), out, 0);
    }
    if (this.returnSequences && inputMask) setKerasMask(out, inputMask);
    return out;
  }

  /** One dropout mask per sequence (Keras 3): 0 with probability `rate`, else 1/(1-rate); on x's backend. */
  private dropoutMask(x: Tensor, batch: number, dim: number, rate: number): Tensor | null {
    if (!(rate > 0 && rate < 1)) return null;
    this.generator ??= seedGenerator(this.cell.seed);
    const values = this.generator.uniformArray(batch * dim);
    const scale = 1 / (1 - rate);
    for (let i = 0; i < values.length; i++) values[i] = values[i]! < rate ? 0 : scale;
    return tensor(values, [batch, dim], 'float32', { backend: x.backend });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
      ...this.cell.getConfig(),
    };
  }
}

/**
 * Checks initial states against a recurrent layer: one per state ([h], or [h, c] for LSTM), each
 * [batch, units] with the input's batch size (null when unknown).
 *
 * @example
 * // checkInitialStates(lstm, 2, [[2, 8], [2, 8]]) passes for an LSTM(8) on a batch of 2
 */
export function checkInitialStates(
  layer: RNN,
  batch: number | null,
  shapes: readonly (readonly (number | null)[])[],
): void {
  const n = layer.cell.stateCount;
  const want = `[${batch ?? 'batch'}, ${layer.units}]`;
  const names = n === 2 ? '[h, c]' : '[h]';
  if (shapes.length !== n)
    throw new ValueError(
      `${layer.describe()}: initialState must hold ${n} state${n === 1 ? '' : 's'} ${names}, each ${want}; got ${shapes.length}`,
    );
  shapes.forEach((shape, i) => {
    const fits =
      shape.length === 2 &&
      shape[1] === layer.units &&
      (batch === null || shape[0] === null || shape[0] === batch);
    if (!fits)
      throw new ShapeError(
        `${layer.describe()} initialState[${i}]`,
        [shape.map((d) => d ?? -1)],
        `expected shape ${want}, got [${shape.map((d) => d ?? 'batch').join(', ')}]`,
      );
  });
}

/**
 * The RNNArgs part of a Keras recurrent layer config (plus name, trainable and input shape).
 *
 * @example
 * // rnnArgsFromConfig({ return_sequences: true }).returnSequences === true
 */
export function rnnArgsFromConfig(config: Record<string, unknown>): RNNArgs {
  return {
    ...baseArgsFromConfig(config),
    returnSequences: (config.return_sequences as boolean | undefined) ?? false,
    returnState: (config.return_state as boolean | undefined) ?? false,
    goBackwards: (config.go_backwards as boolean | undefined) ?? false,
    stateful: (config.stateful as boolean | undefined) ?? false,
    unroll: (config.unroll as boolean | undefined) ?? false,
    zeroOutputForMask: (config.zero_output_for_mask as boolean | undefined) ?? false,
  };
}

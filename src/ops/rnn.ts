import type { TapeNode } from '../autograd/tape.js';
import type { FusedActivation, RnnCellKind, RnnSequenceArgs, TensorInfo } from '../backend/backend.js';
import { activeTape, makeTensor } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { backendOf, castTo } from './core.js';

/**
 * The whole-sequence options every fused recurrent op takes (see RnnSequenceArgs in the backend).
 *
 * @example
 * import { lstmSequence, setBackend, zeros } from 'tensile';
 * setBackend('wasm'); // a backend with the fused sequence fast path
 * const opts = { mask: zeros([2, 5], 'int32'), inputDropout: null, recurrentDropout: null, goBackwards: true };
 * const out = lstmSequence(zeros([2, 5, 3]), zeros([3, 8]), zeros([2, 8]), null, opts);
 * console.log(out.sequence.shape); // [2, 5, 2]
 * setBackend('ts');
 */
export interface SequenceOptions {
  /** [batch, time]: non-zero = real step, 0 = padding. Any dtype (cast to float32). */
  readonly mask: Tensor | null;
  /** [batch, inputDim] dropout multipliers, the same at every step. */
  readonly inputDropout: Tensor | null;
  /** [batch, units] dropout multipliers on the previous state, the same at every step. */
  readonly recurrentDropout: Tensor | null;
  readonly goBackwards: boolean;
  /** States to start from ([h], or [h, c] for LSTM; each [batch, units]); zeros when absent. */
  readonly initialState?: readonly Tensor[];
  /**
   * Where x came from when it is an Embedding's output: x = gather(table, indices) with indices
   * [batch, time]. Lets the fused kernel project the table once instead of every step's input (see
   * RnnSequenceArgs.embedding); used only without input dropout and when the vocabulary is at most
   * half of batch·time. TENSILE_FOLD_EMBEDDING=0 turns it off.
   */
  readonly embedding?: EmbeddingLookup | null;
}

/** An Embedding lookup: its output is gather(table, indices, 0). */
export interface EmbeddingLookup {
  readonly table: Tensor;
  readonly indices: Tensor;
}

/**
 * The tape attributes of a fused sequence op: the cell kind, its options (mask as float32) and the
 * forward's saved workspace.
 *
 * @example
 * // Recorded by rnnSequence; read by sequenceGradient.
 */
export interface SequenceAttrs extends Omit<SequenceOptions, 'initialState' | 'embedding'> {
  readonly kind: RnnCellKind;
  /** The node's last two inputs are an Embedding's table and indices, projected by the kernel. */
  readonly embedded: boolean;
  readonly workspace: Tensor | null;
  /** How many of the node's inputs (the last ones) are initial states: 0, 1 (h) or 2 (h, c). */
  readonly stateInputs: number;
}

/**
 * Outputs of a fused recurrent op: the output sequence and the final states ([h] or [h, c]).
 *
 * @example
 * // const { sequence, states } = rnnSequence(x, kernel, recurrentKernel, bias, { ...opts, cell: 'lstm' })!;
 */
export interface SequenceOutput {
  /** [batch, time, units], in processing order. */
  readonly sequence: Tensor;
  readonly states: Tensor[];
}

const GATES = { lstm: 4, gru: 3, simpleRnn: 1 } as const;
const info = (t: Tensor | null, op: string): TensorInfo | null => (t ? t.info(op) : null);
const opName = (kind: RnnCellKind) => `${kind.cell}Sequence`;

/** Just the cell-kind fields of `o` (which may carry more options). */
function cellKind(o: RnnCellKind): RnnCellKind {
  if (o.cell === 'gru') return { cell: 'gru', resetAfter: o.resetAfter };
  if (o.cell === 'simpleRnn') return { cell: 'simpleRnn', activation: o.activation };
  return { cell: 'lstm' };
}

/**
 * A node's inputs: x, kernel, recurrent kernel, then the bias if any, then the initial states, then
 * (embedded) the Embedding's table and indices.
 */
function splitInputs(inputs: readonly Tensor[], stateInputs: number, embedded: boolean) {
  const [x, kernel, recurrentKernel] = inputs as [Tensor, Tensor, Tensor];
  const end = inputs.length - (embedded ? 2 : 0);
  const weights = end - stateInputs;
  return {
    x,
    kernel,
    recurrentKernel,
    bias: weights > 3 ? inputs[3]! : null,
    states: inputs.slice(weights, end),
    embedding: embedded ? { table: inputs[end]!, indices: inputs[end + 1]! } : null,
  };
}

function backendArgs(inputs: readonly Tensor[], a: Omit<SequenceAttrs, 'workspace'>): RnnSequenceArgs {
  const { x, kernel, recurrentKernel, bias, states, embedding } = splitInputs(
    inputs,
    a.stateInputs,
    a.embedded,
  );
  const op = opName(a.kind);
  const k = a.kind;
  // One object literal with every field written out, the cell-kind fields included (those of other
  // cells as fillers), so V8 builds it from one boilerplate: spreading a.kind into it made each
  // property a separate transition, ~3% of an A4 step. Backends read only their cell's fields.
  const args = {
    cell: k.cell,
    resetAfter: k.cell === 'gru' ? k.resetAfter : false,
    activation: k.cell === 'simpleRnn' ? k.activation : 'linear',
    x: x.info(op),
    kernel: kernel.info(op),
    recurrentKernel: recurrentKernel.info(op),
    bias: info(bias ?? null, op),
    mask: info(a.mask, op),
    inputDropout: info(a.inputDropout, op),
    recurrentDropout: info(a.recurrentDropout, op),
    goBackwards: a.goBackwards,
    initialH: info(states[0] ?? null, op),
    initialC: info(states[1] ?? null, op),
    embedding: embedding ? { table: embedding.table.info(op), indices: embedding.indices.info(op) } : null,
  };
  return args as RnnSequenceArgs;
}

function checkShapes(op: string, kind: RnnCellKind, inputs: readonly Tensor[], o: SequenceOptions) {
  const gates = GATES[kind.cell];
  const [x, kernel, recurrent, bias] = inputs as [Tensor, Tensor, Tensor, Tensor | undefined];
  const states = o.initialState ?? [];
  const units = recurrent.shape[0]!;
  const [batch, time, inputDim] = x.shape;
  const ok =
    x.rank === 3 &&
    kernel.rank === 2 &&
    kernel.shape[0] === inputDim &&
    kernel.shape[1] === gates * units &&
    recurrent.rank === 2 &&
    recurrent.shape[1] === gates * units &&
    (!bias || bias.size === gates * units || bias.size === 2 * gates * units) &&
    (!o.mask || (o.mask.shape[0] === batch && o.mask.shape[1] === time && o.mask.rank === 2)) &&
    (!o.inputDropout || (o.inputDropout.shape[0] === batch && o.inputDropout.shape[1] === inputDim)) &&
    (!o.recurrentDropout ||
      (o.recurrentDropout.shape[0] === batch && o.recurrentDropout.shape[1] === units)) &&
    (states.length === 0 || states.length === (kind.cell === 'lstm' ? 2 : 1)) &&
    states.every((s) => s.rank === 2 && s.shape[0] === batch && s.shape[1] === units);
  if (!ok) {
    const shapes = [...inputs, o.mask, o.inputDropout, o.recurrentDropout, ...states].flatMap((t) =>
      t ? [t.shape] : [],
    );
    throw new ShapeError(
      op,
      shapes,
      `expected x [batch, time, input], kernel [input, ${gates}·units], recurrent kernel [units, ${gates}·units] and matching bias, mask, dropout and initial states ([batch, units] each)`,
    );
  }
}

/**
 * The Embedding lookup to fold into the input projection, or null: only without input dropout, for a
 * float32 table [V, input] and int32 indices [batch, time] whose lookup is x's shape, when V is at
 * most half of batch·time (then table·K is the smaller product), and indices in range (checked here,
 * as `embedding` is a public option).
 */
function foldedLookup(
  op: string,
  x: Tensor,
  inputDropout: Tensor | null,
  lookup: EmbeddingLookup | null | undefined,
): EmbeddingLookup | null {
  if (!lookup || inputDropout || !foldAllowed()) return null;
  const { table, indices } = lookup;
  const [batch, time, inputDim] = x.shape as [number, number, number];
  const fits =
    table.dtype === 'float32' &&
    table.rank === 2 &&
    table.shape[1] === inputDim &&
    indices.dtype === 'int32' &&
    indices.rank === 2 &&
    indices.shape[0] === batch &&
    indices.shape[1] === time;
  if (!fits || table.shape[0]! * 2 > batch * time) return null;
  const info = indices.info(op);
  const at = indices.backend.firstIndexOutOfRange(info, table.shape[0]!);
  if (at >= 0) {
    const v = indices.backend.read(info)[at];
    throw new ShapeError(
      op,
      [table.shape, indices.shape],
      `embedding index ${v} at position ${at} is out of range 0..${table.shape[0]! - 1}`,
    );
  }
  return lookup;
}

function foldAllowed(): boolean {
  return typeof process === 'undefined' || process.env?.TENSILE_FOLD_EMBEDDING !== '0';
}

/**
 * A whole recurrent sequence in one backend call, recorded as ONE tape node whose gradient is one
 * call to the backend's backward through time; or undefined when the backend has no fused sequence
 * kernel (the caller then runs the composed cell loop, the reference this path is tested against).
 *
 * @example
 * import { rnnSequence, setBackend, zeros } from 'tensile';
 * const opts = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false, cell: 'gru', resetAfter: false };
 * const run = () => rnnSequence(zeros([2, 5, 3]), zeros([3, 12]), zeros([4, 12]), null, opts);
 * setBackend('wasm');
 * console.log(run().sequence.shape); // [2, 5, 4]
 * setBackend('ts'); // the reference backend has no fast path: callers run the cell loop
 * console.log(run()); // undefined
 */
export function rnnSequence(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  opts: SequenceOptions & RnnCellKind,
): SequenceOutput | undefined {
  const { mask, inputDropout, recurrentDropout, goBackwards } = opts;
  const kind = cellKind(opts);
  const op = opName(kind);
  const states = opts.initialState ?? [];
  const weights = bias ? [x, kernel, recurrentKernel, bias] : [x, kernel, recurrentKernel];
  const lookup = foldedLookup(op, x, inputDropout, opts.embedding);
  const inputs = [...weights, ...states, ...(lookup ? [lookup.table, lookup.indices] : [])];
  const extras = [mask, inputDropout, recurrentDropout].filter((t): t is Tensor => t !== null);
  const backend = backendOf(op, ...inputs, ...extras);
  if (!backend.rnnSequence || !backend.rnnSequenceBackward || x.dtype !== 'float32') return undefined;
  if (states.some((s) => s.dtype !== 'float32')) return undefined;
  checkShapes(op, kind, weights, opts);
  const attrs = {
    kind,
    mask: mask ? castTo(mask, 'float32', op) : null,
    inputDropout,
    recurrentDropout,
    goBackwards,
    stateInputs: states.length,
    embedded: lookup !== null,
  };
  const out = backend.rnnSequence(backendArgs(inputs, attrs));
  const [batch, time] = x.shape as [number, number];
  const units = recurrentKernel.shape[0]!;
  const wrap = (data: unknown, shape: number[]) => makeTensor(backend, data, shape, 'float32');
  const sequence = wrap(out.y, [batch, time, units]);
  const final = [wrap(out.h, [batch, units])];
  if (kind.cell === 'lstm') final.push(wrap(out.c, [batch, units]));
  const workspace = out.workspace === null ? null : wrap(out.workspace, [out.workspaceSize]);
  activeTape?.record('rnnSequence', inputs, [sequence, ...final], { ...attrs, workspace });
  return { sequence, states: final };
}

/**
 * A whole LSTM sequence in one backend call (Keras weights, gates i, f, c, o; tanh / sigmoid), or
 * undefined when the backend has no fused sequence kernel.
 *
 * @example
 * import { lstmSequence, setBackend, zeros } from 'tensile';
 * setBackend('wasm'); // a backend with the fused sequence fast path
 * const opts = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false };
 * const out = lstmSequence(zeros([2, 5, 3]), zeros([3, 16]), zeros([4, 16]), zeros([16]), opts);
 * console.log(out.sequence.shape, out.states.length); // [2, 5, 4] 2
 * setBackend('ts');
 */
export function lstmSequence(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  opts: SequenceOptions,
): SequenceOutput | undefined {
  return rnnSequence(x, kernel, recurrentKernel, bias, { ...opts, cell: 'lstm' });
}

/**
 * A whole GRU sequence in one backend call (Keras weights, gates z, r, h), or undefined.
 *
 * @example
 * import { gruSequence, setBackend, zeros } from 'tensile';
 * setBackend('wasm'); // a backend with the fused sequence fast path
 * const opts = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false, resetAfter: true };
 * const out = gruSequence(zeros([2, 5, 3]), zeros([3, 12]), zeros([4, 12]), zeros([2, 12]), opts);
 * console.log(out.sequence.shape); // [2, 5, 4]
 * setBackend('ts');
 */
export function gruSequence(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  opts: SequenceOptions & { resetAfter: boolean },
): SequenceOutput | undefined {
  return rnnSequence(x, kernel, recurrentKernel, bias, { ...opts, cell: 'gru' });
}

/**
 * A whole SimpleRNN sequence in one backend call, or undefined.
 *
 * @example
 * import { simpleRnnSequence, setBackend, zeros } from 'tensile';
 * setBackend('wasm'); // a backend with the fused sequence fast path
 * const opts = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false, activation: 'tanh' };
 * const out = simpleRnnSequence(zeros([2, 5, 3]), zeros([3, 4]), zeros([4, 4]), null, opts);
 * console.log(out.states[0].shape); // [2, 4]
 * setBackend('ts');
 */
export function simpleRnnSequence(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  opts: SequenceOptions & { activation: FusedActivation },
): SequenceOutput | undefined {
  return rnnSequence(x, kernel, recurrentKernel, bias, { ...opts, cell: 'simpleRnn' });
}

/**
 * Gradient of a fused sequence op: one call to the backend's backward through time.
 *
 * @example
 * // In the gradient table: rnnSequence: sequenceGradient
 */
export function sequenceGradient(
  dys: readonly (Tensor | null)[],
  node: TapeNode<'rnnSequence'>,
): (Tensor | null)[] {
  const x = node.inputs[0]!;
  const backend = x.backend;
  const a = node.attrs;
  const op = opName(a.kind);
  const grads = backend.rnnSequenceBackward!(backendArgs(node.inputs, a), {
    y: node.outputs[0]!.info(op),
    workspace: info(a.workspace, op),
    dy: dys[0]!.info(op),
    dh: dys[1]!.info(op),
    dc: a.kind.cell === 'lstm' ? dys[2]!.info(op) : null,
  });
  const wrap = (data: unknown, like: Tensor) => makeTensor(backend, data, like.shape, 'float32');
  const { kernel, recurrentKernel, bias, states, embedding } = splitInputs(
    node.inputs,
    a.stateInputs,
    a.embedded,
  );
  // Embedded: the table's gradient comes straight from the kernel, and x (the lookup) gets none.
  const dx = embedding ? null : wrap(grads.dx, x);
  const out = [dx, wrap(grads.dKernel, kernel), wrap(grads.dRecurrentKernel, recurrentKernel)];
  if (bias) out.push(wrap(grads.dBias, bias));
  const stateGrads = [grads.dInitialH, grads.dInitialC];
  out.push(...states.map((s, i) => wrap(stateGrads[i], s)));
  if (embedding) out.push(wrap(grads.dTable, embedding.table), null);
  return out;
}

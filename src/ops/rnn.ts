import type { TapeNode } from '../autograd/tape.js';
import type {
  Backend,
  FusedActivation,
  GruSequenceArgs,
  RnnSequenceArgs,
  RnnSequenceBackwardInputs,
  RnnSequenceGrads,
  RnnSequenceResult,
  SimpleRnnSequenceArgs,
  TensorInfo,
} from '../backend/backend.js';
import { activeTape, makeTensor } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { backendOf, castTo } from './core.js';

/**
 * The whole-sequence options every fused recurrent op takes (see RnnSequenceArgs in the backend).
 *
 * @example
 * import { lstmSequence, zeros } from 'tensile';
 * const opts = { mask: zeros([2, 5], 'int32'), inputDropout: null, recurrentDropout: null, goBackwards: true };
 * console.log(lstmSequence(zeros([2, 5, 3]), zeros([3, 8]), zeros([2, 8]), null, opts).sequence.shape); // [2, 5, 2]
 */
export interface SequenceOptions {
  /** [batch, time]: non-zero = real step, 0 = padding. Any dtype (cast to float32). */
  readonly mask: Tensor | null;
  /** [batch, inputDim] dropout multipliers, the same at every step. */
  readonly inputDropout: Tensor | null;
  /** [batch, units] dropout multipliers on the previous state, the same at every step. */
  readonly recurrentDropout: Tensor | null;
  readonly goBackwards: boolean;
}

/**
 * The tape attributes of a fused sequence op: its options plus the forward's saved workspace.
 *
 * @example
 * // Recorded by lstmSequence / gruSequence / simpleRnnSequence; read by their gradient.
 */
export interface SequenceAttrs extends SequenceOptions {
  readonly resetAfter: boolean;
  readonly activation: FusedActivation;
  readonly workspace: Tensor | null;
}

/** The op kinds of the fused recurrent ops. */
export type SequenceOpKind = 'lstmSequence' | 'gruSequence' | 'simpleRnnSequence';

/**
 * Outputs of a fused recurrent op: the output sequence and the final states ([h] or [h, c]).
 *
 * @example
 * // const { sequence, states } = lstmSequence(x, kernel, recurrentKernel, bias, opts)!;
 */
export interface SequenceOutput {
  /** [batch, time, units], in processing order. */
  readonly sequence: Tensor;
  readonly states: Tensor[];
}

type Kernels = {
  forward: (args: RnnSequenceArgs & GruSequenceArgs & SimpleRnnSequenceArgs) => RnnSequenceResult;
  backward: (
    args: RnnSequenceArgs & GruSequenceArgs & SimpleRnnSequenceArgs,
    g: RnnSequenceBackwardInputs,
  ) => RnnSequenceGrads;
};

/** The backend's forward/backward pair for `kind`, or null unless it has both. */
function kernelsOf(b: Backend, kind: SequenceOpKind): Kernels | null {
  const forward = b[kind];
  const backward = b[`${kind}Backward`];
  if (!forward || !backward) return null;
  return { forward: forward.bind(b), backward: backward.bind(b) };
}

const info = (t: Tensor | null, op: string): TensorInfo | null => (t ? t.info(op) : null);

function kernelArgs(kind: SequenceOpKind, inputs: readonly Tensor[], a: Omit<SequenceAttrs, 'workspace'>) {
  const [x, kernel, recurrentKernel, bias] = inputs as [Tensor, Tensor, Tensor, Tensor | undefined];
  return {
    x: x.info(kind),
    kernel: kernel.info(kind),
    recurrentKernel: recurrentKernel.info(kind),
    bias: info(bias ?? null, kind),
    mask: info(a.mask, kind),
    inputDropout: info(a.inputDropout, kind),
    recurrentDropout: info(a.recurrentDropout, kind),
    goBackwards: a.goBackwards,
    resetAfter: a.resetAfter,
    activation: a.activation,
  };
}

function checkShapes(
  kind: SequenceOpKind,
  gates: number,
  x: Tensor,
  kernel: Tensor,
  recurrent: Tensor,
  bias: Tensor | null,
  o: SequenceOptions,
) {
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
    (!o.recurrentDropout || (o.recurrentDropout.shape[0] === batch && o.recurrentDropout.shape[1] === units));
  if (!ok) {
    const shapes = [x, kernel, recurrent, bias, o.mask, o.inputDropout, o.recurrentDropout].flatMap((t) =>
      t ? [t.shape] : [],
    );
    throw new ShapeError(
      kind,
      shapes,
      `expected x [batch, time, input], kernel [input, ${gates}·units], recurrent kernel [units, ${gates}·units] and matching bias, mask and dropout`,
    );
  }
}

function run(
  kind: SequenceOpKind,
  gates: number,
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  opts: SequenceOptions & { resetAfter?: boolean; activation?: FusedActivation },
): SequenceOutput | undefined {
  const inputs = bias ? [x, kernel, recurrentKernel, bias] : [x, kernel, recurrentKernel];
  const backend = backendOf(kind, ...inputs);
  const kernels = kernelsOf(backend, kind);
  if (!kernels || x.dtype !== 'float32') return undefined;
  checkShapes(kind, gates, x, kernel, recurrentKernel, bias, opts);
  const base = {
    mask: opts.mask ? castTo(opts.mask, 'float32', kind) : null,
    inputDropout: opts.inputDropout,
    recurrentDropout: opts.recurrentDropout,
    goBackwards: opts.goBackwards,
    resetAfter: opts.resetAfter ?? true,
    activation: opts.activation ?? 'tanh',
  };
  const out = kernels.forward(kernelArgs(kind, inputs, base));
  const [batch, time] = x.shape as [number, number];
  const units = recurrentKernel.shape[0]!;
  const wrap = (data: unknown, shape: number[]) => makeTensor(backend, data, shape, 'float32');
  const sequence = wrap(out.y, [batch, time, units]);
  const states = [wrap(out.h, [batch, units])];
  if (kind === 'lstmSequence') states.push(wrap(out.c, [batch, units]));
  const perStep = kind === 'lstmSequence' ? 5 * units : 4 * units;
  const workspace = out.workspace === null ? null : wrap(out.workspace, [time, batch, perStep]);
  // One tape node for the whole sequence: its gradient is one call to the backend's BPTT.
  activeTape?.record(kind, inputs, [sequence, ...states], { ...base, workspace });
  return { sequence, states };
}

/**
 * A whole LSTM sequence in one backend call (Keras weights, gates i, f, c, o; tanh / sigmoid), or
 * undefined when the backend has no fused LSTM (the caller then runs the composed cell loop).
 *
 * @example
 * import { lstmSequence, zeros } from 'tensile';
 * const out = lstmSequence(zeros([2, 5, 3]), zeros([3, 16]), zeros([4, 16]), zeros([16]), { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false });
 * console.log(out.sequence.shape, out.states.length); // [2, 5, 4] 2
 */
export function lstmSequence(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  opts: SequenceOptions,
): SequenceOutput | undefined {
  return run('lstmSequence', 4, x, kernel, recurrentKernel, bias, opts);
}

/**
 * A whole GRU sequence in one backend call (Keras weights, gates z, r, h), or undefined.
 *
 * @example
 * import { gruSequence, zeros } from 'tensile';
 * const opts = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false, resetAfter: true };
 * console.log(gruSequence(zeros([2, 5, 3]), zeros([3, 12]), zeros([4, 12]), zeros([2, 12]), opts).sequence.shape); // [2, 5, 4]
 */
export function gruSequence(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  opts: SequenceOptions & { resetAfter: boolean },
): SequenceOutput | undefined {
  return run('gruSequence', 3, x, kernel, recurrentKernel, bias, opts);
}

/**
 * A whole SimpleRNN sequence in one backend call, or undefined.
 *
 * @example
 * import { simpleRnnSequence, zeros } from 'tensile';
 * const opts = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false, activation: 'tanh' };
 * console.log(simpleRnnSequence(zeros([2, 5, 3]), zeros([3, 4]), zeros([4, 4]), null, opts).states[0].shape); // [2, 4]
 */
export function simpleRnnSequence(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  opts: SequenceOptions & { activation: FusedActivation },
): SequenceOutput | undefined {
  return run('simpleRnnSequence', 1, x, kernel, recurrentKernel, bias, opts);
}

/**
 * Gradient of a fused sequence op: one call to the backend's backward through time.
 *
 * @example
 * // In the gradient table: lstmSequence: sequenceGradient, gruSequence: ..., simpleRnnSequence: ...
 */
export function sequenceGradient(
  dys: readonly (Tensor | null)[],
  node: TapeNode<SequenceOpKind>,
): (Tensor | null)[] {
  const x = node.inputs[0]!;
  const backend = x.backend;
  const kernels = kernelsOf(backend, node.kind)!;
  const a = node.attrs;
  const grads = kernels.backward(kernelArgs(node.kind, node.inputs, a), {
    y: node.outputs[0]!.info(node.kind),
    workspace: info(a.workspace, node.kind),
    dy: dys[0]!.info(node.kind),
    dh: dys[1]!.info(node.kind),
    dc: node.kind === 'lstmSequence' ? dys[2]!.info(node.kind) : null,
  });
  const wrap = (data: unknown, like: Tensor) => makeTensor(backend, data, like.shape, 'float32');
  const [, kernel, recurrent, bias] = node.inputs;
  const out = [wrap(grads.dx, x), wrap(grads.dKernel, kernel!), wrap(grads.dRecurrentKernel, recurrent!)];
  return bias ? [...out, wrap(grads.dBias, bias)] : out;
}

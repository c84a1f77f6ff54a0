import type {
  FusedActivation,
  RnnSequenceBackwardInputs,
  RnnSequenceGrads,
  RnnSequenceResult,
  SimpleRnnSequenceArgs,
} from '../../backend/backend.js';
import {
  type Alloc,
  addStateGrad,
  type F,
  inputGrads,
  isReal,
  loadInput,
  loadPrevState,
  mulAdd,
  mulAddT,
  outerAdd,
  sigmoid,
  timeIndex,
  unpack,
} from './rnn-common.js';

function activate(v: number, act: FusedActivation): number {
  if (act === 'tanh') return Math.tanh(v);
  if (act === 'sigmoid') return sigmoid(v);
  if (act === 'relu') return Math.max(v, 0);
  return v;
}

/** The activation's derivative written in terms of its output y. */
function derivative(y: number, act: FusedActivation): number {
  if (act === 'tanh') return 1 - y * y;
  if (act === 'sigmoid') return y * (1 - y);
  if (act === 'relu') return y > 0 ? 1 : 0;
  return 1;
}

/**
 * Fused SimpleRNN forward over a whole sequence: h' = act(x̃·K + b + h̃·R). No workspace: the
 * backward takes the activation's derivative from the outputs.
 *
 * @example
 * // Reached through the backend: tsBackend.simpleRnnSequence({ ...args, activation: 'tanh' })
 */
export function simpleRnnForward(args: SimpleRnnSequenceArgs, alloc: Alloc): RnnSequenceResult {
  const seq = unpack(args);
  const { B, T, I, U, kernel, recurrent, bias } = seq;
  const like = seq.x;
  const y = alloc(B * T * U, like) as F;
  const h = alloc(B * U, like) as F;
  const a = alloc(B * U, like) as F;
  const xt = alloc(B * I, like) as F;
  const hd = alloc(B * U, like) as F;
  for (let s = 0; s < T; s++) {
    const t = timeIndex(seq, s);
    loadInput(seq, t, xt);
    loadPrevState(seq, y, s, hd);
    for (let b = 0; b < B; b++) for (let j = 0; j < U; j++) a[b * U + j] = bias ? bias[j]! : 0;
    mulAdd(xt, I, B, I, kernel, U, 0, U, a, U, 0);
    mulAdd(hd, U, B, U, recurrent, U, 0, U, a, U, 0);
    for (let b = 0; b < B; b++) {
      const real = isReal(seq, b, t);
      for (let j = 0; j < U; j++) {
        if (real) h[b * U + j] = activate(a[b * U + j]!, args.activation);
        y[(b * T + s) * U + j] = h[b * U + j]!;
      }
    }
  }
  return { y, h, c: null, workspace: null };
}

/**
 * Backpropagation through time for `simpleRnnForward`, in one call.
 *
 * @example
 * // Reached through the autograd: tsBackend.simpleRnnSequenceBackward(args, grads)
 */
export function simpleRnnBackward(
  args: SimpleRnnSequenceArgs,
  grads: RnnSequenceBackwardInputs,
  alloc: Alloc,
): RnnSequenceGrads {
  const seq = unpack(args);
  const { B, T, I, U, recurrent } = seq;
  const like = seq.x;
  const y = grads.y.data as F;
  const dy = grads.dy.data as F;
  const dx = alloc(B * T * I, like) as F;
  const dKernel = alloc(I * U, like) as F;
  const dRecurrent = alloc(U * U, like) as F;
  const dBias = seq.bias ? (alloc(U, like) as F) : null;
  const dh = (grads.dh.data as F).slice();
  const da = alloc(B * U, like) as F;
  const xt = alloc(B * I, like) as F;
  const hd = alloc(B * U, like) as F;
  const dhd = alloc(B * U, like) as F;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeIndex(seq, s);
    for (let b = 0; b < B; b++) {
      const real = isReal(seq, b, t);
      for (let j = 0; j < U; j++) {
        const i = b * U + j;
        const dhv = dh[i]! + dy[(b * T + s) * U + j]!;
        // A real step's output is the activation itself; a masked one passes the gradient through.
        da[i] = real ? dhv * derivative(y[(b * T + s) * U + j]!, args.activation) : 0;
        dh[i] = real ? 0 : dhv;
      }
    }
    loadInput(seq, t, xt);
    loadPrevState(seq, y, s, hd);
    inputGrads(seq, t, xt, da, U, dx, dKernel, dBias);
    outerAdd(hd, U, B, U, da, U, 0, U, dRecurrent, U, 0);
    dhd.fill(0);
    mulAddT(da, U, 0, B, U, recurrent, U, 0, U, dhd, U);
    addStateGrad(seq, dhd, dh);
  }
  return { dx, dKernel, dRecurrentKernel: dRecurrent, dBias };
}

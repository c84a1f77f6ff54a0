import type {
  RnnSequenceArgs,
  RnnSequenceBackwardInputs,
  RnnSequenceGrads,
  RnnSequenceResult,
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

/**
 * Fused LSTM forward over a whole sequence (Keras gate order i, f, c, o; tanh / sigmoid).
 * Workspace per step and row: i, f, g, o and the carry c after masking (5·units).
 *
 * @example
 * // Reached through the backend: tsBackend.lstmSequence(args)
 */
export function lstmForward(args: RnnSequenceArgs, alloc: Alloc): RnnSequenceResult {
  const seq = unpack(args);
  const { B, T, I, U, kernel, recurrent, bias } = seq;
  const G = 4 * U;
  const W = 5 * U;
  const like = seq.x;
  const y = alloc(B * T * U, like) as F;
  const h = alloc(B * U, like) as F;
  const c = alloc(B * U, like) as F;
  const ws = alloc(T * B * W, like) as F;
  const z = alloc(B * G, like) as F;
  const xt = alloc(B * I, like) as F;
  const hd = alloc(B * U, like) as F;
  for (let s = 0; s < T; s++) {
    const t = timeIndex(seq, s);
    loadInput(seq, t, xt);
    loadPrevState(seq, y, s, hd);
    for (let b = 0; b < B; b++) for (let j = 0; j < G; j++) z[b * G + j] = bias ? bias[j]! : 0;
    mulAdd(xt, I, B, I, kernel, G, 0, G, z, G, 0);
    mulAdd(hd, U, B, U, recurrent, G, 0, G, z, G, 0);
    for (let b = 0; b < B; b++) {
      const real = isReal(seq, b, t);
      const zr = b * G;
      const wr = (s * B + b) * W;
      for (let j = 0; j < U; j++) {
        const i = sigmoid(z[zr + j]!);
        const f = sigmoid(z[zr + U + j]!);
        const g = Math.tanh(z[zr + 2 * U + j]!);
        const o = sigmoid(z[zr + 3 * U + j]!);
        if (real) {
          const cNew = f * c[b * U + j]! + i * g;
          c[b * U + j] = cNew;
          h[b * U + j] = o * Math.tanh(cNew);
        }
        ws[wr + j] = i;
        ws[wr + U + j] = f;
        ws[wr + 2 * U + j] = g;
        ws[wr + 3 * U + j] = o;
        ws[wr + 4 * U + j] = c[b * U + j]!;
        y[(b * T + s) * U + j] = h[b * U + j]!;
      }
    }
  }
  return { y, h, c, workspace: ws };
}

/**
 * Backpropagation through time for `lstmForward`, in one call.
 *
 * @example
 * // Reached through the autograd: tsBackend.lstmSequenceBackward(args, grads)
 */
export function lstmBackward(
  args: RnnSequenceArgs,
  grads: RnnSequenceBackwardInputs,
  alloc: Alloc,
): RnnSequenceGrads {
  const seq = unpack(args);
  const { B, T, I, U, recurrent } = seq;
  const G = 4 * U;
  const W = 5 * U;
  const like = seq.x;
  const y = grads.y.data as F;
  const ws = grads.workspace!.data as F;
  const dy = grads.dy.data as F;
  const dx = alloc(B * T * I, like) as F;
  const dKernel = alloc(I * G, like) as F;
  const dRecurrent = alloc(U * G, like) as F;
  const dBias = seq.bias ? (alloc(G, like) as F) : null;
  const dh = (grads.dh.data as F).slice();
  const dc = grads.dc ? (grads.dc.data as F).slice() : (alloc(B * U, like) as F);
  const dz = alloc(B * G, like) as F;
  const xt = alloc(B * I, like) as F;
  const hd = alloc(B * U, like) as F;
  const dhd = alloc(B * U, like) as F;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeIndex(seq, s);
    for (let b = 0; b < B; b++) {
      const real = isReal(seq, b, t);
      const zr = b * G;
      const wr = (s * B + b) * W;
      const prev = ((s - 1) * B + b) * W + 4 * U;
      for (let j = 0; j < U; j++) {
        const dhv = dh[b * U + j]! + dy[(b * T + s) * U + j]!;
        if (!real) {
          // A masked step passed h and c through unchanged: their gradients flow straight back.
          dh[b * U + j] = dhv;
          for (let q = 0; q < 4; q++) dz[zr + q * U + j] = 0;
          continue;
        }
        const i = ws[wr + j]!;
        const f = ws[wr + U + j]!;
        const g = ws[wr + 2 * U + j]!;
        const o = ws[wr + 3 * U + j]!;
        const tc = Math.tanh(ws[wr + 4 * U + j]!);
        const cPrev = s > 0 ? ws[prev + j]! : 0;
        const dcv = dc[b * U + j]! + dhv * o * (1 - tc * tc);
        dz[zr + j] = dcv * g * i * (1 - i);
        dz[zr + U + j] = dcv * cPrev * f * (1 - f);
        dz[zr + 2 * U + j] = dcv * i * (1 - g * g);
        dz[zr + 3 * U + j] = dhv * tc * o * (1 - o);
        dc[b * U + j] = dcv * f;
        dh[b * U + j] = 0;
      }
    }
    loadInput(seq, t, xt);
    loadPrevState(seq, y, s, hd);
    inputGrads(seq, t, xt, dz, G, dx, dKernel, dBias);
    outerAdd(hd, U, B, U, dz, G, 0, G, dRecurrent, G, 0);
    dhd.fill(0);
    mulAddT(dz, G, 0, B, G, recurrent, G, 0, U, dhd, U);
    addStateGrad(seq, dhd, dh);
  }
  return { dx, dKernel, dRecurrentKernel: dRecurrent, dBias };
}

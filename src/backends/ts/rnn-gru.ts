import type {
  GruSequenceArgs,
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
 * Fused GRU forward over a whole sequence (Keras gate order z, r, h; tanh / sigmoid), both reset
 * conventions. Workspace per step and row: z, r, hh and q (4·units), where q is the candidate's
 * recurrent term h̃·R_h + b_rec,h (resetAfter) or the reset state r ⊙ h̃ (reset before).
 *
 * @example
 * // Reached through the backend: tsBackend.gruSequence({ ...args, resetAfter: true })
 */
export function gruForward(args: GruSequenceArgs, alloc: Alloc): RnnSequenceResult {
  const seq = unpack(args);
  const { B, T, I, U, kernel, recurrent, bias } = seq;
  const after = args.resetAfter;
  const G = 3 * U;
  const W = 4 * U;
  const like = seq.x;
  const y = alloc(B * T * U, like) as F;
  const h = alloc(B * U, like) as F;
  const ws = alloc(T * B * W, like) as F;
  const xz = alloc(B * G, like) as F;
  const hz = alloc(B * G, like) as F;
  const rh = alloc(B * U, like) as F;
  const xt = alloc(B * I, like) as F;
  const hd = alloc(B * U, like) as F;
  for (let s = 0; s < T; s++) {
    const t = timeIndex(seq, s);
    loadInput(seq, t, xt);
    loadPrevState(seq, y, s, hd);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < G; j++) {
        xz[b * G + j] = bias ? bias[j]! : 0;
        hz[b * G + j] = bias && after ? bias[G + j]! : 0;
      }
    }
    mulAdd(xt, I, B, I, kernel, G, 0, G, xz, G, 0);
    // Reset after: project all three blocks; reset before: only z and r, the candidate comes later.
    mulAdd(hd, U, B, U, recurrent, G, 0, after ? G : 2 * U, hz, G, 0);
    if (!after) {
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < U; j++)
          rh[b * U + j] = sigmoid(xz[b * G + U + j]! + hz[b * G + U + j]!) * hd[b * U + j]!;
      }
      mulAdd(rh, U, B, U, recurrent, G, 2 * U, U, hz, G, 2 * U);
    }
    for (let b = 0; b < B; b++) {
      const real = isReal(seq, b, t);
      const zr = b * G;
      const wr = (s * B + b) * W;
      for (let j = 0; j < U; j++) {
        const z = sigmoid(xz[zr + j]! + hz[zr + j]!);
        const r = sigmoid(xz[zr + U + j]! + hz[zr + U + j]!);
        const q = after ? hz[zr + 2 * U + j]! : rh[b * U + j]!;
        const hh = Math.tanh(xz[zr + 2 * U + j]! + (after ? r * q : hz[zr + 2 * U + j]!));
        if (real) h[b * U + j] = z * h[b * U + j]! + (1 - z) * hh;
        ws[wr + j] = z;
        ws[wr + U + j] = r;
        ws[wr + 2 * U + j] = hh;
        ws[wr + 3 * U + j] = q;
        y[(b * T + s) * U + j] = h[b * U + j]!;
      }
    }
  }
  return { y, h, c: null, workspace: ws };
}

/**
 * Backpropagation through time for `gruForward`, in one call.
 *
 * @example
 * // Reached through the autograd: tsBackend.gruSequenceBackward(args, grads)
 */
export function gruBackward(
  args: GruSequenceArgs,
  grads: RnnSequenceBackwardInputs,
  alloc: Alloc,
): RnnSequenceGrads {
  const seq = unpack(args);
  const { B, T, I, U, recurrent } = seq;
  const after = args.resetAfter;
  const G = 3 * U;
  const W = 4 * U;
  const like = seq.x;
  const y = grads.y.data as F;
  const ws = grads.workspace!.data as F;
  const dy = grads.dy.data as F;
  const dx = alloc(B * T * I, like) as F;
  const dKernel = alloc(I * G, like) as F;
  const dRecurrent = alloc(U * G, like) as F;
  const dBias = seq.bias ? (alloc(seq.bias.length, like) as F) : null;
  const dh = (grads.dh.data as F).slice();
  // dX: gradient of the input projection [z, r, h]; dH: of the recurrent projection [z, r, q].
  const dX = alloc(B * G, like) as F;
  const dH = alloc(B * G, like) as F;
  const drh = alloc(B * U, like) as F;
  const rh = alloc(B * U, like) as F;
  const xt = alloc(B * I, like) as F;
  const hd = alloc(B * U, like) as F;
  const dhd = alloc(B * U, like) as F;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeIndex(seq, s);
    loadInput(seq, t, xt);
    loadPrevState(seq, y, s, hd);
    dX.fill(0);
    dH.fill(0);
    dhd.fill(0);
    for (let b = 0; b < B; b++) {
      const real = isReal(seq, b, t);
      const zr = b * G;
      const wr = (s * B + b) * W;
      for (let j = 0; j < U; j++) {
        const dhv = dh[b * U + j]! + dy[(b * T + s) * U + j]!;
        if (!real) {
          dh[b * U + j] = dhv;
          continue;
        }
        const z = ws[wr + j]!;
        const r = ws[wr + U + j]!;
        const hh = ws[wr + 2 * U + j]!;
        const hPrev = s > 0 ? y[(b * T + s - 1) * U + j]! : 0;
        const da = dhv * (1 - z) * (1 - hh * hh);
        const dzz = dhv * (hPrev - hh) * z * (1 - z);
        dX[zr + j] = dzz;
        dX[zr + 2 * U + j] = da;
        dH[zr + j] = dzz;
        if (after) {
          const q = ws[wr + 3 * U + j]!;
          const dzr = da * q * r * (1 - r);
          dX[zr + U + j] = dzr;
          dH[zr + U + j] = dzr;
          dH[zr + 2 * U + j] = da * r;
        }
        // The update gate mixes in the undropped previous state directly.
        dh[b * U + j] = dhv * z;
      }
    }
    if (!after) {
      // Candidate = tanh(xh + (r ⊙ h̃)·R_h): route da through R_h to r and to h̃.
      drh.fill(0);
      mulAddT(dX, G, 2 * U, B, U, recurrent, G, 2 * U, U, drh, U);
      for (let b = 0; b < B; b++) {
        if (!isReal(seq, b, t)) continue;
        const wr = (s * B + b) * W;
        for (let j = 0; j < U; j++) {
          const r = ws[wr + U + j]!;
          const dzr = drh[b * U + j]! * hd[b * U + j]! * r * (1 - r);
          dX[b * G + U + j] = dzr;
          dH[b * G + U + j] = dzr;
          dhd[b * U + j] = drh[b * U + j]! * r;
        }
      }
      // r ⊙ h̃ is the workspace's q block: dR_h += (r ⊙ h̃)ᵀ · da (masked rows have da = 0).
      for (let b = 0; b < B; b++)
        for (let j = 0; j < U; j++) rh[b * U + j] = ws[(s * B + b) * W + 3 * U + j]!;
      outerAdd(rh, U, B, U, dX, G, 2 * U, U, dRecurrent, G, 2 * U);
    }
    inputGrads(seq, t, xt, dX, G, dx, dKernel, dBias);
    const cols = after ? G : 2 * U;
    outerAdd(hd, U, B, U, dH, G, 0, cols, dRecurrent, G, 0);
    if (dBias && after)
      for (let b = 0; b < B; b++) for (let j = 0; j < G; j++) dBias[G + j]! += dH[b * G + j]!;
    mulAddT(dH, G, 0, B, cols, recurrent, G, 0, U, dhd, U);
    addStateGrad(seq, dhd, dh);
  }
  return { dx, dKernel, dRecurrentKernel: dRecurrent, dBias };
}

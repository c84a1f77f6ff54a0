// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Fused SimpleRNN recurrence: h' = act(x̃·K + b + h̃·R), activation codes 0 linear, 1 relu,
// 2 sigmoid, 3 tanh (as fused.ts). No workspace: the backward takes act' from the outputs.
// Padded layout and masks: see rnn-common.ts and ../rnn.ts.

import { Vec } from './math';
import { compactRows, isReal, Lanes, padState, startState, stateGrad } from './rnn-common';
import { Gate } from './rnn-math';

/** act(v) for one of the activation codes. */
function activate(act: i32, v: v128): v128 {
  if (act === 3) return Gate.tanh(v);
  if (act === 2) return Gate.sigmoid(v);
  if (act === 1) return Vec.relu(v);
  return v;
}

/** The activation's derivative written in terms of its output y (as the reference does). */
function derivative(act: i32, y: v128): v128 {
  const one = f32x4.splat(1);
  if (act === 3) return f32x4.sub(one, f32x4.mul(y, y));
  if (act === 2) return f32x4.mul(y, f32x4.sub(one, y));
  if (act === 1) return v128.and(one, f32x4.gt(y, f32x4.splat(0)));
  return one;
}

/** The arguments of simpleRnnForward (flags as i32); the JS side writes them with the generated writer. */
@unmanaged
class SimpleRnnForwardArgs {
  xp: usize;
  /** An Embedding's indices [B·T] when xp is the table's projection [V, ·] (the fold), else 0. */
  xpRows: usize;
  rp: usize;
  bias: usize;
  mask: usize;
  rd: usize;
  B: i32;
  T: i32;
  U: i32;
  Up: i32;
  back: i32;
  act: i32;
  y: usize;
  hOut: usize;
  scratch: usize;
  /** Initial h [B, U], or 0 for zeros. */
  h0: usize;
}

/**
 * Forward over all steps. xp [B·T, Up] is x̃·K (rows b·T + t), bias [Up] padded (or 0), rp the
 * padded recurrent kernel [U, Up], rd the padded recurrent dropout [B, Up] (or 0). Writes y [B, T, U]
 * and the final h [B, U], starting from h0 [B, U] (0: zeros). scratch: 3·B·Up floats.
 */
export function simpleRnnForward(args: SimpleRnnForwardArgs): void {
  const xp = args.xp;
  const xpRows = args.xpRows;
  const rp = args.rp;
  const bias = args.bias;
  const mask = args.mask;
  const rd = args.rd;
  const B = args.B;
  const T = args.T;
  const U = args.U;
  const Up = args.Up;
  const back = args.back !== 0;
  const act = args.act;
  const y = args.y;
  const hOut = args.hOut;
  const scratch = args.scratch;
  const row = <usize>(Up << 2);
  const hs = scratch;
  const hd = rd !== 0 ? hs + <usize>B * row : hs;
  const as = hs + <usize>(2 * B) * row; // [B, Up] pre-activations
  memory.fill(hs, 0, <usize>(2 * B) * row);
  startState(args.h0, rd, B, U, Up, hs, hd);
  for (let s = 0; s < T; s++) {
    const t = back ? T - 1 - s : s;
    // Two passes, so the rows' matmuls and activations overlap (see lstmForward).
    for (let b = 0; b < B; b++) {
      if (isReal(mask, b, T, t))
        Lanes.matRow(
          hd + <usize>b * row,
          U,
          rp,
          row,
          Up,
          Lanes.inputRow(xp, xpRows, b * T + t, row),
          bias,
          as + <usize>b * row,
        );
    }
    for (let b = 0; b < B; b++) {
      const o = <usize>b * row;
      if (isReal(mask, b, T, t)) {
        for (let j = 0; j < Up; j += 4) {
          const p = <usize>(j << 2);
          const h = activate(act, v128.load(as + o + p));
          v128.store(hs + o + p, h);
          if (rd !== 0) v128.store(hd + o + p, f32x4.mul(h, v128.load(rd + o + p)));
        }
      }
      const yr = y + <usize>((b * T + s) * U) * 4;
      for (let j = 0; j < U; j += 4)
        Lanes.store(yr + <usize>(j << 2), v128.load(hs + o + <usize>(j << 2)), min(4, U - j));
    }
  }
  compactRows(hs, B, U, Up, hOut);
}

/** The arguments of simpleRnnBackward (flags as i32); the JS side writes them with the generated writer. */
@unmanaged
class SimpleRnnBackwardArgs {
  y: usize;
  dy: usize;
  dhIn: usize;
  rt: usize;
  mask: usize;
  rd: usize;
  B: i32;
  T: i32;
  U: i32;
  Up: i32;
  back: i32;
  act: i32;
  da: usize;
  scratch: usize;
  /** Where to write the initial state's gradient [B, U], or 0. */
  dh0: usize;
}

/**
 * Backward through time: writes da [B·T, Up] (rows b·T + t, the gradient of the pre-activation;
 * zero rows for masked steps). rt is the padded transposed recurrent kernel [Up, Up]. With dh0 set,
 * writes the initial state's gradient [B, U] there. scratch: B·Up floats.
 */
export function simpleRnnBackward(args: SimpleRnnBackwardArgs): void {
  const y = args.y;
  const dy = args.dy;
  const dhIn = args.dhIn;
  const rt = args.rt;
  const mask = args.mask;
  const rd = args.rd;
  const B = args.B;
  const T = args.T;
  const U = args.U;
  const Up = args.Up;
  const back = args.back !== 0;
  const act = args.act;
  const da = args.da;
  const scratch = args.scratch;
  const row = <usize>(Up << 2);
  const dh = scratch;
  padState(dhIn, B, U, Up, dh);
  for (let s = T - 1; s >= 0; s--) {
    const t = back ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const o = <usize>b * row;
      const dar = da + <usize>(b * T + t) * row;
      const yr = y + <usize>((b * T + s) * U) * 4;
      const dyr = dy + <usize>((b * T + s) * U) * 4;
      if (!isReal(mask, b, T, t)) {
        // A masked step passed the state through: its gradient flows straight back.
        Lanes.addRow(dh + o, dyr, U);
        memory.fill(dar, 0, row);
        continue;
      }
      for (let j = 0; j < Up; j += 4) {
        const n = min(4, U - j);
        const p = <usize>(j << 2);
        const dhv = f32x4.add(v128.load(dh + o + p), Lanes.load(dyr + p, n));
        v128.store(dar + p, f32x4.mul(dhv, derivative(act, Lanes.load(yr + p, n))));
      }
    }
    // Second pass: the recurrent terms da·Rᵀ (⊙ rd) of the real rows, so the rows' matmuls overlap.
    for (let b = 0; b < B; b++) {
      if (!isReal(mask, b, T, t)) continue;
      const o = <usize>b * row;
      Lanes.matRow(da + <usize>(b * T + t) * row, Up, rt, row, Up, 0, 0, dh + o);
      if (rd !== 0) {
        for (let j = 0; j < Up; j += 4) {
          const p = <usize>(j << 2);
          v128.store(dh + o + p, f32x4.mul(v128.load(dh + o + p), v128.load(rd + o + p)));
        }
      }
    }
  }
  stateGrad(dh, B, U, Up, args.dh0);
}

// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Fused GRU recurrence (Keras gate order z, r, h), both reset conventions. As for the LSTM, x̃·K of
// every step comes from one GEMM (xp) and the backward leaves per-step gradients for the GEMMs.
// Padded layout and masks: see rnn-common.ts and ../rnn.ts.

import { compactRows, isReal, Lanes, padState, startState, stateGrad } from './rnn-common';
import { Gate } from './rnn-math';

/** The arguments of gruForward (flags as i32); the JS side writes them with the generated writer. */
@unmanaged
class GruForwardArgs {
  xp: usize;
  /** An Embedding's indices [B·T] when xp is the table's projection [V, ·] (the fold), else 0. */
  xpRows: usize;
  rp: usize;
  bIn: usize;
  bRec: usize;
  mask: usize;
  rd: usize;
  B: i32;
  T: i32;
  U: i32;
  Up: i32;
  back: i32;
  wsB: i32;
  after: i32;
  y: usize;
  ws: usize;
  hOut: usize;
  scratch: usize;
  /** Initial h [B, U], or 0 for zeros. */
  h0: usize;
}

/**
 * Forward over all steps. xp [B·T, 3·Up] is x̃·K (rows b·T + t); bIn, bRec [3·Up] are the padded
 * input and recurrent biases (either may be 0; bRec only with resetAfter); rp the padded recurrent
 * kernel [U, 3·Up]; rd the padded recurrent dropout [B, Up] or 0. Writes y [B, T, U], the workspace
 * [T, B, 4·U] (z, r, hh and q) and the final h [B, U], starting from h0 [B, U] (0: zeros).
 * scratch: 6·B·Up floats.
 * Each step runs in passes over the batch rows, so independent rows overlap (see lstmForward).
 */
export function gruForward(args: GruForwardArgs): void {
  const xp = args.xp;
  const xpRows = args.xpRows;
  const rp = args.rp;
  const bIn = args.bIn;
  const bRec = args.bRec;
  const mask = args.mask;
  const rd = args.rd;
  const B = args.B;
  const T = args.T;
  const U = args.U;
  const Up = args.Up;
  const back = args.back !== 0;
  const wsB = args.wsB;
  const after = args.after !== 0;
  const y = args.y;
  const ws = args.ws;
  const hOut = args.hOut;
  const scratch = args.scratch;
  const gp = 3 * Up;
  const ldr = <usize>(gp << 2);
  const row = <usize>(Up << 2);
  const blk = row;
  const hs = scratch;
  const hd = rd !== 0 ? hs + <usize>B * row : hs;
  const hzs = hs + <usize>(2 * B) * row; // [B, 3·Up]: h̃·R (+ b_rec), then z, r, and the candidate's input
  const rhs = hzs + <usize>B * ldr; // [B, Up]: reset before, r ⊙ h̃
  memory.fill(hs, 0, <usize>(2 * B) * row);
  startState(args.h0, rd, B, U, Up, hs, hd);
  const W = 4 * U;
  const one = f32x4.splat(1);
  for (let s = 0; s < T; s++) {
    const t = back ? T - 1 - s : s;
    const cols = after ? gp : 2 * Up;
    for (let b = 0; b < B; b++)
      Lanes.matRow(hd + <usize>b * row, U, rp, ldr, cols, after ? bRec : 0, 0, hzs + <usize>b * ldr);
    if (!after) {
      // Reset before: the candidate's recurrent term is (r ⊙ h̃)·R_h, so r comes first.
      for (let b = 0; b < B; b++) {
        const hz = hzs + <usize>b * ldr;
        const xr = Lanes.inputRow(xp, xpRows, b * T + t, ldr);
        for (let j = 0; j < Up; j += 4) {
          const p = <usize>(j << 2);
          const r = Gate.sigmoid(f32x4.add(Lanes.init(xr, bIn, blk + p), v128.load(hz + blk + p)));
          v128.store(hz + blk + p, r);
          v128.store(rhs + <usize>b * row + p, f32x4.mul(r, v128.load(hd + <usize>b * row + p)));
        }
      }
      for (let b = 0; b < B; b++)
        Lanes.matRow(rhs + <usize>b * row, U, rp + 2 * blk, ldr, Up, 0, 0, hzs + <usize>b * ldr + 2 * blk);
    }
    for (let b = 0; b < B; b++) {
      const hz = hzs + <usize>b * ldr;
      const xr = Lanes.inputRow(xp, xpRows, b * T + t, ldr);
      const wr = ws + <usize>((s * wsB + b) * W) * 4;
      for (let j = 0; j < Up; j += 4) {
        const n = min(4, U - j);
        const p = <usize>(j << 2);
        const z = Gate.sigmoid(f32x4.add(Lanes.init(xr, bIn, p), v128.load(hz + p)));
        let r: v128;
        let q: v128;
        let a: v128;
        if (after) {
          r = Gate.sigmoid(f32x4.add(Lanes.init(xr, bIn, blk + p), v128.load(hz + blk + p)));
          q = v128.load(hz + 2 * blk + p);
          a = f32x4.mul(r, q);
        } else {
          r = v128.load(hz + blk + p);
          q = v128.load(rhs + <usize>b * row + p);
          a = v128.load(hz + 2 * blk + p);
        }
        v128.store(hz + p, z);
        v128.store(hz + 2 * blk + p, f32x4.add(Lanes.init(xr, bIn, 2 * blk + p), a));
        Lanes.store(wr + p, z, n);
        Lanes.store(wr + <usize>(U << 2) + p, r, n);
        Lanes.store(wr + <usize>(12 * U) + p, q, n);
      }
    }
    for (let b = 0; b < B; b++) {
      const real = isReal(mask, b, T, t);
      const o = <usize>b * row;
      const hz = hzs + <usize>b * ldr;
      const wr = ws + <usize>((s * wsB + b) * W) * 4;
      const yr = y + <usize>((b * T + s) * U) * 4;
      for (let j = 0; j < Up; j += 4) {
        const n = min(4, U - j);
        const p = <usize>(j << 2);
        const hh = Gate.tanh(v128.load(hz + 2 * blk + p));
        let h = v128.load(hs + o + p);
        if (real) {
          const z = v128.load(hz + p);
          h = f32x4.add(f32x4.mul(z, h), f32x4.mul(f32x4.sub(one, z), hh));
          v128.store(hs + o + p, h);
          if (rd !== 0) v128.store(hd + o + p, f32x4.mul(h, v128.load(rd + o + p)));
        }
        Lanes.store(wr + <usize>(U << 3) + p, hh, n);
        Lanes.store(yr + p, h, n);
      }
    }
  }
  compactRows(hs, B, U, Up, hOut);
}

/** The arguments of gruBackward (flags as i32); the JS side writes them with the generated writer. */
@unmanaged
class GruBackwardArgs {
  ws: usize;
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
  wsB: i32;
  after: i32;
  dX: usize;
  dH: usize;
  qOut: usize;
  scratch: usize;
  /** The forward's initial h [B, U] (or 0); where to write its gradient (or 0). */
  h0: usize;
  dh0: usize;
}

/**
 * Backward through time. Writes dX, the gradient of the input projection [z, r, h], and dH, of the
 * recurrent projection [z, r, q] (resetAfter; otherwise only its z and r blocks), both [B·T, 3·Up]
 * with rows b·T + t; reset before also writes q = r ⊙ h̃ per row into qOut [B·T, Up] for dR_h.
 * rt is the padded transposed recurrent kernel [3·Up, Up]. With dh0 set, writes the initial state's
 * gradient [B, U] there (the forward started from h0, else zeros). scratch: (B + 3)·Up floats.
 */
export function gruBackward(args: GruBackwardArgs): void {
  const ws = args.ws;
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
  const wsB = args.wsB;
  const after = args.after !== 0;
  const dX = args.dX;
  const dH = args.dH;
  const qOut = args.qOut;
  const scratch = args.scratch;
  const gp = 3 * Up;
  const row = <usize>(Up << 2);
  const blk = row;
  const dh = scratch;
  const drh = dh + <usize>B * row;
  const part = drh + row;
  const dhd = part + row;
  padState(dhIn, B, U, Up, dh);
  const W = 4 * U;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  for (let s = T - 1; s >= 0; s--) {
    const t = back ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const o = <usize>b * row;
      const dxr = dX + <usize>((b * T + t) * gp) * 4;
      const dhr = dH + <usize>((b * T + t) * gp) * 4;
      const dyr = dy + <usize>((b * T + s) * U) * 4;
      if (!isReal(mask, b, T, t)) {
        Lanes.addRow(dh + o, dyr, U);
        memory.fill(dxr, 0, <usize>(gp << 2));
        memory.fill(dhr, 0, <usize>(gp << 2));
        if (!after) memory.fill(qOut + <usize>(b * T + t) * row, 0, row);
        continue;
      }
      const wr = ws + <usize>((s * wsB + b) * W) * 4;
      const yp = prevRow(y, args.h0, b, T, U, s);
      for (let j = 0; j < Up; j += 4) {
        const n = min(4, U - j);
        const p = <usize>(j << 2);
        const dhv = f32x4.add(v128.load(dh + o + p), Lanes.load(dyr + p, n));
        const z = Lanes.load(wr + p, n);
        const hh = Lanes.load(wr + <usize>(U << 3) + p, n);
        const hPrev = yp !== 0 ? Lanes.load(yp + p, n) : zero;
        const da = f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(hh, hh)));
        const dzz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(hPrev, hh)), f32x4.mul(z, f32x4.sub(one, z)));
        v128.store(dxr + p, dzz);
        v128.store(dxr + 2 * blk + p, da);
        v128.store(dhr + p, dzz);
        if (after) {
          const r = Lanes.load(wr + <usize>(U << 2) + p, n);
          const q = Lanes.load(wr + <usize>(12 * U) + p, n);
          const dzr = f32x4.mul(f32x4.mul(da, q), f32x4.mul(r, f32x4.sub(one, r)));
          v128.store(dxr + blk + p, dzr);
          v128.store(dhr + blk + p, dzr);
          v128.store(dhr + 2 * blk + p, f32x4.mul(da, r));
        }
        // The update gate mixes in the undropped previous state directly.
        v128.store(dh + o + p, f32x4.mul(dhv, z));
      }
    }
    // Second pass: the recurrent terms (matmuls with Rᵀ), separate so the rows overlap.
    for (let b = 0; b < B; b++) {
      if (!isReal(mask, b, T, t)) continue;
      const o = <usize>b * row;
      const dxr = dX + <usize>((b * T + t) * gp) * 4;
      const dhr = dH + <usize>((b * T + t) * gp) * 4;
      if (after) Lanes.matRow(dhr, gp, rt, row, Up, 0, 0, dhd);
      else {
        // Candidate = tanh(xh + (r ⊙ h̃)·R_h): route da through R_h to r and to h̃.
        const wr = ws + <usize>((s * wsB + b) * W) * 4;
        const yp = prevRow(y, args.h0, b, T, U, s);
        Lanes.matRow(dxr + 2 * blk, Up, rt + <usize>(2 * Up) * row, row, Up, 0, 0, drh);
        const qr = qOut + <usize>(b * T + t) * row;
        for (let j = 0; j < Up; j += 4) {
          const n = min(4, U - j);
          const p = <usize>(j << 2);
          const r = Lanes.load(wr + <usize>(U << 2) + p, n);
          let hdv = yp !== 0 ? Lanes.load(yp + p, n) : zero;
          if (rd !== 0) hdv = f32x4.mul(hdv, v128.load(rd + o + p));
          const g = v128.load(drh + p);
          const dzr = f32x4.mul(f32x4.mul(g, hdv), f32x4.mul(r, f32x4.sub(one, r)));
          v128.store(dxr + blk + p, dzr);
          v128.store(dhr + blk + p, dzr);
          v128.store(part + p, f32x4.mul(g, r));
          v128.store(qr + p, Lanes.load(wr + <usize>(12 * U) + p, n));
        }
        Lanes.matRow(dhr, 2 * Up, rt, row, Up, part, 0, dhd);
      }
      for (let j = 0; j < Up; j += 4) {
        const p = <usize>(j << 2);
        let g = v128.load(dhd + p);
        if (rd !== 0) g = f32x4.mul(g, v128.load(rd + o + p));
        v128.store(dh + o + p, f32x4.add(v128.load(dh + o + p), g));
      }
    }
  }
  stateGrad(dh, B, U, Up, args.dh0);
}

/**
 * The state before step s of row b: y's previous row, at s = 0 the initial state (0: zeros). Once
 * per row and step, next to a row's work of several vectors per unit (binaryen may inline it).
 */
function prevRow(y: usize, h0: usize, b: i32, T: i32, U: i32, s: i32): usize {
  if (s > 0) return y + <usize>((b * T + s - 1) * U) * 4;
  return h0 !== 0 ? h0 + <usize>(b * U) * 4 : 0;
}

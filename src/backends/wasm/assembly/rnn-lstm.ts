// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Fused LSTM recurrence (Keras gate order i, f, c, o). The input projection x̃·K of every step is one
// GEMM before the forward (xp), and the backward leaves the gate gradients of every step (dz) for
// the GEMMs that make dx, dK, dR and the bias gradient; these kernels run only the sequential part.
// Padded layout, workspace and masks: see rnn-common.ts and ../rnn.ts.

import { compactRows, isReal, Lanes, padState, startState, stateGrad } from './rnn-common';
import { Gate } from './rnn-math';

/** The arguments of lstmForward (flags as i32); the JS side writes them with the generated writer. */
@unmanaged
class LstmForwardArgs {
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
  wsB: i32;
  y: usize;
  ws: usize;
  hOut: usize;
  cOut: usize;
  scratch: usize;
  /** Initial h and c [B, U], or 0 for zeros. */
  h0: usize;
  c0: usize;
}

/**
 * Forward over all steps. xp [B·T, 4·Up] (rows b·T + t) is x̃·K, bias [4·Up] (padded, or 0), rp the
 * padded recurrent kernel [U, 4·Up], rd the padded recurrent dropout [B, Up] (or 0). Writes y
 * [B, T, U] (processing order), the workspace [T, B, 5·U] (per step and row: i, f, g, o, c after
 * masking; wsB rows per step, so a call may run a slice of the batch
 rows) and the final h, c [B, U]. The states start from h0, c0 [B, U] (0: zeros). scratch: 7·B·Up floats.
 *
 * Each step runs in three passes over the batch rows: pre-activations, gates and carry, outputs.
 * Why: one row's work is a chain (matmul → exp → divide → c → tanh(c) → h) longer than the CPU's
 * reorder window, so row by row the kernel waited on latency; within a pass rows are independent.
 */
export function lstmForward(args: LstmForwardArgs): void {
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
  const wsB = args.wsB;
  const y = args.y;
  const ws = args.ws;
  const hOut = args.hOut;
  const cOut = args.cOut;
  const scratch = args.scratch;
  const gp = 4 * Up;
  const ldz = <usize>(gp << 2);
  const row = <usize>(Up << 2);
  const blk = row; // bytes between gate blocks of a padded row
  const hs = scratch;
  const cs = hs + <usize>B * row;
  const hd = rd !== 0 ? cs + <usize>B * row : hs; // h̃ = h ⊙ rd, the recurrent matmul's operand
  const zs = cs + <usize>(2 * B) * row; // [B, 4·Up] pre-activations, then the o gate
  memory.fill(hs, 0, <usize>(3 * B) * row);
  startState(args.h0, rd, B, U, Up, hs, hd);
  padState(args.c0, B, U, Up, cs);
  const W = 5 * U;
  for (let s = 0; s < T; s++) {
    const t = back ? T - 1 - s : s;
    for (let b = 0; b < B; b++)
      Lanes.matRow(
        hd + <usize>b * row,
        U,
        rp,
        ldz,
        gp,
        Lanes.inputRow(xp, xpRows, b * T + t, ldz),
        bias,
        zs + <usize>b * ldz,
      );
    for (let b = 0; b < B; b++) {
      const real = isReal(mask, b, T, t);
      const z = zs + <usize>b * ldz;
      const c0 = cs + <usize>b * row;
      const wr = ws + <usize>((s * wsB + b) * W) * 4;
      for (let j = 0; j < Up; j += 4) {
        const n = min(4, U - j);
        const p = <usize>(j << 2);
        const i = Gate.sigmoid(v128.load(z + p));
        const f = Gate.sigmoid(v128.load(z + blk + p));
        const g = Gate.tanh(v128.load(z + 2 * blk + p));
        const og = Gate.sigmoid(v128.load(z + 3 * blk + p));
        let c = v128.load(c0 + p);
        if (real) {
          c = f32x4.add(f32x4.mul(f, c), f32x4.mul(i, g));
          v128.store(c0 + p, c);
        }
        v128.store(z + 3 * blk + p, og);
        Lanes.store(wr + p, i, n);
        Lanes.store(wr + <usize>(U << 2) + p, f, n);
        Lanes.store(wr + <usize>(U << 3) + p, g, n);
        Lanes.store(wr + <usize>(12 * U) + p, og, n);
        Lanes.store(wr + <usize>(U << 4) + p, c, n);
      }
    }
    for (let b = 0; b < B; b++) {
      const o = <usize>b * row;
      if (isReal(mask, b, T, t)) {
        const og = zs + <usize>b * ldz + 3 * blk;
        for (let j = 0; j < Up; j += 4) {
          const p = <usize>(j << 2);
          const h = f32x4.mul(v128.load(og + p), Gate.tanh(v128.load(cs + o + p)));
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
  compactRows(cs, B, U, Up, cOut);
}

/** The arguments of lstmBackward (flags as i32); the JS side writes them with the generated writer. */
@unmanaged
class LstmBackwardArgs {
  ws: usize;
  dy: usize;
  dhIn: usize;
  dcIn: usize;
  rt: usize;
  mask: usize;
  rd: usize;
  B: i32;
  T: i32;
  U: i32;
  Up: i32;
  back: i32;
  wsB: i32;
  dz: usize;
  scratch: usize;
  /** The forward's initial c [B, U] (or 0); where to write the initial states' gradients (or 0). */
  c0: usize;
  dh0: usize;
  dc0: usize;
}

/**
 * Backward through time. Reads the workspace and dy [B, T, U]; dh, dc [B, U] are the gradients of the
 * final states (dc may be 0). rt is the padded transposed recurrent kernel [4·Up, Up]. Writes dz
 * [B·T, 4·Up] (rows b·T + t, pad lanes 0; zero rows for masked steps) and, when dh0 / dc0 are set,
 * the gradients of the initial states [B, U] (what remains of dh, dc after the first step).
 * scratch: 2·B·Up floats.
 */
export function lstmBackward(args: LstmBackwardArgs): void {
  const ws = args.ws;
  const dy = args.dy;
  const dhIn = args.dhIn;
  const dcIn = args.dcIn;
  const rt = args.rt;
  const mask = args.mask;
  const rd = args.rd;
  const B = args.B;
  const T = args.T;
  const U = args.U;
  const Up = args.Up;
  const back = args.back !== 0;
  const wsB = args.wsB;
  const dz = args.dz;
  const scratch = args.scratch;
  const gp = 4 * Up;
  const row = <usize>(Up << 2);
  const blk = row;
  const dh = scratch;
  const dc = dh + <usize>B * row;
  padState(dhIn, B, U, Up, dh);
  padState(dcIn, B, U, Up, dc);
  const W = 5 * U;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  for (let s = T - 1; s >= 0; s--) {
    const t = back ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const o = <usize>b * row;
      const dzr = dz + <usize>((b * T + t) * gp) * 4;
      const dyr = dy + <usize>((b * T + s) * U) * 4;
      if (!isReal(mask, b, T, t)) {
        // A masked step passed h and c through unchanged: their gradients flow straight back.
        Lanes.addRow(dh + o, dyr, U);
        memory.fill(dzr, 0, <usize>(gp << 2));
        continue;
      }
      const wr = ws + <usize>((s * wsB + b) * W) * 4;
      const c0 = args.c0;
      const pr =
        s > 0 ? ws + <usize>(((s - 1) * wsB + b) * W + 4 * U) * 4 : c0 !== 0 ? c0 + <usize>(b * U) * 4 : 0;
      for (let j = 0; j < Up; j += 4) {
        const n = min(4, U - j);
        const p = <usize>(j << 2);
        const dhv = f32x4.add(v128.load(dh + o + p), Lanes.load(dyr + p, n));
        const i = Lanes.load(wr + p, n);
        const f = Lanes.load(wr + <usize>(U << 2) + p, n);
        const g = Lanes.load(wr + <usize>(U << 3) + p, n);
        const og = Lanes.load(wr + <usize>(12 * U) + p, n);
        const tc = Gate.tanh(Lanes.load(wr + <usize>(U << 4) + p, n));
        const cPrev = pr !== 0 ? Lanes.load(pr + p, n) : zero;
        const dcv = f32x4.add(
          v128.load(dc + o + p),
          f32x4.mul(f32x4.mul(dhv, og), f32x4.sub(one, f32x4.mul(tc, tc))),
        );
        const di = f32x4.mul(f32x4.mul(dcv, g), f32x4.mul(i, f32x4.sub(one, i)));
        const df = f32x4.mul(f32x4.mul(dcv, cPrev), f32x4.mul(f, f32x4.sub(one, f)));
        const dg = f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g)));
        const dov = f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(og, f32x4.sub(one, og)));
        v128.store(dzr + p, di);
        v128.store(dzr + blk + p, df);
        v128.store(dzr + 2 * blk + p, dg);
        v128.store(dzr + 3 * blk + p, dov);
        v128.store(dc + o + p, f32x4.mul(dcv, f));
      }
    }
    // Second pass: a real step consumed h, so its gradient restarts from the recurrent term
    // dz·Rᵀ (⊙ rd). Separate from the gate pass so the rows' matmuls overlap.
    for (let b = 0; b < B; b++) {
      if (!isReal(mask, b, T, t)) continue;
      const o = <usize>b * row;
      Lanes.matRow(dz + <usize>((b * T + t) * gp) * 4, gp, rt, row, Up, 0, 0, dh + o);
      if (rd !== 0) {
        for (let j = 0; j < Up; j += 4) {
          const p = <usize>(j << 2);
          v128.store(dh + o + p, f32x4.mul(v128.load(dh + o + p), v128.load(rd + o + p)));
        }
      }
    }
  }
  stateGrad(dh, B, U, Up, args.dh0);
  stateGrad(dc, B, U, Up, args.dc0);
}

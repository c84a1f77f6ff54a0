import type {
  RnnSequenceArgs,
  RnnSequenceBackwardInputs,
  RnnSequenceGrads,
  RnnSequenceResult,
} from '../../backend/backend.js';
import {
  writeGruBackwardArgs,
  writeGruForwardArgs,
  writeLstmBackwardArgs,
  writeLstmForwardArgs,
  writeSimpleRnnBackwardArgs,
  writeSimpleRnnForwardArgs,
} from './generated/kernels-exports.js';
import type { Heap } from './heap.js';
import { ACT_CODE } from './kernels.js';
import { type Frame, inFrame, ptr } from './rnn-frame.js';

function lstmForward(f: Frame): RnnSequenceResult {
  const { B, T, U, Up, heap } = f;
  const { ws, wsSize } = f.workspace(T * B * 5 * U);
  const { xp, xpRows } = f.project();
  const y = heap.malloc(B * T * U);
  const h = heap.malloc(B * U);
  const c = heap.malloc(B * U);
  const scratch = f.temp(7 * B * Up);
  const [rp, bias, rd] = [f.recurrent(), f.inputBias(), f.rd()];
  const { mask, back } = f;
  const [h0, c0] = [f.h0, f.c0];
  const args = {
    xp,
    xpRows,
    rp,
    bias,
    mask,
    rd,
    B,
    T,
    U,
    Up,
    back,
    wsB: B,
    y,
    ws,
    hOut: h,
    cOut: c,
    scratch,
    h0,
    c0,
  };
  f.k.lstmForward(writeLstmForwardArgs(heap, heap.argBlock, args));
  return { y, h, c, workspace: ws, workspaceSize: wsSize };
}

function lstmBackward(f: Frame, g: RnnSequenceBackwardInputs): RnnSequenceGrads {
  const { B, T, U, Up, Gp } = f;
  const dz = f.temp(B * T * Gp);
  const scratch = f.temp(2 * B * Up);
  const [ws, dy, dhIn, dcIn] = [ptr(g.workspace), ptr(g.dy), ptr(g.dh), ptr(g.dc)];
  f.keptIn(ws, T * B * 5 * U);
  const [rt, rd] = [f.transposed(), f.rd()];
  const { mask, back, heap } = f;
  const [dh0, dc0] = [f.stateGrad(f.args.initialH), f.stateGrad(f.args.initialC)];
  const states = { c0: f.c0, dh0, dc0 };
  const args = { ws, dy, dhIn, dcIn, rt, mask, rd, B, T, U, Up, back, wsB: B, dz, scratch, ...states };
  f.k.lstmBackward(writeLstmBackwardArgs(heap, heap.argBlock, args));
  const { biasRows, ...input } = f.inputGrads(dz);
  return {
    ...input,
    dRecurrentKernel: f.recurrentGrad(dz, ptr(g.y), Gp),
    dBias: f.args.bias ? f.biasGrad(biasRows) : null,
    dInitialH: dh0 || null,
    dInitialC: dc0 || null,
  };
}

function gruForward(f: Frame, after: boolean): RnnSequenceResult {
  const { B, T, U, Up, heap } = f;
  const { ws, wsSize } = f.workspace(T * B * 4 * U);
  const { xp, xpRows } = f.project();
  const y = heap.malloc(B * T * U);
  const h = heap.malloc(B * U);
  const scratch = f.temp(6 * B * Up);
  const bRec = after ? f.bias(1) : 0;
  const [rp, bIn, rd] = [f.recurrent(), f.inputBias(), f.rd()];
  const { mask, back } = f;
  const flags = { back, wsB: B, after: after ? 1 : 0 };
  const args = {
    xp,
    xpRows,
    rp,
    bIn,
    bRec,
    mask,
    rd,
    B,
    T,
    U,
    Up,
    ...flags,
    y,
    ws,
    hOut: h,
    scratch,
    h0: f.h0,
  };
  f.k.gruForward(writeGruForwardArgs(heap, heap.argBlock, args));
  return { y, h, c: null, workspace: ws, workspaceSize: wsSize };
}

function gruBackward(f: Frame, g: RnnSequenceBackwardInputs, after: boolean): RnnSequenceGrads {
  const { B, T, U, Up, Gp } = f;
  const dX = f.temp(B * T * Gp);
  const dH = f.temp(B * T * Gp);
  const q = after ? 0 : f.temp(B * T * Up);
  const scratch = f.temp((B + 3) * Up);
  const [ws, y, dy, dhIn] = [ptr(g.workspace), ptr(g.y), ptr(g.dy), ptr(g.dh)];
  f.keptIn(ws, T * B * 4 * U);
  const [rt, rd] = [f.transposed(), f.rd()];
  const { mask, back, heap } = f;
  const flags = { back, wsB: B, after: after ? 1 : 0 };
  const dh0 = f.stateGrad(f.args.initialH);
  const states = { h0: f.h0, dh0 };
  const args = { ws, y, dy, dhIn, rt, mask, rd, B, T, U, Up, ...flags, dX, dH, qOut: q, scratch, ...states };
  f.k.gruBackward(writeGruBackwardArgs(heap, heap.argBlock, args));
  // Reset before: the candidate's block of dR is (r ⊙ h̃)ᵀ·da, not h̃ᵀ·(something).
  const candidate = (work: number) =>
    f.gemm(U, Up, B * T, q, 1, Up, dX + 2 * Up * 4, Gp, 1, work + 2 * Up * 4, Gp);
  // The bias gradient sums dX's B·T per-step rows. (With the fold, inputGrads' V summed rows would
  // give the same sums in another order; kept as it was measured and tested.)
  const [dXRows, dHRows] = [f.perStep(dX), f.perStep(dH)];
  const dBias = f.args.bias
    ? after && f.bias(1) !== 0
      ? f.biasGrad(dXRows, dHRows)
      : f.biasGrad(dXRows)
    : null;
  const { biasRows: _, ...input } = f.inputGrads(dX);
  return {
    ...input,
    dRecurrentKernel: after
      ? f.recurrentGrad(dH, ptr(g.y), Gp)
      : f.recurrentGrad(dH, ptr(g.y), 2 * Up, candidate),
    dBias,
    dInitialH: dh0 || null,
    dInitialC: null,
  };
}

function simpleForward(f: Frame, act: number): RnnSequenceResult {
  const { B, T, U, Up, heap } = f;
  const { ws, wsSize } = f.workspace(0, true); // x̃ only, with input dropout
  const { xp, xpRows } = f.project();
  const y = heap.malloc(B * T * U);
  const h = heap.malloc(B * U);
  const scratch = f.temp(3 * B * Up);
  const [rp, bias, rd] = [f.recurrent(), f.inputBias(), f.rd()];
  const { mask, back } = f;
  const args = { xp, xpRows, rp, bias, mask, rd, B, T, U, Up, back, act, y, hOut: h, scratch, h0: f.h0 };
  f.k.simpleRnnForward(writeSimpleRnnForwardArgs(heap, heap.argBlock, args));
  return { y, h, c: null, workspace: ws || null, workspaceSize: wsSize };
}

function simpleBackward(f: Frame, g: RnnSequenceBackwardInputs, act: number): RnnSequenceGrads {
  const { B, T, U, Up } = f;
  const da = f.temp(B * T * Up);
  const scratch = f.temp(B * Up);
  const [y, dy, dhIn] = [ptr(g.y), ptr(g.dy), ptr(g.dh)];
  f.keptIn(ptr(g.workspace), 0);
  const [rt, rd] = [f.transposed(), f.rd()];
  const { mask, back, heap } = f;
  const dh0 = f.stateGrad(f.args.initialH);
  const args = { y, dy, dhIn, rt, mask, rd, B, T, U, Up, back, act, da, scratch, dh0 };
  f.k.simpleRnnBackward(writeSimpleRnnBackwardArgs(heap, heap.argBlock, args));
  const { biasRows, ...input } = f.inputGrads(da);
  return {
    ...input,
    dRecurrentKernel: f.recurrentGrad(da, ptr(g.y), Up),
    dBias: f.args.bias ? f.biasGrad(biasRows) : null,
    dInitialH: dh0 || null,
    dInitialC: null,
  };
}

const GATES = { lstm: 4, gru: 3, simpleRnn: 1 } as const;

/**
 * The wasm backend's fused recurrent sequence: LSTM, GRU (both reset conventions) or SimpleRNN
 * forward, with masks, goBackwards, dropout masks, optional bias and initial states. Tested against the composed
 * cell loop (src/layers/rnn/), which is the reference.
 *
 * @example
 * // In the wasm backend: rnnSequence(args) { return rnnSequence(this.heap, args); }
 */
export function rnnSequence(heap: Heap, a: RnnSequenceArgs): RnnSequenceResult {
  return inFrame(heap, a, GATES[a.cell], (f) => {
    if (a.cell === 'lstm') return lstmForward(f);
    if (a.cell === 'gru') return gruForward(f, a.resetAfter);
    return simpleForward(f, ACT_CODE[a.activation]);
  });
}

/**
 * The backward through time of `rnnSequence`: gradients of x, the kernels, the bias and the initial states.
 *
 * @example
 * // In the wasm backend: rnnSequenceBackward(args, g) { return rnnSequenceBackward(this.heap, args, g); }
 */
export function rnnSequenceBackward(
  heap: Heap,
  a: RnnSequenceArgs,
  g: RnnSequenceBackwardInputs,
): RnnSequenceGrads {
  return inFrame(heap, a, GATES[a.cell], (f) => {
    if (a.cell === 'lstm') return lstmBackward(f, g);
    if (a.cell === 'gru') return gruBackward(f, g, a.resetAfter);
    return simpleBackward(f, g, ACT_CODE[a.activation]);
  });
}

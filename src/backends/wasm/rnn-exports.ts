import type { KernelExports } from './kernels.js';

/**
 * The recurrent kernels of the wasm module (assembly/rnn-*.ts), kept beside the rest of the module's
 * exports (KernelExports) so the RNN code owns its own signatures. Pointers are byte offsets into
 * memory, 0 meaning absent; counts are floats; booleans are 0/1. Up is U rounded up to a multiple
 * of 4 (the padded gate layout, see assembly/rnn-common.ts).
 *
 * @example
 * // const k = heap.k as unknown as RnnExports; k.lstmForward(...)
 */
export interface RnnExports extends KernelExports {
  rnnPad(src: number, rows: number, g: number, u: number, up: number, dst: number): void;
  rnnUnpad(src: number, rows: number, g: number, u: number, up: number, dst: number): void;
  rnnTransposePad(r: number, u: number, g: number, up: number, dst: number): void;
  rnnDropRows(x: number, d: number, b: number, t: number, i: number, out: number): void;
  rnnColSum(x: number, rows: number, cols: number, partial: number, out: number): void;
  /** tanh (op 0) or sigmoid (op 1) of n floats with the kernels' gate functions (for their test). */
  rnnGateMath(op: number, x: number, out: number, n: number): void;
  rnnPrevStates(y: number, rd: number, b: number, t: number, u: number, back: number, out: number): void;
  lstmForward(
    xp: number,
    rp: number,
    bias: number,
    mask: number,
    rd: number,
    b: number,
    t: number,
    u: number,
    up: number,
    back: number,
    /** Batch rows per step of the workspace [T, wsB, W] (B, or more when running a slice of rows). */
    wsB: number,
    y: number,
    ws: number,
    h: number,
    c: number,
    scratch: number,
  ): void;
  lstmBackward(
    ws: number,
    dy: number,
    dh: number,
    dc: number,
    rt: number,
    mask: number,
    rd: number,
    b: number,
    t: number,
    u: number,
    up: number,
    back: number,
    /** Batch rows per step of the workspace [T, wsB, W] (B, or more when running a slice of rows). */
    wsB: number,
    dz: number,
    scratch: number,
  ): void;
  gruForward(
    xp: number,
    rp: number,
    bIn: number,
    bRec: number,
    mask: number,
    rd: number,
    b: number,
    t: number,
    u: number,
    up: number,
    back: number,
    /** Batch rows per step of the workspace [T, wsB, W] (B, or more when running a slice of rows). */
    wsB: number,
    after: number,
    y: number,
    ws: number,
    h: number,
    scratch: number,
  ): void;
  gruBackward(
    ws: number,
    y: number,
    dy: number,
    dh: number,
    rt: number,
    mask: number,
    rd: number,
    b: number,
    t: number,
    u: number,
    up: number,
    back: number,
    /** Batch rows per step of the workspace [T, wsB, W] (B, or more when running a slice of rows). */
    wsB: number,
    after: number,
    dX: number,
    dH: number,
    q: number,
    scratch: number,
  ): void;
  simpleRnnForward(
    xp: number,
    rp: number,
    bias: number,
    mask: number,
    rd: number,
    b: number,
    t: number,
    u: number,
    up: number,
    back: number,
    act: number,
    y: number,
    h: number,
    scratch: number,
  ): void;
  simpleRnnBackward(
    y: number,
    dy: number,
    dh: number,
    rt: number,
    mask: number,
    rd: number,
    b: number,
    t: number,
    u: number,
    up: number,
    back: number,
    act: number,
    da: number,
    scratch: number,
  ): void;
}

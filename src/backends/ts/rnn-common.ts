import type { RnnSequenceArgs } from '../../backend/backend.js';
import type { BackendArray } from '../../tensor/dtype.js';

/** Float storage of the ts backend (float64 in the gradient-check backend). */
export type F = Float32Array | Float64Array;
/** Allocates zeroed storage of the same kind as `like` (the backend's float precision). */
export type Alloc = (size: number, like: BackendArray) => BackendArray;

/**
 * A fused sequence kernel's arguments unpacked into sizes and raw arrays.
 *
 * @example
 * // Internal to the ts backend's rnn kernels: const s = unpack(args); s.B, s.T, s.I, s.U
 */
export interface Seq {
  readonly B: number;
  readonly T: number;
  readonly I: number;
  readonly U: number;
  readonly x: F;
  readonly kernel: F;
  readonly recurrent: F;
  readonly bias: F | null;
  readonly mask: F | null;
  readonly inputDropout: F | null;
  readonly recurrentDropout: F | null;
  readonly goBackwards: boolean;
}

/**
 * Sizes and arrays of a fused sequence call; `units` is the recurrent kernel's row count.
 *
 * @example
 * // const { B, T, I, U } = unpack(args);
 */
export function unpack(args: RnnSequenceArgs): Seq {
  const [B, T, I] = args.x.shape as [number, number, number];
  const data = (t: { data: unknown } | null) => (t ? (t.data as F) : null);
  return {
    B,
    T,
    I,
    U: args.recurrentKernel.shape[0]!,
    x: args.x.data as F,
    kernel: args.kernel.data as F,
    recurrent: args.recurrentKernel.data as F,
    bias: data(args.bias),
    mask: data(args.mask),
    inputDropout: data(args.inputDropout),
    recurrentDropout: data(args.recurrentDropout),
    goBackwards: args.goBackwards,
  };
}

/**
 * The time index processing step `s` reads.
 *
 * @example
 * // timeIndex(seq, 0) is T - 1 when going backwards
 */
export function timeIndex(seq: Seq, s: number): number {
  return seq.goBackwards ? seq.T - 1 - s : s;
}

/**
 * Whether batch row `b` is a real (unmasked) step at time `t`.
 *
 * @example
 * // if (!isReal(seq, b, t)) carry the state over
 */
export function isReal(seq: Seq, b: number, t: number): boolean {
  return seq.mask === null || seq.mask[b * seq.T + t] !== 0;
}

/**
 * Copies x[:, t, :] ⊙ inputDropout into `out` [B, I].
 *
 * @example
 * // loadInput(seq, t, xt);
 */
export function loadInput(seq: Seq, t: number, out: F): void {
  const { B, T, I, x, inputDropout: d } = seq;
  for (let b = 0; b < B; b++) {
    const src = (b * T + t) * I;
    for (let k = 0; k < I; k++) out[b * I + k] = d ? x[src + k]! * d[b * I + k]! : x[src + k]!;
  }
}

/**
 * Copies the state before processing step `s`, y[:, s-1, :] (zeros at s = 0), ⊙ recurrentDropout.
 *
 * @example
 * // loadPrevState(seq, y, s, hd);
 */
export function loadPrevState(seq: Seq, y: F, s: number, out: F): void {
  const { B, T, U, recurrentDropout: d } = seq;
  if (s === 0) {
    out.fill(0);
    return;
  }
  for (let b = 0; b < B; b++) {
    const src = (b * T + s - 1) * U;
    for (let k = 0; k < U; k++) out[b * U + k] = d ? y[src + k]! * d[b * U + k]! : y[src + k]!;
  }
}

/**
 * out[r, oc + j] += Σ_k a[r, k] · w[k, wc + j] for r < rows, k < K, j < n (row strides as, ws, os).
 *
 * @example
 * // z += xt · kernel: mulAdd(xt, I, B, I, kernel, G, 0, G, z, G, 0);
 */
export function mulAdd(
  a: F,
  as: number,
  rows: number,
  K: number,
  w: F,
  ws: number,
  wc: number,
  n: number,
  out: F,
  os: number,
  oc: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * os + oc;
    for (let k = 0; k < K; k++) {
      const v = a[r * as + k]!;
      if (v === 0) continue;
      const wr = k * ws + wc;
      for (let j = 0; j < n; j++) out[o + j]! += v * w[wr + j]!;
    }
  }
}

/**
 * out[r, k] += Σ_j d[r, dc + j] · w[k, wc + j]: a gradient times a weight block transposed.
 *
 * @example
 * // dh += dz · recurrentᵀ: mulAddT(dz, G, 0, B, G, recurrent, G, 0, U, dh, U);
 */
export function mulAddT(
  d: F,
  ds: number,
  dc: number,
  rows: number,
  n: number,
  w: F,
  ws: number,
  wc: number,
  K: number,
  out: F,
  os: number,
): void {
  for (let r = 0; r < rows; r++) {
    const dr = r * ds + dc;
    for (let k = 0; k < K; k++) {
      const wr = k * ws + wc;
      let acc = 0;
      for (let j = 0; j < n; j++) acc += d[dr + j]! * w[wr + j]!;
      out[r * os + k]! += acc;
    }
  }
}

/**
 * g[k, gc + j] += Σ_r a[r, k] · d[r, dc + j]: the weight gradient aᵀ·d accumulated into a block of g.
 *
 * @example
 * // dKernel += xtᵀ · dz: outerAdd(xt, I, B, I, dz, G, 0, G, dKernel, G, 0);
 */
export function outerAdd(
  a: F,
  as: number,
  rows: number,
  K: number,
  d: F,
  ds: number,
  dc: number,
  n: number,
  g: F,
  gs: number,
  gc: number,
): void {
  for (let r = 0; r < rows; r++) {
    const dr = r * ds + dc;
    for (let k = 0; k < K; k++) {
      const v = a[r * as + k]!;
      if (v === 0) continue;
      const gr = k * gs + gc;
      for (let j = 0; j < n; j++) g[gr + j]! += v * d[dr + j]!;
    }
  }
}

/**
 * Writes dX Kᵀ ⊙ inputDropout into dx[:, t, :] and accumulates dK += x̃ᵀ dX and dBias += Σ dX.
 *
 * @example
 * // inputGrads(seq, t, xt, dz, G, dx, dKernel, dBias);
 */
export function inputGrads(
  seq: Seq,
  t: number,
  xt: F,
  dz: F,
  G: number,
  dx: F,
  dKernel: F,
  dBias: F | null,
  biasOffset = 0,
): void {
  const { B, T, I, kernel, inputDropout: d } = seq;
  outerAdd(xt, I, B, I, dz, G, 0, G, dKernel, G, 0);
  for (let b = 0; b < B; b++) {
    const row = b * G;
    if (dBias) for (let j = 0; j < G; j++) dBias[biasOffset + j]! += dz[row + j]!;
    const dst = (b * T + t) * I;
    for (let k = 0; k < I; k++) {
      const wr = k * G;
      let acc = 0;
      for (let j = 0; j < G; j++) acc += dz[row + j]! * kernel[wr + j]!;
      dx[dst + k] = d ? acc * d[b * I + k]! : acc;
    }
  }
}

/**
 * Adds dh̃ ⊙ recurrentDropout into dh, where dh̃ [B, U] is a gradient w.r.t. the dropped state.
 *
 * @example
 * // addStateGrad(seq, dhd, dh);
 */
export function addStateGrad(seq: Seq, dhd: F, dh: F): void {
  const d = seq.recurrentDropout;
  for (let i = 0; i < dh.length; i++) dh[i]! += d ? dhd[i]! * d[i]! : dhd[i]!;
}

/**
 * The logistic sigmoid.
 *
 * @example
 * // sigmoid(0) === 0.5
 */
export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

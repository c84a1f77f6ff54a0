import type { FusedActivation, WindowGeometry } from '../backend/backend.js';
import type { SequenceAttrs } from '../ops/rnn.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Every differentiable op the tape can record, with the attributes its gradient needs. The gradient
 * table in gradients.ts is typed against this map, so the compiler rejects an op without a gradient.
 */
export interface OpAttrs {
  neg: null;
  exp: null;
  log: null;
  sqrt: null;
  rsqrt: null;
  square: null;
  abs: null;
  reciprocal: null;
  tanh: null;
  sigmoid: null;
  relu: null;
  add: null;
  sub: null;
  mul: null;
  div: null;
  pow: null;
  maximum: null;
  minimum: null;
  where: null;
  cast: null;
  sum: { axes: readonly number[] };
  max: { axes: readonly number[] };
  min: { axes: readonly number[] };
  matmul: { transA: boolean; transB: boolean };
  reshape: null;
  transpose: { perm: readonly number[] };
  slice: { begin: readonly number[] };
  concat: { axis: number };
  pad: { paddings: readonly (readonly [number, number])[] };
  gather: { axis: number };
  scatterAdd: { axis: number };
  dense: { activation: FusedActivation };
  softmaxCrossEntropy: null;
  sigmoidCrossEntropy: null;
  rnnSequence: SequenceAttrs;
  im2col: { geometry: WindowGeometry };
  /** A convolution the backend computed whole (its conv2d fast path); inputs x, kernel[, bias]. */
  conv2d: { geometry: WindowGeometry; activation: FusedActivation };
  /** Inputs x [rows, C][, gamma][, beta]; the forward's per-feature mean and invStd for the backward. */
  batchNorm: { mean: Tensor; invStd: Tensor; gamma: boolean; beta: boolean };
  /** index: the flat input index of each window's maximum, from the backend's maxPool. */
  maxPool: { index: Tensor };
}

export type OpKind = keyof OpAttrs;

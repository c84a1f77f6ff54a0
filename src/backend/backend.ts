import type { BackendArray, DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';

/**
 * The backend contract. A backend implements a small set of typed primitives; every other op is
 * composed from them in src/ops/. Fused fast paths are optional methods: when one is absent the ops
 * layer composes the same computation from primitives, and parity tests hold the two together.
 *
 * The engine does the bookkeeping before a primitive is called: shapes are validated and broadcast,
 * operands are cast to one dtype, output shapes are computed. A primitive only computes.
 */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'abs'
  | 'sign'
  | 'reciprocal'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'step'
  | 'floor'
  | 'round';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
export type CompareOp = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';
export type ReduceOp = 'sum' | 'max' | 'min';
/** Activations a fused dense kernel applies to its output. */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/** What a primitive sees of a tensor: backend-owned data plus shape and dtype. */
export interface TensorInfo {
  readonly data: unknown;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface DenseGrads {
  dx: unknown;
  dw: unknown;
  db: unknown | null;
}

export interface Backend {
  readonly name: string;

  // Storage. `read` may return a view into backend memory that stays valid only until the next call
  // into the backend; the engine copies it before handing it to users.
  upload(values: TypedArray | Float64Array): unknown;
  read(x: TensorInfo): BackendArray;
  free(data: unknown): void;
  /** Bytes the backend itself holds for live storages (0 where storage is garbage-collected). */
  heapBytes(): number;

  // Elementwise. Binary/compare/where inputs are already cast to one dtype; shapes broadcast to `outShape`.
  fill(size: number, value: number, dtype: DType): unknown;
  unary(op: UnaryOp, x: TensorInfo): unknown;
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape): unknown;
  /** Result is int32 0/1. */
  compare(op: CompareOp, a: TensorInfo, b: TensorInfo, outShape: Shape): unknown;
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): unknown;
  cast(x: TensorInfo, dtype: DType): unknown;

  // Reductions over sorted, unique `axes`; the output drops those axes.
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): unknown;
  /** int32 index of the maximum along `axis` (first one on ties); the output drops `axis`. */
  argmax(x: TensorInfo, axis: number): unknown;

  /** [..., m, k] · [..., k, n] with optional transposes of the last two dims; batch dims are equal. */
  matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): unknown;

  // Layout.
  transpose(x: TensorInfo, perm: readonly number[]): unknown;
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): unknown;
  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): unknown;
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): unknown;
  /** Rows of `x` along `axis` picked by int32 `indices` (any shape); indices are pre-checked. */
  gather(x: TensorInfo, indices: TensorInfo, axis: number): unknown;
  /** Inverse of gather: adds `updates` into zeros of `outShape` at `indices` along `axis`. */
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): unknown;

  // Optional fused fast paths (float32 only).
  /** y = act(x·w + b) for x [n, k], w [k, m], b [m] or null. */
  dense?(x: TensorInfo, w: TensorInfo, b: TensorInfo | null, act: FusedActivation): unknown;
  /** Gradients of dense given dy and the forward output y (activations' derivatives come from y). */
  denseBackward?(
    dy: TensorInfo,
    x: TensorInfo,
    w: TensorInfo,
    y: TensorInfo,
    act: FusedActivation,
    hasBias: boolean,
  ): DenseGrads;
  /**
   * Row-wise softmax cross-entropy of logits [n, c] against target probabilities [n, c].
   * Returns the per-row loss [n] and the softmax [n, c] (kept for the backward pass).
   */
  softmaxCrossEntropy?(logits: TensorInfo, labels: TensorInfo): { loss: unknown; probs: unknown };
}

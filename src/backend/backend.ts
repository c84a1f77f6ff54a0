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
  /** null when the caller said it needs no dx. */
  dx: unknown | null;
  /** null when the backend applied `update` to the weights instead of returning their gradient. */
  dw: unknown | null;
  db: unknown | null;
}

/**
 * An SGD step folded into dense's weight-gradient product, so the gradient is never written out and
 * read back and the step has no pass of its own: plain (momentum 0) w += −lr·xᵀ·dz in place; with
 * momentum μ, Keras' v = μ·v − lr·g, then w += v or (nesterov) w += μ·v − lr·g, where v is w's
 * momentum slot (`velocity`, float32 of w's shape, storage of its own). A backend may decline (it
 * then returns dw as usual); it steps w (and v) only after dx, which reads the old w.
 */
export interface InPlaceUpdate {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  /** w's momentum slot when momentum > 0, else null. */
  readonly velocity: TensorInfo | null;
}

/**
 * The cell a fused sequence kernel computes (G gate blocks: LSTM 4 in Keras order i, f, c, o; GRU 3,
 * z, r, h; SimpleRNN 1). Its maths is the composed `cell.step` in src/layers/rnn/, the reference
 * every fast path is tested against; LSTM and GRU use tanh and sigmoid.
 *
 * @example
 * import { GRUCell } from 'tensile';
 * console.log(new GRUCell(8, { resetAfter: false }).fusedKind().resetAfter); // false
 */
export type RnnCellKind =
  | { readonly cell: 'lstm' }
  | { readonly cell: 'gru'; readonly resetAfter: boolean }
  | { readonly cell: 'simpleRnn'; readonly activation: FusedActivation };

/**
 * A fused sequence's inputs, float32 and row-major: x [batch, time, input]; kernel [input, G·units]
 * and recurrentKernel [units, G·units] as Keras stores them; bias [G·units] (GRU with resetAfter:
 * [2, 3·units], input then recurrent bias) or null; mask [batch, time] (0 = padding: the row keeps
 * its state and output) or null; inputDropout [batch, input] and recurrentDropout [batch, units]
 * multipliers of x and of h (before the recurrent matmul) at every step, or null. States start at
 * zero; with goBackwards the steps run last to first and outputs are stored in that order.
 *
 * @example
 * import { getBackend, setBackend } from 'tensile';
 * setBackend('wasm');
 * console.log(typeof getBackend().rnnSequence); // function
 * setBackend('ts');
 */
export type RnnSequenceArgs = RnnCellKind & {
  readonly x: TensorInfo;
  readonly kernel: TensorInfo;
  readonly recurrentKernel: TensorInfo;
  readonly bias: TensorInfo | null;
  readonly mask: TensorInfo | null;
  readonly inputDropout: TensorInfo | null;
  readonly recurrentDropout: TensorInfo | null;
  readonly goBackwards: boolean;
  /** The states to start from, [batch, units] each (c for LSTM only); null: zeros. */
  readonly initialH: TensorInfo | null;
  readonly initialC: TensorInfo | null;
  /**
   * When set, x is rows of `table` [vocabulary, input] at int32 `indices` [batch, time] (an Embedding
   * lookup) and there is no input dropout: the backend projects the table once (table·K) and gathers
   * its rows, and its backward returns dTable instead of dx. Only passed when the vocabulary is at
   * most half of batch·time, where that is the smaller product.
   */
  readonly embedding?: { readonly table: TensorInfo; readonly indices: TensorInfo } | null;
};

/**
 * A fused sequence's outputs: y [batch, time, units] in processing order, the final h and (LSTM, else
 * null) c [batch, units], and what its backward needs (`workspaceSize` floats in a layout only this
 * backend reads, or null).
 *
 * @example
 * // const { y, h, c, workspace, workspaceSize } = backend.rnnSequence!(args);
 */
export interface RnnSequenceResult {
  y: unknown;
  h: unknown;
  c: unknown | null;
  workspace: unknown | null;
  workspaceSize: number;
}

/**
 * A fused sequence backward's inputs besides the forward's arguments: its y and workspace, and the
 * gradients reaching y, h and (LSTM, else null) c.
 *
 * @example
 * // backend.rnnSequenceBackward!(args, { y, workspace, dy, dh, dc: null });
 */
export interface RnnSequenceBackwardInputs {
  readonly y: TensorInfo;
  readonly workspace: TensorInfo | null;
  readonly dy: TensorInfo;
  readonly dh: TensorInfo;
  readonly dc: TensorInfo | null;
}

/**
 * Gradients from a fused sequence backward (full BPTT), shaped like the inputs; dBias null without bias.
 *
 * @example
 * // const { dx, dKernel, dRecurrentKernel, dBias } = backend.rnnSequenceBackward!(args, inputs);
 */
export interface RnnSequenceGrads {
  /** null when the args had `embedding` (then dTable is set). */
  dx: unknown | null;
  /** The embedding table's gradient [vocabulary, input] when the args had `embedding`. */
  dTable?: unknown;
  dKernel: unknown;
  dRecurrentKernel: unknown;
  dBias: unknown | null;
  /** Gradients of the initial states, when the forward started from given ones (else null). */
  dInitialH: unknown | null;
  dInitialC: unknown | null;
}

/**
 * One step of a built-in optimizer for the fused `optimizerStep` fast path: the rule and this step's
 * scalars. Each variant is the update its optimizer class writes in tensor ops (src/optimizers/), and
 * a backend must compute it with the same float32 operations in the same order. Adam's `alpha` is
 * lr·√(1-β₂ᵗ)/(1-β₁ᵗ), already folded in by the caller.
 *
 * @example
 * import { SGD } from 'tensile';
 * // Each step sends { kind: 'sgd', lr: 0.01, momentum: 0.9, nesterov: true } to a backend that has it.
 * const opt = new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true });
 */
export type OptimizerUpdate =
  | { readonly kind: 'sgd'; readonly lr: number; readonly momentum: number; readonly nesterov: boolean }
  | {
      readonly kind: 'rmsprop';
      readonly lr: number;
      readonly rho: number;
      readonly momentum: number;
      readonly epsilon: number;
      readonly centered: boolean;
    }
  | {
      readonly kind: 'adam';
      readonly alpha: number;
      readonly beta1: number;
      readonly beta2: number;
      readonly epsilon: number;
      readonly amsgrad: boolean;
    };

export interface Backend extends WindowKernels {
  readonly name: string;

  // Storage. `read` may return a view into backend memory that stays valid only until the next call
  // into the backend; the engine copies it before handing it to users.
  upload(values: TypedArray | Float64Array): unknown;
  read(x: TensorInfo): BackendArray;
  /**
   * New storage of `size` elements filled in place by `fill` (which gets a view of it and must not
   * call into the backend). Loaders use it to decode straight into backend memory, with no
   * intermediate JavaScript array. Optional: without it the engine fills an array and uploads it.
   */
  allocWith?(size: number, dtype: DType, fill: (view: TypedArray) => void): unknown;
  free(data: unknown): void;
  /** Bytes the backend itself holds for live storages (0 where storage is garbage-collected). */
  heapBytes(): number;

  // Elementwise. Binary/compare/where inputs are already cast to one dtype; shapes broadcast to `outShape`.
  fill(size: number, value: number, dtype: DType): unknown;
  unary(op: UnaryOp, x: TensorInfo): unknown;
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape): unknown;
  /**
   * a op b written over a's own storage (a already has the output's shape). Optional; the engine
   * calls it only on storages it owns, such as the float32 copy made to promote an int32 operand.
   */
  binaryInPlace?(op: BinaryOp, a: TensorInfo, b: TensorInfo): void;
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
  /** The flat position of the first int32 index outside [0, n), or -1 (gather's and Embedding's check). */
  firstIndexOutOfRange(indices: TensorInfo, n: number): number;
  /** Rows of `x` along `axis` picked by int32 `indices` (any shape); indices are pre-checked. */
  gather(x: TensorInfo, indices: TensorInfo, axis: number): unknown;
  /** Inverse of gather: adds `updates` into zeros of `outShape` at `indices` along `axis`. */
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): unknown;

  // Optional fused fast paths (float32 only).
  /** y = act(x·w + b) for x [n, k], w [k, m], b [m] or null. */
  dense?(x: TensorInfo, w: TensorInfo, b: TensorInfo | null, act: FusedActivation): unknown;
  /**
   * Gradients of dense given dy and the forward output y (activations' derivatives come from y).
   * `needDx` is false when x needs no gradient (a model's first layer), which skips a whole GEMM.
   * With `update`, the backend may apply an SGD step to w (and its momentum slot) instead of returning
   * dw (see InPlaceUpdate).
   */
  denseBackward?(
    dy: TensorInfo,
    x: TensorInfo,
    w: TensorInfo,
    y: TensorInfo,
    act: FusedActivation,
    hasBias: boolean,
    needDx: boolean,
    update?: InPlaceUpdate,
  ): DenseGrads;
  /**
   * Row-wise softmax cross-entropy of logits [n, c] against target probabilities [n, c].
   * Returns the per-row loss [n] and the softmax [n, c] (kept for the backward pass).
   */
  softmaxCrossEntropy?(logits: TensorInfo, labels: TensorInfo): { loss: unknown; probs: unknown };
  /**
   * Elementwise sigmoid cross-entropy of logits against targets of the same shape: the loss
   * max(z, 0) - z·t + log(1 + e^-|z|) and sigmoid(z) (kept for the backward pass).
   */
  sigmoidCrossEntropy?(logits: TensorInfo, labels: TensorInfo): { loss: unknown; probs: unknown };

  /**
   * Batch normalization in training mode over x [rows, C] (features last; gamma, beta [C] or null):
   * the batch's mean and biased variance per feature, invStd = 1/√(variance + epsilon) and
   * y = (x − mean)·invStd·gamma + beta. With its backward, both or neither (ops/batch-norm.ts).
   */
  batchNormTrain?(
    x: TensorInfo,
    gamma: TensorInfo | null,
    beta: TensorInfo | null,
    epsilon: number,
  ): { y: unknown; mean: unknown; variance: unknown; invStd: unknown };
  /**
   * Batch normalization with given statistics (inference, no gradient) over x [rows, C]:
   * y = (x − mean)·rsqrt(variance + epsilon)·gamma + beta, in the composed ops' order.
   */
  batchNormInfer?(
    x: TensorInfo,
    mean: TensorInfo,
    variance: TensorInfo,
    gamma: TensorInfo | null,
    beta: TensorInfo | null,
    epsilon: number,
  ): unknown;
  /** dx [rows, C], dgamma and dbeta [C] of batchNormTrain, from dy and the forward's mean and invStd. */
  batchNormTrainBackward?(
    dy: TensorInfo,
    x: TensorInfo,
    mean: TensorInfo,
    invStd: TensorInfo,
    gamma: TensorInfo | null,
  ): { dx: unknown; dgamma: unknown; dbeta: unknown };

  /** A whole recurrent sequence in one call and its backward through time in one; both or neither. */
  rnnSequence?(args: RnnSequenceArgs): RnnSequenceResult;
  rnnSequenceBackward?(args: RnnSequenceArgs, grads: RnnSequenceBackwardInputs): RnnSequenceGrads;

  /**
   * One optimizer step over all variables, updating `vars[i]` and `slots[i]` IN PLACE in backend
   * memory (float32 only). `slots[i]` are variable i's slots in the optimizer's `slotNames()` order:
   * sgd [momentum] when momentum > 0, else []; rmsprop [velocity, momentum (momentum > 0),
   * average_gradient (centered)]; adam [momentum, velocity, velocity_hat (amsgrad)]. The caller
   * guarantees that no other tensor shares the storage of a variable or slot (it copies first), and
   * that each grad has its variable's shape. Returns false, having changed nothing, when the backend
   * cannot run this step (the caller then runs the composed update).
   */
  optimizerStep?(
    update: OptimizerUpdate,
    vars: readonly TensorInfo[],
    grads: readonly TensorInfo[],
    slots: readonly (readonly TensorInfo[])[],
  ): boolean;
}

/**
 * Where a window op's windows sit (src/ops/conv-geometry.ts's ConvGeometry has these fields and more).
 *
 * @example
 * import { convGeometry } from 'tensile';
 * const g = convGeometry('conv2d', [1, 28, 28, 1], { kernel: [3, 3], padding: 'same' }); // a WindowGeometry
 */
export interface WindowGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * Optional fused window kernels (float32, channels last). Each pair is both-or-neither; without them
 * src/ops/conv.ts and pool.ts compose the same results from pad, gather and argmax.
 *
 * @example
 * import { getBackend, setBackend } from 'tensile';
 * setBackend('wasm');
 * console.log(typeof getBackend().im2col, typeof getBackend().maxPool); // function function
 * setBackend('ts');
 */
export interface WindowKernels {
  /** Patches of x [n, h, w, c] as [n, outH, outW, kh·kw, c]; border cells read `padValue`. */
  im2col?(x: TensorInfo, g: WindowGeometry, padValue: number): unknown;
  /** The adjoint of im2col: dx [n, h, w, c] = every patch row of dcols added back where it was read. */
  col2im?(dcols: TensorInfo, g: WindowGeometry, xShape: Shape): unknown;
  /**
   * Max pooling of x [n, h, w, c] to y [n, outH, outW, c], with `index` (int32, y's shape) the flat x
   * index of each window's first maximum in tap order; the border never wins.
   */
  maxPool?(x: TensorInfo, g: WindowGeometry): { y: unknown; index: unknown };
  /** dx of x's shape: zeros, then each dy added at its window's recorded index. */
  maxPoolBackward?(dy: TensorInfo, index: TensorInfo, xShape: Shape): unknown;
  /**
   * The whole fused convolution y = act(conv2d(x, kernel) + bias), x [n, h, w, c], kernel
   * [kh, kw, c, f], when the backend has a faster way than im2col + GEMM for this shape (the wasm
   * backend: Winograd for 3×3 stride-1 kernels); null when it has not, and conv2d then runs im2col +
   * dense. Both-or-neither with conv2dBackward.
   */
  conv2d?(
    x: TensorInfo,
    kernel: TensorInfo,
    bias: TensorInfo | null,
    g: WindowGeometry,
    act: FusedActivation,
  ): unknown | null;
  /** Gradients of a conv2d the backend computed (dx null unless `needDx`, db null without bias). */
  conv2dBackward?(args: Conv2dBackwardArgs): DenseGrads;
}

/**
 * What the backward pass of a fused conv2d reads: the output gradient, the forward's input, kernel
 * and output (activations' derivatives come from y), its geometry and activation, whether it had a
 * bias, and whether x needs a gradient (a model's first layer does not).
 *
 * @example
 * // backend.conv2dBackward!({ dy, x, kernel, y, geometry, activation: 'relu', hasBias: true, needDx: false })
 */
export interface Conv2dBackwardArgs {
  readonly dy: TensorInfo;
  readonly x: TensorInfo;
  readonly kernel: TensorInfo;
  readonly y: TensorInfo;
  readonly geometry: WindowGeometry;
  readonly activation: FusedActivation;
  readonly hasBias: boolean;
  readonly needDx: boolean;
}

import type { DenseGrads, FusedActivation } from '../backend/backend.js';
import { castTo, emit } from '../ops/core.js';
import {
  div,
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  maximum,
  mul,
  neg,
  pow,
  sign,
  square,
  step,
  sub,
  where,
} from '../ops/elementwise.js';
import { broadcastTo, gather, pad, reshape, scatterAdd, slice, transpose } from '../ops/layout.js';
import { matmul } from '../ops/matmul.js';
import { logSoftmax } from '../ops/nn.js';
import { sum } from '../ops/reduce.js';
import { sequenceGradient } from '../ops/rnn.js';
import { reducedShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { InPlacePlan } from './in-place.js';
import type { OpKind } from './op-kinds.js';
import type { TapeNode } from './tape.js';

type Grad = Tensor | null;
/**
 * Computes input gradients from output gradients. `needs[i]` says whether input i wants one; `plan`
 * (fit's plain SGD) lets dense update its weights in place instead of returning their gradient.
 */
type GradFn<K extends OpKind> = (
  dys: readonly Grad[],
  node: TapeNode<K>,
  needs: readonly boolean[],
  plan: InPlacePlan | null,
) => Grad[];

/** Sums a broadcast gradient back down to the shape of the input it came from. */
export function unbroadcast(dy: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++)
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  return reshape(sum(dy, axes), shape);
}

const x0 = (n: TapeNode) => n.inputs[0]!;
const x1 = (n: TapeNode) => n.inputs[1]!;
const y0 = (n: TapeNode) => n.outputs[0]!;

/** Gradient of a unary op: dy times a derivative built from the input x and output y. */
function unaryGrad(derivative: (x: Tensor, y: Tensor) => Tensor): GradFn<OpKind> {
  return ([dy], n) => [mul(dy!, derivative(x0(n), y0(n)))];
}

function minMaxGrad(dy: Tensor, n: TapeNode<'max' | 'min'>): Grad[] {
  const x = x0(n);
  const keptShape = reducedShape(x.shape, n.attrs.axes, true);
  const y = broadcastTo(reshape(y0(n), keptShape), x.shape);
  const mask = castTo(equal(x, y), 'float32');
  // Ties share the gradient equally, so the sum of input gradients equals dy.
  const count = broadcastTo(sum(mask, n.attrs.axes, true), x.shape);
  return [div(mul(mask, broadcastTo(reshape(dy, keptShape), x.shape)), count)];
}

function activationDerivative(y: Tensor, act: FusedActivation): Tensor | null {
  if (act === 'relu') return step(y);
  if (act === 'sigmoid') return mul(y, sub(1, y));
  if (act === 'tanh') return sub(1, square(y));
  return null;
}

function denseGrad(
  [dy]: readonly Grad[],
  n: TapeNode<'dense'>,
  needs: readonly boolean[],
  plan: InPlacePlan | null,
): Grad[] {
  const [x, w] = [x0(n), x1(n)];
  const y = y0(n);
  const hasBias = n.inputs.length === 3;
  const b = x.backend;
  const g = b.denseBackward?.(
    dy!.info('dense'),
    x.info('dense'),
    w.info('dense'),
    y.info('dense'),
    n.attrs.activation,
    hasBias,
    needs[0]!,
    plan?.updateFor(w),
  ) as DenseGrads | undefined;
  if (g !== undefined) {
    const wrap = (data: unknown, t: Tensor) => emit(null, b, data, t.shape, 'float32', [], null);
    if (g.dw === null) plan?.markApplied(w);
    const dw = g.dw === null ? null : wrap(g.dw, w);
    return [needs[0] ? wrap(g.dx, x) : null, dw, hasBias ? wrap(g.db, n.inputs[2]!) : null];
  }
  const d = activationDerivative(y, n.attrs.activation);
  const dz = d ? mul(dy!, d) : dy!;
  return [
    needs[0] ? matmul(dz, w, false, true) : null,
    matmul(x, dz, true, false),
    hasBias ? sum(dz, 0) : null,
  ];
}

function matmulGrad([dy]: readonly Grad[], n: TapeNode<'matmul'>, needs: readonly boolean[]): Grad[] {
  const [a, b] = [x0(n), x1(n)];
  const g = dy!;
  const { transA, transB } = n.attrs;
  const da = !needs[0] ? null : transA ? matmul(b, g, transB, true) : matmul(g, b, false, !transB);
  const db = !needs[1] ? null : transB ? matmul(g, a, true, transA) : matmul(a, g, !transA, false);
  return [da, db];
}

export const GRADIENTS: { [K in OpKind]: GradFn<K> } = {
  neg: ([dy]) => [neg(dy!)],
  exp: unaryGrad((_x, y) => y),
  log: ([dy], n) => [div(dy!, x0(n))],
  sqrt: ([dy], n) => [div(dy!, mul(2, y0(n)))],
  rsqrt: unaryGrad((_x, y) => mul(-0.5, mul(y, square(y)))),
  square: unaryGrad((x) => mul(2, x)),
  abs: unaryGrad((x) => sign(x)),
  reciprocal: unaryGrad((_x, y) => neg(square(y))),
  tanh: unaryGrad((_x, y) => sub(1, square(y))),
  sigmoid: unaryGrad((_x, y) => mul(y, sub(1, y))),
  relu: unaryGrad((x) => step(x)),
  add: ([dy], n) => [unbroadcast(dy!, x0(n).shape), unbroadcast(dy!, x1(n).shape)],
  sub: ([dy], n) => [unbroadcast(dy!, x0(n).shape), unbroadcast(neg(dy!), x1(n).shape)],
  mul: ([dy], n, needs) => [
    needs[0] ? unbroadcast(mul(dy!, x1(n)), x0(n).shape) : null,
    needs[1] ? unbroadcast(mul(dy!, x0(n)), x1(n).shape) : null,
  ],
  div: ([dy], n, needs) => [
    needs[0] ? unbroadcast(div(dy!, x1(n)), x0(n).shape) : null,
    needs[1] ? unbroadcast(neg(div(mul(dy!, y0(n)), x1(n))), x1(n).shape) : null,
  ],
  pow: ([dy], n, needs) => {
    const [a, b] = [x0(n), x1(n)];
    const da = needs[0] ? unbroadcast(mul(dy!, mul(b, pow(a, sub(b, 1)))), a.shape) : null;
    // d(a^b)/db = a^b·ln a, defined as 0 where a ≤ 0 (as TensorFlow does).
    const safeLog = where(greater(a, 0), log(maximum(a, 1e-30)), 0);
    const db = needs[1] ? unbroadcast(mul(dy!, mul(y0(n), safeLog)), b.shape) : null;
    return [da, db];
  },
  maximum: ([dy], n) => [
    unbroadcast(mul(dy!, castTo(greaterEqual(x0(n), x1(n)), 'float32')), x0(n).shape),
    unbroadcast(mul(dy!, castTo(less(x0(n), x1(n)), 'float32')), x1(n).shape),
  ],
  minimum: ([dy], n) => [
    unbroadcast(mul(dy!, castTo(lessEqual(x0(n), x1(n)), 'float32')), x0(n).shape),
    unbroadcast(mul(dy!, castTo(greater(x0(n), x1(n)), 'float32')), x1(n).shape),
  ],
  where: ([dy], n) => {
    const c = x0(n);
    return [
      null,
      unbroadcast(where(c, dy!, 0), x1(n).shape),
      unbroadcast(where(c, 0, dy!), n.inputs[2]!.shape),
    ];
  },
  cast: ([dy], n) => [x0(n).dtype === 'float32' ? dy! : null],
  sum: ([dy], n) => [broadcastTo(reshape(dy!, reducedShape(x0(n).shape, n.attrs.axes, true)), x0(n).shape)],
  max: ([dy], n) => minMaxGrad(dy!, n),
  min: ([dy], n) => minMaxGrad(dy!, n),
  matmul: matmulGrad,
  reshape: ([dy], n) => [reshape(dy!, x0(n).shape)],
  transpose: ([dy], n) => {
    const inverse = new Array<number>(n.attrs.perm.length);
    n.attrs.perm.forEach((p, i) => {
      inverse[p] = i;
    });
    return [transpose(dy!, inverse)];
  },
  slice: ([dy], n) => [
    pad(
      dy!,
      x0(n).shape.map((d, i) => [n.attrs.begin[i]!, d - n.attrs.begin[i]! - dy!.shape[i]!] as const),
    ),
  ],
  concat: ([dy], n) => {
    let offset = 0;
    return n.inputs.map((x) => {
      const begin = x.shape.map((_, i) => (i === n.attrs.axis ? offset : 0));
      offset += x.shape[n.attrs.axis]!;
      return slice(dy!, begin, x.shape);
    });
  },
  pad: ([dy], n) => [
    slice(
      dy!,
      n.attrs.paddings.map(([before]) => before),
      x0(n).shape,
    ),
  ],
  gather: ([dy], n) => [scatterAdd(dy!, x1(n), n.attrs.axis, x0(n).shape), null],
  scatterAdd: ([dy], n) => [gather(dy!, x1(n), n.attrs.axis), null],
  dense: denseGrad,
  softmaxCrossEntropy: ([dy], n, needs) => {
    const [logits, labels] = [x0(n), x1(n)];
    const probs = n.outputs[1]!;
    const g = reshape(dy!, [dy!.shape[0]!, 1]);
    // d/dz of -Σ y·log softmax(z) is softmax(z)·Σy - y (Σy is 1 for proper labels, but need not be).
    return [
      needs[0] ? mul(sub(mul(probs, sum(labels, -1, true)), labels), g) : null,
      needs[1] ? neg(mul(logSoftmax(logits, -1), g)) : null,
    ];
  },
  sigmoidCrossEntropy: ([dy], n, needs) => {
    const [logits, labels] = [x0(n), x1(n)];
    // d/dz = sigmoid(z) - t (the exact derivative; probs is the forward's second output); d/dt = -z.
    return [needs[0] ? mul(sub(n.outputs[1]!, labels), dy!) : null, needs[1] ? neg(mul(logits, dy!)) : null];
  },
  rnnSequence: sequenceGradient,
  // Recorded only by backends with the fused window kernels, which come in both-or-neither pairs.
  im2col: ([dy], n) => {
    const x = x0(n);
    const data = x.backend.col2im!(dy!.info('im2col'), n.attrs.geometry, x.shape);
    return [emit(null, x.backend, data, x.shape, 'float32', [], null)];
  },
  conv2d: ([dy], n, needs) => {
    const [x, kernel] = [x0(n), x1(n)];
    const hasBias = n.inputs.length === 3;
    const b = x.backend;
    const { geometry, activation } = n.attrs;
    const info = (t: Tensor) => t.info('conv2d');
    const g = b.conv2dBackward!({
      dy: info(dy!),
      x: info(x),
      kernel: info(kernel),
      y: info(y0(n)),
      geometry,
      activation,
      hasBias,
      needDx: needs[0]!,
    });
    const wrap = (data: unknown, t: Tensor) => emit(null, b, data, t.shape, 'float32', [], null);
    return [needs[0] ? wrap(g.dx, x) : null, wrap(g.dw, kernel), hasBias ? wrap(g.db, n.inputs[2]!) : null];
  },
  batchNorm: ([dy], n, needs) => {
    const x = x0(n);
    const { mean, invStd, gamma, beta } = n.attrs;
    const info = (t: Tensor) => t.info('batchNorm');
    const g = x.backend.batchNormTrainBackward!(
      info(dy!),
      info(x),
      info(mean),
      info(invStd),
      gamma ? info(n.inputs[1]!) : null,
    );
    const c = [x.shape[1]!];
    const wrap = (data: unknown, shape: readonly number[]) =>
      emit(null, x.backend, data, shape, 'float32', [], null);
    const out: (Tensor | null)[] = [wrap(g.dx, x.shape)];
    const dgamma = wrap(g.dgamma, c);
    const dbeta = wrap(g.dbeta, c);
    if (gamma) out.push(needs[1] ? dgamma : null);
    if (beta) out.push(needs[out.length] ? dbeta : null);
    return out;
  },
  maxPool: ([dy], n) => {
    const x = x0(n);
    const data = x.backend.maxPoolBackward!(dy!.info('maxPool'), n.attrs.index.info('maxPool'), x.shape);
    return [emit(null, x.backend, data, x.shape, 'float32', [], null)];
  },
};

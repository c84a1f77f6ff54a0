import type { BinaryOp, CompareOp, UnaryOp } from '../backend/backend.js';
import { activeTape } from '../engine/engine.js';
import type { DType } from '../tensor/dtype.js';
import { broadcastShapes, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, backendOf, castTo, emit, type TensorLike } from './core.js';

/** Unary ops whose result is float even for int32 input. */
const FLOAT_ONLY = new Set<UnaryOp>(['exp', 'log', 'sqrt', 'rsqrt', 'reciprocal', 'tanh', 'sigmoid']);
/** Unary ops with no useful gradient (piecewise constant): never recorded. */
const NON_DIFFERENTIABLE = new Set<UnaryOp>(['sign', 'step', 'floor', 'round']);

function unary(op: UnaryOp, x: TensorLike): Tensor {
  let t = asTensor(x);
  if (FLOAT_ONLY.has(op)) t = castTo(t, 'float32', op);
  // uint8 promotes to int32 (numpy keeps uint8, so neg wraps there: -x of 1 is 255).
  else if (t.dtype === 'uint8') t = castTo(t, 'int32', op);
  const b = t.backend;
  const kind = NON_DIFFERENTIABLE.has(op)
    ? null
    : (op as Exclude<UnaryOp, 'sign' | 'step' | 'floor' | 'round'>);
  return emit(kind, b, b.unary(op, t.info(op)), t.shape, t.dtype, [t], null);
}

export const neg = (x: TensorLike) => unary('neg', x);
export const exp = (x: TensorLike) => unary('exp', x);
export const log = (x: TensorLike) => unary('log', x);
export const sqrt = (x: TensorLike) => unary('sqrt', x);
export const rsqrt = (x: TensorLike) => unary('rsqrt', x);
export const square = (x: TensorLike) => unary('square', x);
export const abs = (x: TensorLike) => unary('abs', x);
export const sign = (x: TensorLike) => unary('sign', x);
export const reciprocal = (x: TensorLike) => unary('reciprocal', x);
export const tanh = (x: TensorLike) => unary('tanh', x);
export const sigmoid = (x: TensorLike) => unary('sigmoid', x);
export const relu = (x: TensorLike) => unary('relu', x);
/** 1 where x > 0, else 0 (relu's derivative). */
export const step = (x: TensorLike) => unary('step', x);
export const floor = (x: TensorLike) => unary('floor', x);
export const round = (x: TensorLike) => unary('round', x);

/**
 * Broadcasts a and b as numpy does and promotes them to one dtype (div and pow always to float).
 * uint8 operands are promoted too: to float32 next to a float or for div/pow (cast straight from the
 * bytes), else to int32.
 */
function prepareBinary(op: string, a: TensorLike, b: TensorLike, forceFloat: boolean) {
  const a0 = asTensor(a, b instanceof Tensor ? b : undefined);
  const b0 = asTensor(b, a0);
  const dtype = forceFloat || a0.dtype === 'float32' || b0.dtype === 'float32' ? 'float32' : 'int32';
  const ta = castTo(a0, dtype, op);
  const tb = castTo(b0, dtype, op);
  const backend = backendOf(op, ta, tb);
  /** Frees promotion copies once `out` exists, unless the tape holds them for a gradient. */
  const releaseTemps = (out: Tensor) => {
    if (activeTape?.requiresGrad(out)) return;
    if (ta !== a0) ta.dispose();
    if (tb !== b0) tb.dispose();
  };
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  return { ta, tb, backend, shape, dtype, releaseTemps, ownsA: ta !== a0, ownsB: tb !== b0 } as const;
}

function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const { ta, tb, backend, shape, dtype, releaseTemps, ownsA, ownsB } = prepareBinary(
    op,
    a,
    b,
    op === 'div' || op === 'pow',
  );
  // An int32 image divided by 255: the float32 promotion copy is ours and has the result's shape,
  // so the quotient overwrites it. Peak memory is then the int32 data plus one float32 copy, not
  // two. Not when a gradient is being recorded for b: its gradient would need a.
  if (ownsA && backend.binaryInPlace && shapesEqual(ta.shape, shape) && !activeTape?.requiresGrad(tb)) {
    backend.binaryInPlace(op, ta.info(op), tb.info(op));
    if (ownsB) tb.dispose();
    return ta;
  }
  const out = emit(
    op,
    backend,
    backend.binary(op, ta.info(op), tb.info(op), shape),
    shape,
    dtype,
    [ta, tb],
    null,
  );
  // An int32 image divided by 255 would otherwise keep a full float32 copy alive until GC.
  releaseTemps(out);
  return out;
}

export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b);
/** True division: the result is float32 even for int32 inputs, as in numpy. */
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike) => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binary('minimum', a, b);

function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  const { ta, tb, backend, shape } = prepareBinary(op, a, b, false);
  return emit(null, backend, backend.compare(op, ta.info(op), tb.info(op), shape), shape, 'int32', [], null);
}

/** Elementwise comparisons; results are int32 0/1 and carry no gradient. */
export const equal = (a: TensorLike, b: TensorLike) => compare('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike) => compare('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike) => compare('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike) => compare('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike) => compare('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike) => compare('greaterEqual', a, b);

/** Picks a where cond is non-zero, else b; all three broadcast together. */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c0 = asTensor(cond, a instanceof Tensor ? a : b instanceof Tensor ? b : undefined);
  // Any non-zero value is true, as in numpy (a float mask of 0.5 must not truncate to false).
  const c = c0.dtype === 'int32' ? c0 : notEqual(c0, 0);
  const { ta, tb, backend, shape: abShape, dtype } = prepareBinary('where', a, b, false);
  const shape = broadcastShapes('where', c.shape, abShape);
  backendOf('where', c, ta);
  const data = backend.where(c.info('where'), ta.info('where'), tb.info('where'), shape);
  return emit('where', backend, data, shape, dtype, [c, ta, tb], null);
}

/** Limits values to [lo, hi]; the gradient passes through inside the range. */
export function clip(x: TensorLike, lo: number, hi: number): Tensor {
  return minimum(maximum(x, lo), hi);
}

/**
 * Converts to another dtype. Float → int truncates toward zero; to uint8, values also wrap modulo 256
 * as numpy's `astype(np.uint8)` does (-1 → 255, 256 → 0; NaN → 0).
 *
 * @example
 * import { cast, tensor } from 'tensile';
 * console.log(cast(tensor([-1, 255.9, 256]), 'uint8').toArray()); // [255, 255, 0]
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  return castTo(asTensor(x), dtype);
}

import type { BinaryOp, CompareOp, TensorInfo, UnaryOp } from '../../backend/backend.js';
import type { BackendArray } from '../../tensor/dtype.js';
import { type Shape, sizeOf } from '../../tensor/shape.js';
import { broadcastIndices, isTrailing } from './broadcast.js';

type Arr = BackendArray;
type Alloc = (size: number, like: Arr) => Arr;

/** One scalar function per unary op. Loops call it through a switch-free closure per op. */
const UNARY: Record<UnaryOp, (v: number) => number> = {
  neg: (v) => -v,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (v) => 1 / Math.sqrt(v),
  square: (v) => v * v,
  abs: Math.abs,
  sign: Math.sign,
  reciprocal: (v) => 1 / v,
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  // Math.max keeps NaN (as np.maximum(x, 0) does), so a diverging model still shows NaN.
  relu: (v) => Math.max(v, 0),
  step: (v) => (v > 0 ? 1 : 0),
  floor: Math.floor,
  round: (v) => {
    // numpy rounds half to even; Math.round rounds half up.
    const r = Math.round(v);
    return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
};

/**
 * The ops a training step runs most get their own loops. Through the shared table the call `f(v)`
 * sees every op, turns megamorphic and is never inlined: about 3× slower (bench/ts-kernels.ts).
 */
function hotUnary(op: UnaryOp, src: Arr, out: Arr): boolean {
  const n = src.length;
  switch (op) {
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = Math.max(src[i]!, 0);
      return true;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-src[i]!));
      return true;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(src[i]!);
      return true;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(src[i]!);
      return true;
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -src[i]!;
      return true;
    case 'square':
      for (let i = 0; i < n; i++) {
        const v = src[i]!;
        out[i] = v * v;
      }
      return true;
    default:
      return false;
  }
}

export function unary(op: UnaryOp, x: TensorInfo, alloc: Alloc): Arr {
  const src = x.data as Arr;
  const out = alloc(src.length, src);
  if (hotUnary(op, src, out)) return out;
  const f = UNARY[op];
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return out;
}

/**
 * add/sub/mul/div when each operand is full-size, a scalar or a trailing block (bias-add style):
 * operand k is read at a position that wraps at mk, so one loop per op covers every fast path.
 */
function hotBinary(op: BinaryOp, da: Arr, ma: number, db: Arr, mb: number, out: Arr): boolean {
  const n = out.length;
  let ia = 0;
  let ib = 0;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++, ia = ++ia === ma ? 0 : ia, ib = ++ib === mb ? 0 : ib)
        out[i] = da[ia]! + db[ib]!;
      return true;
    case 'sub':
      for (let i = 0; i < n; i++, ia = ++ia === ma ? 0 : ia, ib = ++ib === mb ? 0 : ib)
        out[i] = da[ia]! - db[ib]!;
      return true;
    case 'mul':
      for (let i = 0; i < n; i++, ia = ++ia === ma ? 0 : ia, ib = ++ib === mb ? 0 : ib)
        out[i] = da[ia]! * db[ib]!;
      return true;
    case 'div':
      for (let i = 0; i < n; i++, ia = ++ia === ma ? 0 : ia, ib = ++ib === mb ? 0 : ib)
        out[i] = da[ia]! / db[ib]!;
      return true;
    default:
      return false;
  }
}

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
};

const COMPARE: Record<CompareOp, (a: number, b: number) => number> = {
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

/** Applies f with numpy broadcasting; fast paths for equal shapes, scalars and trailing vectors. */
function broadcastApply(
  f: (a: number, b: number) => number,
  a: TensorInfo,
  b: TensorInfo,
  shape: Shape,
  out: Arr,
): Arr {
  const da = a.data as Arr;
  const db = b.data as Arr;
  const n = out.length;
  if (da.length === n && db.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(da[i]!, db[i]!);
  } else if (db.length === 1 && da.length === n) {
    const v = db[0]!;
    for (let i = 0; i < n; i++) out[i] = f(da[i]!, v);
  } else if (da.length === 1 && db.length === n) {
    const v = da[0]!;
    for (let i = 0; i < n; i++) out[i] = f(v, db[i]!);
  } else if (da.length === n && isTrailing(b.shape, shape)) {
    const m = db.length;
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(da[i + j]!, db[j]!);
  } else if (db.length === n && isTrailing(a.shape, shape)) {
    const m = da.length;
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(da[j]!, db[i + j]!);
  } else {
    const [ia, ib] = broadcastIndices(a.shape, b.shape, shape, n);
    for (let i = 0; i < n; i++) out[i] = f(da[ia[i]!]!, db[ib[i]!]!);
  }
  return out;
}

/** How often an operand repeats across the output: its size when full, scalar or trailing; else 0. */
function period(x: TensorInfo, shape: Shape, n: number): number {
  const len = (x.data as Arr).length;
  return len === n || len === 1 || isTrailing(x.shape, shape) ? len : 0;
}

export function binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, shape: Shape, alloc: Alloc): Arr {
  const out = alloc(sizeOf(shape), a.data as Arr);
  const [ma, mb] = [period(a, shape, out.length), period(b, shape, out.length)];
  if (ma > 0 && mb > 0 && hotBinary(op, a.data as Arr, ma, b.data as Arr, mb, out)) return out;
  return broadcastApply(BINARY[op], a, b, shape, out);
}

export function compare(op: CompareOp, a: TensorInfo, b: TensorInfo, shape: Shape): Int32Array {
  return broadcastApply(COMPARE[op], a, b, shape, new Int32Array(sizeOf(shape))) as Int32Array;
}

export function where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, shape: Shape, alloc: Alloc): Arr {
  const n = sizeOf(shape);
  const out = alloc(n, a.data as Arr);
  // Broadcast cond against a first, then the chosen values against b: two index maps, one pass.
  const [ic, ia] = broadcastIndices(cond.shape, a.shape, shape, n);
  const [, ib] = broadcastIndices(cond.shape, b.shape, shape, n);
  const dc = cond.data as Arr;
  const da = a.data as Arr;
  const db = b.data as Arr;
  for (let i = 0; i < n; i++) out[i] = dc[ic[i]!] ? da[ia[i]!]! : db[ib[i]!]!;
  return out;
}

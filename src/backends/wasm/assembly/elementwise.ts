// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Elementwise kernels: unary maps, casts, and binary / compare / where with numpy broadcasting.
// Op codes are the indices of the op lists in ../codes.ts. Every result matches the ts backend's
// f64-then-round semantics bit for bit, except exp/tanh/sigmoid (polynomials, ~1 ulp).
//
// Whole storages are allocated in 16-byte blocks, so a kernel over a complete storage may run whole
// vectors past the last element ("flat" loops, no scalar tail). Rows inside a matrix may not: they
// finish their last partial vector through the TMP buffer.
import { Vec } from './math';

/** Scratch vectors: tail operands and result (0..63), broadcast scalars for the fast rows (64..95). */
export const TMP: usize = memory.data(96, 16);

/** Float unaries that have no vector instruction and must match Math.* exactly: computed in f64. */
function unaryScalarF32(op: i32, v: f32): f32 {
  if (op === 2) return <f32>Math.log(<f64>v);
  return <f32>(1.0 / Math.sqrt(<f64>v)); // rsqrt: Math in f64 as the reference does
}

function unaryVecF32(op: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  switch (op) {
    case 0:
      return f32x4.neg(x);
    case 3:
      return f32x4.sqrt(x);
    case 5:
      return f32x4.mul(x, x);
    case 6:
      return f32x4.abs(x);
    case 7: {
      // Math.sign: ±1, and x itself for ±0 and NaN.
      const neg = v128.bitselect(f32x4.splat(-1), x, f32x4.lt(x, zero));
      return v128.bitselect(f32x4.splat(1), neg, f32x4.gt(x, zero));
    }
    case 8:
      return f32x4.div(f32x4.splat(1), x);
    case 12:
      return v128.and(f32x4.splat(1), f32x4.gt(x, zero));
    case 13:
      return f32x4.floor(x);
    case 14:
      return f32x4.nearest(x); // ties to even, like numpy
    default: {
      v128.store(TMP, x);
      for (let i: usize = 0; i < 16; i += 4) store<f32>(TMP + i, unaryScalarF32(op, load<f32>(TMP + i)));
      return v128.load(TMP);
    }
  }
}

function unaryVecI32(op: i32, x: v128): v128 {
  const zero = i32x4.splat(0);
  switch (op) {
    case 0:
      return i32x4.neg(x);
    case 5:
      return i32x4.mul(x, x);
    case 6:
      return i32x4.abs(x);
    case 7:
      return i32x4.sub(i32x4.lt_s(x, zero), i32x4.gt_s(x, zero)); // masks are -1: (x<0) - (x>0)
    case 11:
      return i32x4.max_s(x, zero);
    case 12:
      return v128.and(i32x4.splat(1), i32x4.gt_s(x, zero));
    default:
      return x; // floor and round of an integer
  }
}

/**
 * out = op(x) over a whole storage of n elements (flat). The hot float ops get their own loops (a
 * dispatch per vector costs as much as a cheap op); the rest share one loop over unaryVecF32.
 */
export function unary(op: i32, isInt: bool, x: usize, out: usize, n: i32): void {
  const end = x + <usize>(n << 2);
  if (isInt) {
    for (; x < end; x += 16, out += 16) v128.store(out, unaryVecI32(op, v128.load(x)));
  } else if (op === 1) {
    for (; x < end; x += 16, out += 16) v128.store(out, Vec.exp(v128.load(x)));
  } else if (op === 9) {
    for (; x < end; x += 16, out += 16) v128.store(out, Vec.tanh(v128.load(x)));
  } else if (op === 10) {
    for (; x < end; x += 16, out += 16) v128.store(out, Vec.sigmoid(v128.load(x)));
  } else if (op === 11) {
    for (; x < end; x += 16, out += 16) v128.store(out, Vec.relu(v128.load(x)));
  } else if (op === 0) {
    for (; x < end; x += 16, out += 16) v128.store(out, f32x4.neg(v128.load(x)));
  } else if (op === 5) {
    for (; x < end; x += 16, out += 16) v128.store(out, f32x4.mul(v128.load(x), v128.load(x)));
  } else {
    for (; x < end; x += 16, out += 16) v128.store(out, unaryVecF32(op, v128.load(x)));
  }
}

/** JavaScript's ToInt32 of a truncated float: wraps modulo 2³², and NaN or ±Infinity give 0. */
function toInt32(v: f32): i32 {
  const t = Math.trunc(<f64>v);
  if (!Number.isFinite(t)) return 0;
  let m = t % 4294967296.0;
  if (m < 0) m += 4294967296.0;
  return <i32>(<u32>m);
}

/**
 * float32 → int32 truncates toward zero with the reference's ToInt32 semantics (NaN → 0, out-of-range
 * values wrap; those lanes are rare and take a scalar path); int32 → float32 rounds to nearest. Flat.
 */
export function cast(toInt: bool, x: usize, out: usize, n: i32): void {
  const end = x + <usize>(n << 2);
  const limit = f32x4.splat(2147483648.0);
  if (!toInt) {
    for (; x < end; x += 16, out += 16) v128.store(out, f32x4.convert_i32x4_s(v128.load(x)));
    return;
  }
  for (; x < end; x += 16, out += 16) {
    const v = v128.load(x);
    // |v| ≥ 2³¹ or ±Infinity (NaN compares false and trunc_sat already maps it to 0).
    if (v128.any_true(f32x4.ge(f32x4.abs(v), limit))) {
      for (let i: usize = 0; i < 16; i += 4) store<i32>(out + i, toInt32(load<f32>(x + i)));
    } else v128.store(out, i32x4.trunc_sat_f32x4_s(v));
  }
}

/**
 * One code for every (kind, op) a broadcast row can compute, so the loop dispatches once per vector:
 * binary float32 0..6 and int32 8..14 (add sub mul div pow maximum minimum), compare float32 16..21 and
 * int32 24..29 (equal notEqual less lessEqual greater greaterEqual; int32 0/1 out), where 32.
 */
function combine(code: i32, a: v128, b: v128, c: v128): v128 {
  const one = i32x4.splat(1);
  switch (code) {
    case 0:
      return f32x4.add(a, b);
    case 1:
      return f32x4.sub(a, b);
    case 2:
      return f32x4.mul(a, b);
    case 3:
      return f32x4.div(a, b);
    case 4: {
      v128.store(TMP, a);
      v128.store(TMP, b, 16);
      for (let i: usize = 0; i < 16; i += 4) {
        const base: f64 = load<f32>(TMP + i);
        const exponent: f64 = load<f32>(TMP + i, 16);
        store<f32>(TMP + i, <f32>(base ** exponent));
      }
      return v128.load(TMP);
    }
    case 5: // a >= b || isNaN(a) ? a : b (the reference's NaN and ±0 behaviour)
      return v128.bitselect(a, b, v128.or(f32x4.ge(a, b), f32x4.ne(a, a)));
    case 6:
      return v128.bitselect(a, b, v128.or(f32x4.le(a, b), f32x4.ne(a, a)));
    case 8:
      return i32x4.add(a, b);
    case 9:
      return i32x4.sub(a, b);
    case 10:
      return i32x4.mul(a, b);
    case 13:
      return i32x4.max_s(a, b);
    case 14:
      return i32x4.min_s(a, b);
    case 16:
      return v128.and(one, f32x4.eq(a, b));
    case 17:
      return v128.and(one, f32x4.ne(a, b));
    case 18:
      return v128.and(one, f32x4.lt(a, b));
    case 19:
      return v128.and(one, f32x4.le(a, b));
    case 20:
      return v128.and(one, f32x4.gt(a, b));
    case 21:
      return v128.and(one, f32x4.ge(a, b));
    case 24:
      return v128.and(one, i32x4.eq(a, b));
    case 25:
      return v128.and(one, i32x4.ne(a, b));
    case 26:
      return v128.and(one, i32x4.lt_s(a, b));
    case 27:
      return v128.and(one, i32x4.le_s(a, b));
    case 28:
      return v128.and(one, i32x4.gt_s(a, b));
    case 29:
      return v128.and(one, i32x4.ge_s(a, b));
    default: // where: a is the int32 condition
      return v128.bitselect(b, c, i32x4.ne(a, i32x4.splat(0)));
  }
}

/** Vector at p: a load when the input advances (stride 1), else its single value broadcast. */
function operand(p: usize, stride: i32): v128 {
  return stride !== 0 ? v128.load(p) : v128.load32_splat(p);
}

/** Copies the first r lanes at p (or p's value, stride 0) into a TMP slot, for a tail vector. */
function stageTail(p: usize, stride: i32, r: i32, slot: usize): void {
  for (let i = 0; i < r; i++) store<i32>(slot + <usize>(i << 2), load<i32>(p + <usize>(i * stride * 4)));
}

/**
 * The arithmetic a training step runs most, as tight loops over `full` elements: float32 and int32
 * add, sub, mul and float32 div. A broadcast scalar (stride 0) is splatted into TMP once and read in
 * place (a load that never advances), so one loop per op serves every stride pattern. Returns false
 * for the other codes, which take the generic loop.
 */
function fastRow(code: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, full: i32): bool {
  if (code > 10 || code === 4 || code === 5 || code === 6) return false;
  if (sa === 0) {
    v128.store(TMP + 64, v128.load32_splat(a));
    a = TMP + 64;
  }
  if (sb === 0) {
    v128.store(TMP + 80, v128.load32_splat(b));
    b = TMP + 80;
  }
  const da = <usize>(sa << 4);
  const db = <usize>(sb << 4);
  const end = o + <usize>(full << 2);
  switch (code) {
    case 0:
      for (; o < end; o += 16, a += da, b += db) v128.store(o, f32x4.add(v128.load(a), v128.load(b)));
      return true;
    case 1:
      for (; o < end; o += 16, a += da, b += db) v128.store(o, f32x4.sub(v128.load(a), v128.load(b)));
      return true;
    case 2:
      for (; o < end; o += 16, a += da, b += db) v128.store(o, f32x4.mul(v128.load(a), v128.load(b)));
      return true;
    case 3:
      for (; o < end; o += 16, a += da, b += db) v128.store(o, f32x4.div(v128.load(a), v128.load(b)));
      return true;
    case 8:
      for (; o < end; o += 16, a += da, b += db) v128.store(o, i32x4.add(v128.load(a), v128.load(b)));
      return true;
    case 9:
      for (; o < end; o += 16, a += da, b += db) v128.store(o, i32x4.sub(v128.load(a), v128.load(b)));
      return true;
    default:
      for (; o < end; o += 16, a += da, b += db) v128.store(o, i32x4.mul(v128.load(a), v128.load(b)));
      return true;
  }
}

/** One broadcast row: n outputs from inputs with element stride 0 or 1. `flat` allows a whole last vector. */
function row(
  code: i32,
  a: usize,
  sa: i32,
  b: usize,
  sb: i32,
  c: usize,
  sc: i32,
  o: usize,
  n: i32,
  flat: bool,
): void {
  const da = <usize>(sa << 4);
  const db = <usize>(sb << 4);
  const dc = <usize>(sc << 4);
  const full = flat ? (n + 3) & ~3 : n & ~3;
  if (!fastRow(code, a, sa, b, sb, o, full)) {
    for (let i = 0; i < full; i += 4) {
      v128.store(o, combine(code, operand(a, sa), operand(b, sb), operand(c, sc)));
      a += da;
      b += db;
      c += dc;
      o += 16;
    }
  } else {
    const bytes = <usize>(full << 2);
    a += <usize>sa * bytes;
    b += <usize>sb * bytes;
    o += bytes;
  }
  const r = n - full;
  if (r <= 0) return;
  stageTail(a, sa, r, TMP);
  stageTail(b, sb, r, TMP + 16);
  stageTail(c, sc, r, TMP + 32);
  v128.store(TMP, combine(code, v128.load(TMP), v128.load(TMP, 16), v128.load(TMP, 32)), 48);
  for (let i = 0; i < r; i++) store<i32>(o + <usize>(i << 2), load<i32>(TMP + <usize>(48 + i * 4)));
}

/**
 * out = combine(code, a, b, c) broadcast over an output of `rank` dims. `plan` holds int32 arrays
 * dims[rank], then the element strides of a, b and c over those dims (0 where an input broadcasts).
 * The innermost stride of each input is 0 or 1; the JS side collapses dims so rows are as long as
 * possible. A rank-1 plan covers whole storages, so its row runs flat.
 */
export function broadcast(code: i32, a: usize, b: usize, c: usize, out: usize, rank: i32, plan: usize): void {
  const dims = plan;
  const sa = plan + <usize>(rank << 2);
  const sb = sa + <usize>(rank << 2);
  const sc = sb + <usize>(rank << 2);
  const last = <usize>((rank - 1) << 2);
  const n = load<i32>(dims + last);
  const ia = load<i32>(sa + last);
  const ib = load<i32>(sb + last);
  const ic = load<i32>(sc + last);
  if (rank === 1) {
    row(code, a, ia, b, ib, c, ic, out, n, true);
    return;
  }
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= load<i32>(dims + <usize>(d << 2));
  const cnt = plan + <usize>(rank << 4); // the plan's fifth array: the odometer's counters
  for (let d = 0; d < rank - 1; d++) store<i32>(cnt + <usize>(d << 2), 0);
  let oa = 0;
  let ob = 0;
  let oc = 0;
  const rowBytes = <usize>(n << 2);
  for (let r = 0; r < rows; r++) {
    row(code, a + <usize>(oa << 2), ia, b + <usize>(ob << 2), ib, c + <usize>(oc << 2), ic, out, n, false);
    out += rowBytes;
    for (let d = rank - 2; d >= 0; d--) {
      const at = <usize>(d << 2);
      const k = load<i32>(cnt + at) + 1;
      oa += load<i32>(sa + at);
      ob += load<i32>(sb + at);
      oc += load<i32>(sc + at);
      if (k < load<i32>(dims + at)) {
        store<i32>(cnt + at, k);
        break;
      }
      const dim = load<i32>(dims + at);
      oa -= load<i32>(sa + at) * dim;
      ob -= load<i32>(sb + at) * dim;
      oc -= load<i32>(sc + at) * dim;
      store<i32>(cnt + at, 0);
    }
  }
}

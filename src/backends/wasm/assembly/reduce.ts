// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Reductions over a contiguous run of axes, seen as [outer, red, inner]: `reduceRows` when inner = 1
// (each output is one contiguous row), `reduceCols` otherwise (rows of `inner` combined vertically, in
// the reference's order, so column sums round exactly like the ts backend). Ops: 0 sum, 1 max, 2 min.
// max/min propagate NaN, as the reference's `v > m || isNaN(v)` does.

function combineF32(op: i32, a: v128, b: v128): v128 {
  if (op === 0) return f32x4.add(a, b);
  return op === 1 ? f32x4.max(a, b) : f32x4.min(a, b);
}

function combineI32(op: i32, a: v128, b: v128): v128 {
  if (op === 0) return i32x4.add(a, b);
  return op === 1 ? i32x4.max_s(a, b) : i32x4.min_s(a, b);
}

function scalarF32(op: i32, acc: f32, v: f32): f32 {
  if (op === 0) return acc + v;
  if (F32.isNaN(v)) return v;
  return op === 1 ? (v > acc ? v : acc) : v < acc ? v : acc;
}

function scalarI32(op: i32, acc: i32, v: i32): i32 {
  if (op === 0) return acc + v;
  return op === 1 ? max(acc, v) : min(acc, v);
}

/** Identity of the reduction: 0 for sum, -Infinity / +Infinity (or the int32 extremes) for max / min. */
function identityF32(op: i32): f32 {
  return op === 0 ? 0 : op === 1 ? -Infinity : Infinity;
}

function identityI32(op: i32): i32 {
  return op === 0 ? 0 : op === 1 ? i32.MIN_VALUE : i32.MAX_VALUE;
}

/** Combines the 4 lanes of v into one value. */
function horizontalF32(op: i32, v: v128): f32 {
  v = combineF32(op, v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  v = combineF32(op, v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
  return f32x4.extract_lane(v, 0);
}

function horizontalI32(op: i32, v: v128): i32 {
  v = combineI32(op, v, v128.shuffle<i32>(v, v, 2, 3, 0, 1));
  v = combineI32(op, v, v128.shuffle<i32>(v, v, 1, 0, 3, 2));
  return i32x4.extract_lane(v, 0);
}

/** out[r] = reduce(x[r·len .. r·len + len)) for each of `rows` rows; two accumulators per row. */
export function reduceRows(op: i32, isInt: bool, x: usize, rows: i32, len: i32, out: usize): void {
  const full = len & ~7;
  for (let r = 0; r < rows; r++, out += 4) {
    let i = 0;
    if (isInt) {
      let acc = identityI32(op);
      if (full > 0) {
        let v0 = v128.load(x);
        let v1 = v128.load(x, 16);
        for (i = 8; i < full; i += 8) {
          v0 = combineI32(op, v0, v128.load(x + <usize>(i << 2)));
          v1 = combineI32(op, v1, v128.load(x + <usize>(i << 2), 16));
        }
        acc = horizontalI32(op, combineI32(op, v0, v1));
      }
      for (; i < len; i++) acc = scalarI32(op, acc, load<i32>(x + <usize>(i << 2)));
      store<i32>(out, acc);
    } else {
      let acc = identityF32(op);
      if (full > 0) {
        let v0 = v128.load(x);
        let v1 = v128.load(x, 16);
        for (i = 8; i < full; i += 8) {
          v0 = combineF32(op, v0, v128.load(x + <usize>(i << 2)));
          v1 = combineF32(op, v1, v128.load(x + <usize>(i << 2), 16));
        }
        acc = horizontalF32(op, combineF32(op, v0, v1));
      }
      for (; i < len; i++) acc = scalarF32(op, acc, load<f32>(x + <usize>(i << 2)));
      store<f32>(out, acc);
    }
    x += <usize>(len << 2);
  }
}

/** out[o, i] = reduce over r of x[o, r, i]: each input row folds into the output row, in order. */
export function reduceCols(
  op: i32,
  isInt: bool,
  x: usize,
  outer: i32,
  red: i32,
  inner: i32,
  out: usize,
): void {
  const bytes = <usize>(inner << 2);
  const full = inner & ~3;
  for (let o = 0; o < outer; o++, out += bytes) {
    memory.copy(out, x, bytes);
    x += bytes;
    for (let r = 1; r < red; r++, x += bytes) {
      let i = 0;
      for (; i < full; i += 4) {
        const p = <usize>(i << 2);
        const v = isInt
          ? combineI32(op, v128.load(out + p), v128.load(x + p))
          : combineF32(op, v128.load(out + p), v128.load(x + p));
        v128.store(out + p, v);
      }
      for (; i < inner; i++) {
        const p = <usize>(i << 2);
        if (isInt) store<i32>(out + p, scalarI32(op, load<i32>(out + p), load<i32>(x + p)));
        else store<f32>(out + p, scalarF32(op, load<f32>(out + p), load<f32>(x + p)));
      }
    }
  }
}

/** Fills out[0..n) with the reduction's identity (the result of reducing over an empty axis). */
export function fillIdentity(op: i32, isInt: bool, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const p = out + <usize>(i << 2);
    if (isInt) store<i32>(p, identityI32(op));
    else store<f32>(p, identityF32(op));
  }
}

/**
 * int32 index of the largest value of x[o, :, i] (first on ties; a NaN wins over numbers, the first
 * NaN over later ones), as the reference computes it. isInt reads int32 values.
 */
export function argmax(isInt: bool, x: usize, outer: i32, n: i32, inner: i32, out: usize): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best: f64 = -Infinity;
      let bestIdx = 0;
      for (let k = 0; k < n; k++) {
        const p = x + <usize>(((o * n + k) * inner + i) << 2);
        const v: f64 = isInt ? <f64>load<i32>(p) : <f64>load<f32>(p);
        if (v > best || (F64.isNaN(v) && !F64.isNaN(best))) {
          best = v;
          bestIdx = k;
        }
      }
      store<i32>(out, bestIdx);
      out += 4;
    }
  }
}

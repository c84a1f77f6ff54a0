// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Vectorised exp, tanh and sigmoid on f32x4. Why not Math.exp: the recurrent kernels spend half their
// time in exp/tanh otherwise (DESIGN.md, kernel probes), and a polynomial runs 4 lanes per instruction.
// Accuracy (tested in math.test.ts): max relative error of exp ≲ 2e-7 on [-87, 88].

/**
 * exp(x) by Cody–Waite range reduction and the Cephes expf minimax polynomial:
 * x = n·ln2 + r with |r| ≤ ln2/2, exp(r) ≈ 1 + r + r²·P(r), then scaled by 2ⁿ through the exponent
 * bits. 2ⁿ is applied as two factors 2^(n>>1)·2^(n-(n>>1)) so results that are subnormal (x down to
 * -103.9) or overflow to +Infinity (x > 88.72) come out right instead of wrapping the exponent.
 * NaN propagates (wasm min/max propagate NaN; the exponent of a NaN lane is 0).
 */
export function exp4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(89)), f32x4.splat(-104));
  const fn = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  // ln2 split in a short high part (exact products with n) and a correction.
  let r = f32x4.sub(x, f32x4.mul(fn, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fn, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const n = i32x4.trunc_sat_f32x4_s(fn);
  const n1 = i32x4.shr_s(n, 1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(n, n1), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/**
 * tanh(x): the Cephes tanhf odd polynomial below |x| = 0.625 (where 1 - 2/(e²ˣ+1) would cancel),
 * 1 - 2/(e^(2|x|)+1) with the sign of x above. Saturates to ±1 exactly: e^(2|x|) reaches +Infinity.
 */
export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, z), p));
  const e = exp4(f32x4.add(ax, ax));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  // Copy the sign of x onto the large-|x| result.
  const signed = v128.or(big, v128.and(x, f32x4.splat(-0.0)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** sigmoid(x) = 1 / (1 + e^-x): 0 and 1 at the extremes because e^-x saturates to +Infinity or 0. */
export function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(x))));
}

/** Scalar forms for row tails: lane 0 of the vector function, so tails round exactly like bodies. */
export function expf(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

export function tanhf(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

export function sigmoidf(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

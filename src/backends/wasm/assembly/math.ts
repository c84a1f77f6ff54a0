// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Vectorised exp, tanh and sigmoid on f32x4. Why not Math.exp: the recurrent kernels spend half their
// time in exp/tanh otherwise (DESIGN.md, kernel probes), and a polynomial runs 4 lanes per instruction.
// Accuracy (tested in math.test.ts): max relative error ≲ 2e-7 (exp on [-87, 88], tanh, sigmoid).

/**
 * Every constant of the polynomials, as float32 scalars in static memory. Why memory: V8 rebuilds a
 * v128 constant with three instructions each time a loop needs it (too many to keep in registers),
 * while a broadcast load from L1 (v128.load32_splat, one vbroadcastss) is one.
 */
const K: usize = memory.data<f32>([
  89,
  -110,
  <f32>Math.LOG2E,
  12582912,
  0.693359375,
  -2.1219444e-4,
  1.98756915e-4,
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
  1,
  -5.70498872745e-3,
  2.06390887954e-2,
  -5.37397155531e-2,
  1.33314422036e-1,
  -3.33332819422e-1,
  2,
  0.625,
  -0.0,
]);
// Byte offsets into K.
const EXP_HI: usize = 0;
const EXP_LO: usize = 4;
const LOG2E: usize = 8;
const MAGIC: usize = 12; // 1.5·2²³: adding it rounds to an integer and leaves it in the low mantissa bits
const LN2_HI: usize = 16;
const LN2_LO: usize = 20;
const EXP_P: usize = 24; // 6 coefficients
const ONE: usize = 48;
const TANH_P: usize = 52; // 5 coefficients
const TWO: usize = 72;
const TANH_SWITCH: usize = 76;
const SIGN: usize = 80;

/**
 * The vector math, as static methods only because AssemblyScript's @inline (needed: V8 does not
 * inline wasm calls, and a call per vector doubled the cost of exp) is a decorator, and decorators
 * are TypeScript syntax only on class members.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see above).
export class Vec {
  /** The constant at byte offset `at` of K, in all four lanes. */
  @inline static k(at: usize): v128 {
    return v128.load32_splat(K + at);
  }

  /**
   * exp(x) by Cody–Waite range reduction and the Cephes expf minimax polynomial:
   * x = n·ln2 + r with |r| ≤ ln2/2, exp(r) ≈ 1 + r + r²·P(r), then scaled by 2ⁿ through the exponent
   * bits. 2ⁿ is applied as two factors 2^(n>>1)·2^(n-(n>>1)) so results that are subnormal (x down to
   * -103.9; below -110 the result is 0 anyway) or overflow to +Infinity (x > 88.72) come out right.
   * Only single-instruction operations on x64: pmin/pmax (minps/maxps) for the clamp, keeping NaN
   * because x is their first operand, and n rounded with MAGIC; IEEE min/max and trunc_sat cost V8
   * ~8 instructions each.
   */
  @inline static exp(x: v128): v128 {
    x = f32x4.pmax(f32x4.pmin(x, Vec.k(EXP_HI)), Vec.k(EXP_LO));
    const magic = Vec.k(MAGIC);
    const t = f32x4.add(f32x4.mul(x, Vec.k(LOG2E)), magic);
    const fn = f32x4.sub(t, magic);
    // ln2 split in a short high part (exact products with n) and a correction.
    let r = f32x4.sub(x, f32x4.mul(fn, Vec.k(LN2_HI)));
    r = f32x4.sub(r, f32x4.mul(fn, Vec.k(LN2_LO)));
    let p = Vec.k(EXP_P);
    p = f32x4.add(f32x4.mul(p, r), Vec.k(EXP_P + 4));
    p = f32x4.add(f32x4.mul(p, r), Vec.k(EXP_P + 8));
    p = f32x4.add(f32x4.mul(p, r), Vec.k(EXP_P + 12));
    p = f32x4.add(f32x4.mul(p, r), Vec.k(EXP_P + 16));
    p = f32x4.add(f32x4.mul(p, r), Vec.k(EXP_P + 20));
    const one = Vec.k(ONE);
    const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), one);
    const n = i32x4.sub(t, magic); // the integer n, from the mantissa bits
    const n1 = i32x4.shr_s(n, 1);
    // (m + 127) << 23 is 2^m's bit pattern: m << 23 plus the bits of 1.0.
    const s1 = i32x4.add(i32x4.shl(n1, 23), one);
    const s2 = i32x4.add(i32x4.shl(i32x4.sub(n, n1), 23), one);
    return f32x4.mul(f32x4.mul(y, s1), s2);
  }

  /**
   * tanh(x): the Cephes tanhf odd polynomial below |x| = 0.625 (where 1 - 2/(e²ˣ+1) would cancel),
   * 1 - 2/(e^(2|x|)+1) with the sign of x above. Saturates to ±1 exactly: e^(2|x|) reaches +Infinity.
   */
  @inline static tanh(x: v128): v128 {
    // Work on |x| and put the sign back at the end: tanh is odd, and tanh(-0) stays -0.
    const ax = f32x4.abs(x);
    const z = f32x4.mul(ax, ax);
    let p = Vec.k(TANH_P);
    p = f32x4.add(f32x4.mul(p, z), Vec.k(TANH_P + 4));
    p = f32x4.add(f32x4.mul(p, z), Vec.k(TANH_P + 8));
    p = f32x4.add(f32x4.mul(p, z), Vec.k(TANH_P + 12));
    p = f32x4.add(f32x4.mul(p, z), Vec.k(TANH_P + 16));
    const small = f32x4.add(ax, f32x4.mul(f32x4.mul(ax, z), p));
    const one = Vec.k(ONE);
    const e = Vec.exp(f32x4.add(ax, ax));
    const big = f32x4.sub(one, f32x4.div(Vec.k(TWO), f32x4.add(e, one)));
    const magnitude = v128.bitselect(small, big, f32x4.lt(ax, Vec.k(TANH_SWITCH)));
    return v128.or(magnitude, v128.and(x, Vec.k(SIGN)));
  }

  /** sigmoid(x) = 1 / (1 + e^-x): 0 and 1 at the extremes because e^-x saturates to +Infinity or 0. */
  @inline static sigmoid(x: v128): v128 {
    const one = Vec.k(ONE);
    return f32x4.div(one, f32x4.add(one, Vec.exp(f32x4.neg(x))));
  }

  /**
   * relu as the reference's Math.max(v, 0): NaN stays NaN and -0 becomes +0. pmax is one maxps (IEEE
   * max is a ~8-instruction sequence in V8); adding +0 turns the -0 it lets through into +0.
   */
  @inline static relu(x: v128): v128 {
    return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), f32x4.splat(0));
  }
}

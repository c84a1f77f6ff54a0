// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// The gate nonlinearities of the recurrent kernels: cheaper versions of math.ts's Vec.tanh and
// Vec.sigmoid. Why not those: Vec.tanh evaluates a polynomial, an exp and a divide and picks one
// (~60 instructions), and both carry exp's subnormal/overflow handling, which gates never need; the
// recurrences spent almost all their time there (a chain of ~25 dependent operations per vector).
// Accuracy (tested in ../rnn-math.test.ts against float64): tanh ≤ 5e-7 relative, sigmoid ≤ 3e-7.

/** Constants as float32 scalars in static memory, broadcast with one load (see math.ts for why). */
const K: usize = memory.data<f32>([
  // tanh(x) ≈ x·P(x²)/Q(x²) on |x| ≤ 9, a minimax fit of the relative error (4/4 in x²).
  1.3354370942408877e-8,
  2.0608862541848794e-5,
  0.0034955742303282022,
  0.1338101327419281,
  7.776436632411787e-7,
  0.0003285612619947642,
  0.025876928120851517,
  0.46714329719543457,
  9,
  -9,
  1,
  -1,
  // e^-x: x's clamp, -log2(e), the rounding magic, ln2 in two parts, Cephes expf's polynomial.
  87.3,
  -88.3,
  -(<f32>Math.LOG2E),
  12582912,
  0.693359375,
  -2.1219444e-4,
  1.98756915e-4,
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
]);
const TP: usize = 0; // P4..P1 (P0 = 1)
const TQ: usize = 16; // Q4..Q1 (Q0 = 1)
const CLAMP: usize = 32;
const NCLAMP: usize = 36;
const ONE: usize = 40;
const NONE: usize = 44;
const X_HI: usize = 48;
const X_LO: usize = 52;
const NLOG2E: usize = 56;
const MAGIC: usize = 60;
const LN2_HI: usize = 64;
const LN2_LO: usize = 68;
const EXP_P: usize = 72; // 6 coefficients

// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
export class Gate {
  @inline static k(at: usize): v128 {
    return v128.load32_splat(K + at);
  }

  /**
   * tanh(x) as one rational function of x² (two independent Horner chains and one divide), on x
   * clamped to ±9 where tanh rounds to ±1; the result is clamped to [-1, 1]. NaN stays NaN (x is
   * the first operand of every pmin/pmax).
   */
  @inline static tanh(x: v128): v128 {
    x = f32x4.pmax(f32x4.pmin(x, Gate.k(CLAMP)), Gate.k(NCLAMP));
    const z = f32x4.mul(x, x);
    let p = Gate.k(TP);
    let q = Gate.k(TQ);
    p = f32x4.add(f32x4.mul(p, z), Gate.k(TP + 4));
    q = f32x4.add(f32x4.mul(q, z), Gate.k(TQ + 4));
    p = f32x4.add(f32x4.mul(p, z), Gate.k(TP + 8));
    q = f32x4.add(f32x4.mul(q, z), Gate.k(TQ + 8));
    p = f32x4.add(f32x4.mul(p, z), Gate.k(TP + 12));
    q = f32x4.add(f32x4.mul(q, z), Gate.k(TQ + 12));
    const one = Gate.k(ONE);
    p = f32x4.add(f32x4.mul(p, z), one);
    q = f32x4.add(f32x4.mul(q, z), one);
    const y = f32x4.div(f32x4.mul(x, p), q);
    return f32x4.pmax(f32x4.pmin(y, one), Gate.k(NONE));
  }

  /**
   * sigmoid(x) = 1 / (1 + e^-x). e^-x as in Vec.exp (Cody–Waite reduction, Cephes polynomial) but
   * with x clamped to [-88.3, 87.3], where 2ⁿ is a normal float and one scale suffices (sigmoid is
   * 1 below and ≤ 5e-39 above), and the negation folded into the constants: with n = round(-x·log2e)
   * and s = x + n·ln2 = -r, e^r = 1 - s + s²·P(-s).
   */
  @inline static sigmoid(x: v128): v128 {
    x = f32x4.pmax(f32x4.pmin(x, Gate.k(X_HI)), Gate.k(X_LO));
    const magic = Gate.k(MAGIC);
    const t = f32x4.add(f32x4.mul(x, Gate.k(NLOG2E)), magic);
    const fn = f32x4.sub(t, magic);
    let s = f32x4.add(x, f32x4.mul(fn, Gate.k(LN2_HI)));
    s = f32x4.add(s, f32x4.mul(fn, Gate.k(LN2_LO)));
    // P(-s) (P's odd coefficients negated) by Estrin's scheme: three independent pairs, so the
    // chain is half as deep as Horner's.
    const s2 = f32x4.mul(s, s);
    const a = f32x4.sub(Gate.k(EXP_P + 20), f32x4.mul(Gate.k(EXP_P + 16), s));
    const b = f32x4.sub(Gate.k(EXP_P + 12), f32x4.mul(Gate.k(EXP_P + 8), s));
    const c = f32x4.sub(Gate.k(EXP_P + 4), f32x4.mul(Gate.k(EXP_P), s));
    const p = f32x4.add(a, f32x4.mul(s2, f32x4.add(b, f32x4.mul(s2, c))));
    const one = Gate.k(ONE);
    const e = f32x4.add(f32x4.sub(f32x4.mul(p, s2), s), one);
    // 2ⁿ from n's bits in t's mantissa: (n + 127) << 23 = n << 23 plus the bits of 1.0.
    const scale = i32x4.add(i32x4.shl(i32x4.sub(t, magic), 23), one);
    return f32x4.div(one, f32x4.add(one, f32x4.mul(e, scale)));
  }
}

/** out[i] = tanh (op 0) or sigmoid (op 1) of x[i] for n floats (flat; exported for the accuracy test). */
export function rnnGateMath(op: i32, x: usize, out: usize, n: i32): void {
  const end = x + <usize>(n << 2);
  if (op === 0) for (; x < end; x += 16, out += 16) v128.store(out, Gate.tanh(v128.load(x)));
  else for (; x < end; x += 16, out += 16) v128.store(out, Gate.sigmoid(v128.load(x)));
}

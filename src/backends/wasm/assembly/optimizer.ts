// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Fused optimizer updates: one pass over a variable that reads its gradient and slots and writes the
// variable and slots in place. Each line is the composed update of src/optimizers/ with the same
// float32 operations in the same order (the scalars arrive rounded to f32, as scalar tensors are), so
// the two paths agree bit for bit. Why fused: the composed update is 6-12 whole-storage passes and as
// many ops' worth of JS per variable; this is one pass and one call.
//
// Flat loops over whole storages (16-byte blocks, see elementwise.ts): a partial last vector runs past
// n into the block's padding, which no one reads. A caller may split a storage into ranges whose
// starts are multiples of 4 elements (the thread pool does) and run them concurrently: lanes never
// mix. No static scratch is used, so every kernel here is safe to run on several threads at once.
//
// Subnormal slots: WebAssembly has no flush-to-zero mode, and on x86 every multiply with a subnormal
// operand or result takes a microcode assist (~100 cycles). A slot whose gradient has stopped (a dead
// ReLU input, say) decays geometrically into that range and stays there for hundreds of steps: in the
// Fashion-MNIST CNN 14% of the dense kernel's Adam momentum was subnormal after two epochs, and an
// Adam step over subnormal slots ran 8.9 ms instead of 0.2 ms. So a slot is stored as zero once its
// next decay (·q) would be subnormal: the next step's contribution from it is then below 2^-126,
// the value TensorFlow's CPU kernels (which run with flush-to-zero) would also drop. The current
// step still uses the exact value; NaN and infinities are kept.

/** Smallest normal f32 (2^-126). */
const MIN_NORMAL: f32 = 1.17549435e-38;

/** |g| below 2^-63 squares to below 2^-126: those g² are taken as zero, as flush-to-zero would. */
const SQUARE_LIMIT: f32 = 1.08420217e-19;

// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
class Flush {
  /** Threshold below which a slot decaying by `q` per step is stored as zero (see the header). */
  @inline static below(q: f32): v128 {
    return f32x4.splat(q > 0 ? MIN_NORMAL / q : Infinity);
  }

  /** `x` with the lanes whose magnitude is below `limit` set to +0 (NaN compares false: kept). */
  @inline static lanes(x: v128, limit: v128): v128 {
    return v128.andnot(x, f32x4.lt(f32x4.abs(x), limit));
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
class Momentum {
  /** The momentum update of 4 floats of w and v given their gradient g: sgdStep's and denseGradMomentumStep's. */
  @inline static step(w: usize, v: usize, g: v128, rate: v128, mu: v128, limit: v128, nesterov: bool): void {
    const step = f32x4.mul(g, rate);
    const mv = f32x4.sub(f32x4.mul(v128.load(v), mu), step);
    v128.store(v, Flush.lanes(mv, limit));
    const wv = v128.load(w);
    v128.store(w, nesterov ? f32x4.sub(f32x4.add(wv, f32x4.mul(mv, mu)), step) : f32x4.add(wv, mv));
  }

  /** denseGradMomentumStep's loop over the rows of w (inlined with `nesterov` a constant). */
  @inline static rows(
    x: usize,
    ldx: i32,
    dz: usize,
    w: usize,
    v: usize,
    n: i32,
    k: i32,
    m: i32,
    lr: f32,
    momentum: f32,
    nesterov: bool,
  ): void {
    const rate = f32x4.splat(lr);
    const mu = f32x4.splat(momentum);
    const limit = Flush.below(momentum);
    const xStride = (<usize>ldx) << 2;
    const dzStride = (<usize>m) << 2;
    for (let i = 0; i < k; i++, x += 4) {
      const row = <usize>i * dzStride;
      const wi = w + row;
      const vi = v + row;
      let j = 0;
      for (; j + 16 <= m; j += 16) {
        const at = (<usize>j) << 2;
        // Row 0's products start the sums (0 + p would only turn a -0 into +0); n = 0 leaves them 0.
        let a0 = f32x4.splat(0);
        let a1 = a0;
        let a2 = a0;
        let a3 = a0;
        let xr = x;
        let d = dz + at;
        if (n > 0) {
          const s = v128.load32_splat(xr);
          a0 = f32x4.mul(v128.load(d), s);
          a1 = f32x4.mul(v128.load(d, 16), s);
          a2 = f32x4.mul(v128.load(d, 32), s);
          a3 = f32x4.mul(v128.load(d, 48), s);
        }
        for (let r = 1; r < n; r++) {
          xr += xStride;
          d += dzStride;
          const s = v128.load32_splat(xr);
          a0 = f32x4.add(a0, f32x4.mul(v128.load(d), s));
          a1 = f32x4.add(a1, f32x4.mul(v128.load(d, 16), s));
          a2 = f32x4.add(a2, f32x4.mul(v128.load(d, 32), s));
          a3 = f32x4.add(a3, f32x4.mul(v128.load(d, 48), s));
        }
        Momentum.step(wi + at, vi + at, a0, rate, mu, limit, nesterov);
        Momentum.step(wi + at + 16, vi + at + 16, a1, rate, mu, limit, nesterov);
        Momentum.step(wi + at + 32, vi + at + 32, a2, rate, mu, limit, nesterov);
        Momentum.step(wi + at + 48, vi + at + 48, a3, rate, mu, limit, nesterov);
      }
      for (; j + 4 <= m; j += 4) {
        const at = (<usize>j) << 2;
        let xr = x;
        let d = dz + at;
        let a = n > 0 ? f32x4.mul(v128.load(d), v128.load32_splat(xr)) : f32x4.splat(0);
        for (let r = 1; r < n; r++) {
          xr += xStride;
          d += dzStride;
          a = f32x4.add(a, f32x4.mul(v128.load(d), v128.load32_splat(xr)));
        }
        Momentum.step(wi + at, vi + at, a, rate, mu, limit, nesterov);
      }
      for (; j < m; j++) {
        const at = (<usize>j) << 2;
        let xr = x;
        let d = dz + at;
        let g: f32 = n > 0 ? load<f32>(d) * load<f32>(xr) : 0;
        for (let r = 1; r < n; r++) {
          xr += xStride;
          d += dzStride;
          g += load<f32>(d) * load<f32>(xr);
        }
        Momentum.scalar(wi + at, vi + at, g, lr, momentum, f32x4.extract_lane(limit, 0), nesterov);
      }
    }
  }

  /** The same update for one float (a row's columns past its last whole vector). */
  @inline static scalar(w: usize, v: usize, g: f32, lr: f32, mu: f32, limit: f32, nesterov: bool): void {
    const step = g * lr;
    const mv = load<f32>(v) * mu - step;
    store<f32>(v, Mathf.abs(mv) < limit ? 0 : mv);
    const wv = load<f32>(w);
    store<f32>(w, nesterov ? wv + mv * mu - step : wv + mv);
  }
}

/**
 * SGD (m = 0: no momentum slot): w -= g·lr; with momentum m = m·μ - g·lr, then
 * w = w + m (plain) or w = (w + m·μ) - g·lr (nesterov).
 */
export function sgdStep(w: usize, g: usize, m: usize, n: i32, lr: f32, momentum: f32, nesterov: bool): void {
  const end = w + <usize>(n << 2);
  const rate = f32x4.splat(lr);
  if (m === 0) {
    for (; w < end; w += 16, g += 16) v128.store(w, f32x4.sub(v128.load(w), f32x4.mul(v128.load(g), rate)));
    return;
  }
  const mu = f32x4.splat(momentum);
  const limit = Flush.below(momentum);
  // One loop per variant, so the inlined update has `nesterov` as a constant.
  if (nesterov) {
    for (; w < end; w += 16, g += 16, m += 16) Momentum.step(w, m, v128.load(g), rate, mu, limit, true);
  } else {
    for (; w < end; w += 16, g += 16, m += 16) Momentum.step(w, m, v128.load(g), rate, mu, limit, false);
  }
}

/**
 * SGD with momentum stepped inside dense's weight-gradient product, for a few batch rows: for each
 * row i of w [k, m] (and its velocity v), g = Σ_r x[r, i]·dz[r, :] over the n rows of x (row stride
 * `ldx` floats) and dz [n, m], summed in registers in row order (row 0's product, then + each next
 * one), then sgdStep's momentum step on w_i and v_i with that g, the same f32 operations in the same
 * order. The gradient is never stored: sgdStep after a GEMM writes dw, then reads it back with w and
 * v. Columns past the last whole vector run as scalars with the same f32 operations, so no lane ever
 * touches the next row. Rows are independent: a caller may run ranges of rows (x + start floats,
 * w and v + start·m floats, k = count) on several threads. Costs 2n−1 float ops per 4 weights on top
 * of the step (wasm SIMD has no FMA), so it pays only for a few rows (see fused.ts).
 */
export function denseGradMomentumStep(
  x: usize,
  ldx: i32,
  dz: usize,
  w: usize,
  v: usize,
  n: i32,
  k: i32,
  m: i32,
  lr: f32,
  momentum: f32,
  nesterov: bool,
): void {
  if (nesterov) nesterovRows(x, ldx, dz, w, v, n, k, m, lr, momentum);
  else plainRows(x, ldx, dz, w, v, n, k, m, lr, momentum);
}

function nesterovRows(
  x: usize,
  ldx: i32,
  dz: usize,
  w: usize,
  v: usize,
  n: i32,
  k: i32,
  m: i32,
  lr: f32,
  momentum: f32,
): void {
  Momentum.rows(x, ldx, dz, w, v, n, k, m, lr, momentum, true);
}

function plainRows(
  x: usize,
  ldx: i32,
  dz: usize,
  w: usize,
  v: usize,
  n: i32,
  k: i32,
  m: i32,
  lr: f32,
  momentum: f32,
): void {
  Momentum.rows(x, ldx, dz, w, v, n, k, m, lr, momentum, false);
}

/**
 * RMSprop: v = v·ρ + g²·(1-ρ); centered (avg ≠ 0): a = a·ρ + g·(1-ρ), d = (v - a²) + ε, else
 * d = v + ε; inc = g·lr / √d; with a momentum slot (mom ≠ 0) mom = mom·μ + inc, w -= mom, else
 * w -= inc. The slot branches are loop-invariant and the pass is memory-bound, so one loop serves all.
 */
export function rmspropStep(
  w: usize,
  g: usize,
  v: usize,
  mom: usize,
  avg: usize,
  n: i32,
  lr: f32,
  rho: f32,
  oneMinusRho: f32,
  momentum: f32,
  epsilon: f32,
): void {
  const end = w + <usize>(n << 2);
  const rate = f32x4.splat(lr);
  const r = f32x4.splat(rho);
  const q = f32x4.splat(oneMinusRho);
  const mu = f32x4.splat(momentum);
  const eps = f32x4.splat(epsilon);
  const centered = avg !== 0;
  const hasMomentum = mom !== 0;
  const decayLimit = Flush.below(rho);
  const momentumLimit = Flush.below(momentum);
  const squareLimit = f32x4.splat(SQUARE_LIMIT);
  for (; w < end; w += 16, g += 16, v += 16) {
    const gv = v128.load(g);
    const gs = Flush.lanes(gv, squareLimit);
    const vv = f32x4.add(f32x4.mul(v128.load(v), r), f32x4.mul(f32x4.mul(gs, gs), q));
    v128.store(v, Flush.lanes(vv, decayLimit));
    let d: v128;
    if (centered) {
      const a = f32x4.add(f32x4.mul(v128.load(avg), r), f32x4.mul(gv, q));
      v128.store(avg, Flush.lanes(a, decayLimit));
      avg += 16;
      d = f32x4.add(f32x4.sub(vv, f32x4.mul(a, a)), eps);
    } else d = f32x4.add(vv, eps);
    let inc = f32x4.div(f32x4.mul(gv, rate), f32x4.sqrt(d));
    if (hasMomentum) {
      inc = f32x4.add(f32x4.mul(v128.load(mom), mu), inc);
      v128.store(mom, Flush.lanes(inc, momentumLimit));
      mom += 16;
    }
    v128.store(w, f32x4.sub(v128.load(w), inc));
  }
}

/**
 * Adam: m = m + (g - m)·(1-β₁); v = v + (g² - v)·(1-β₂); amsgrad (vHat ≠ 0): v̂ = max(v̂, v) and
 * v̂ replaces v below; w = w - (m·α) / (√v + ε).
 */
export function adamStep(
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  vHat: usize,
  n: i32,
  alpha: f32,
  oneMinusBeta1: f32,
  oneMinusBeta2: f32,
  epsilon: f32,
): void {
  const end = w + <usize>(n << 2);
  const a = f32x4.splat(alpha);
  const q1 = f32x4.splat(oneMinusBeta1);
  const q2 = f32x4.splat(oneMinusBeta2);
  const eps = f32x4.splat(epsilon);
  const amsgrad = vHat !== 0;
  const limit1 = Flush.below(oneMinusBeta1);
  const limit2 = Flush.below(oneMinusBeta2);
  const squareLimit = f32x4.splat(SQUARE_LIMIT);
  for (; w < end; w += 16, g += 16, m += 16, v += 16) {
    const gv = v128.load(g);
    const mo = v128.load(m);
    const mv = f32x4.add(mo, f32x4.mul(f32x4.sub(gv, mo), q1));
    v128.store(m, Flush.lanes(mv, limit1));
    const vo = v128.load(v);
    const gs = Flush.lanes(gv, squareLimit);
    let vv = f32x4.add(vo, f32x4.mul(f32x4.sub(f32x4.mul(gs, gs), vo), q2));
    v128.store(v, Flush.lanes(vv, limit2));
    if (amsgrad) {
      const h = v128.load(vHat); // maximum as the binary kernel computes it (NaN and ±0 included)
      vv = v128.bitselect(h, vv, v128.or(f32x4.ge(h, vv), f32x4.ne(h, h)));
      v128.store(vHat, vv);
      vHat += 16;
    }
    v128.store(w, f32x4.sub(v128.load(w), f32x4.div(f32x4.mul(mv, a), f32x4.add(f32x4.sqrt(vv), eps))));
  }
}

// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Shared pieces of the fused recurrent kernels (rnn-lstm.ts, rnn-gru.ts, rnn-simple.ts).
//
// Layout. Inside the kernels every gate block is padded from U to Up = U rounded up to 4 units, so
// a block is whole vectors: a padded gate row holds G·Up floats, block q at q·Up. The pad columns of
// the padded weights are zero, which keeps every pad lane finite (and the gradients' pad lanes 0).
// What callers see (y, h, c, the workspace, the weight gradients) is compact, U floats per block;
// those rows are read and written through Lanes.load/store, exact to the last float.
// Pointers are byte offsets; counts are floats unless a name says bytes.

/**
 * Partial-vector access and the small per-row matrix products, as static methods only because
 * @inline is a decorator (see math.ts): V8 does not inline wasm calls, and these run per row and step.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see above).
export class Lanes {
  /**
   * Row r = b·T + t of the input projection: xp's row r, or, when `rows` holds an Embedding's
   * indices (else 0), row rows[r] of the table's projection (the fold: no per-step rows are made).
   */
  @inline static inputRow(xp: usize, rows: usize, r: i32, ld: usize): usize {
    return xp + <usize>(rows !== 0 ? load<i32>(rows + <usize>(r << 2)) : r) * ld;
  }

  /** The n (1..4) floats at p in the low lanes, the others 0. Reads nothing past p + 4n. */
  @inline static load(p: usize, n: i32): v128 {
    if (n >= 4) return v128.load(p);
    if (n === 1) return v128.load32_zero(p);
    const v = v128.load64_zero(p);
    return n === 2 ? v : v128.load32_lane(p, v, 2, 8);
  }

  /** Stores the low n (1..4) lanes of v at p; writes nothing past p + 4n. */
  @inline static store(p: usize, v: v128, n: i32): void {
    if (n >= 4) v128.store(p, v);
    else if (n === 1) v128.store32_lane(p, v, 0);
    else {
      v128.store64_lane(p, v, 0);
      if (n === 3) v128.store32_lane(p, v, 2, 8);
    }
  }

  /**
   * acc[0..U) += src[0..U), where acc is a padded row (whole vectors) and src is a dense row of U
   * floats (the tail vector reads only what exists). A masked step's dy flows straight into dh.
   */
  @inline static addRow(acc: usize, src: usize, U: i32): void {
    for (let j = 0; j < U; j += 4) {
      const p = <usize>(j << 2);
      v128.store(acc + p, f32x4.add(v128.load(acc + p), Lanes.load(src + p, min(4, U - j))));
    }
  }

  /**
   * out[0..cols) = a[..] + b[..] + Σ_{k<rows} h[k]·r[k, 0..cols): one row times a weight block whose
   * rows are `ldr` bytes apart. a or b may be 0 (absent); cols is a multiple of 4. Four vectors at a
   * time share each broadcast of h[k]; narrower tails split k into even and odd partial sums so two
   * add chains run in parallel (the 8-column backward products would otherwise wait on one chain).
   */
  @inline static matRow(
    h: usize,
    rows: i32,
    r: usize,
    ldr: usize,
    cols: i32,
    a: usize,
    b: usize,
    out: usize,
  ): void {
    let v = 0;
    for (; v + 16 <= cols; v += 16) {
      const o = <usize>(v << 2);
      let s0 = Lanes.init(a, b, o);
      let s1 = Lanes.init(a, b, o + 16);
      let s2 = Lanes.init(a, b, o + 32);
      let s3 = Lanes.init(a, b, o + 48);
      let w = r + o;
      for (let k = 0; k < rows; k++) {
        const hk = v128.load32_splat(h + <usize>(k << 2));
        s0 = f32x4.add(s0, f32x4.mul(hk, v128.load(w)));
        s1 = f32x4.add(s1, f32x4.mul(hk, v128.load(w, 16)));
        s2 = f32x4.add(s2, f32x4.mul(hk, v128.load(w, 32)));
        s3 = f32x4.add(s3, f32x4.mul(hk, v128.load(w, 48)));
        w += ldr;
      }
      v128.store(out + o, s0);
      v128.store(out + o, s1, 16);
      v128.store(out + o, s2, 32);
      v128.store(out + o, s3, 48);
    }
    for (; v + 8 <= cols; v += 8) {
      const o = <usize>(v << 2);
      let s0 = Lanes.init(a, b, o);
      let s1 = Lanes.init(a, b, o + 16);
      let e0 = f32x4.splat(0);
      let e1 = e0;
      let w = r + o;
      let k = 0;
      for (; k + 2 <= rows; k += 2) {
        const hk = v128.load32_splat(h + <usize>(k << 2));
        const hl = v128.load32_splat(h + <usize>(k << 2), 4);
        s0 = f32x4.add(s0, f32x4.mul(hk, v128.load(w)));
        s1 = f32x4.add(s1, f32x4.mul(hk, v128.load(w, 16)));
        e0 = f32x4.add(e0, f32x4.mul(hl, v128.load(w + ldr)));
        e1 = f32x4.add(e1, f32x4.mul(hl, v128.load(w + ldr, 16)));
        w += ldr << 1;
      }
      if (k < rows) {
        const hk = v128.load32_splat(h + <usize>(k << 2));
        s0 = f32x4.add(s0, f32x4.mul(hk, v128.load(w)));
        s1 = f32x4.add(s1, f32x4.mul(hk, v128.load(w, 16)));
      }
      v128.store(out + o, f32x4.add(s0, e0));
      v128.store(out + o, f32x4.add(s1, e1), 16);
    }
    for (; v < cols; v += 4) {
      const o = <usize>(v << 2);
      let s0 = Lanes.init(a, b, o);
      let e0 = f32x4.splat(0);
      let w = r + o;
      let k = 0;
      for (; k + 2 <= rows; k += 2) {
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(h + <usize>(k << 2)), v128.load(w)));
        e0 = f32x4.add(e0, f32x4.mul(v128.load32_splat(h + <usize>(k << 2), 4), v128.load(w + ldr)));
        w += ldr << 1;
      }
      if (k < rows) s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(h + <usize>(k << 2)), v128.load(w)));
      v128.store(out + o, f32x4.add(s0, e0));
    }
  }

  /** a[o] + b[o], either of them absent (0). */
  @inline static init(a: usize, b: usize, o: usize): v128 {
    let s = a !== 0 ? v128.load(a + o) : f32x4.splat(0);
    if (b !== 0) s = f32x4.add(s, v128.load(b + o));
    return s;
  }
}

/** Whether batch row b is a real step at time t (mask 0 = none, else [B, T] floats). */
export function isReal(mask: usize, b: i32, T: i32, t: i32): bool {
  return mask === 0 || load<f32>(mask + <usize>((b * T + t) << 2)) !== 0;
}

/** Copies padded rows [rows, Up] into compact rows [rows, U] (exact: nothing written past the end). */
export function compactRows(src: usize, rows: i32, U: i32, Up: i32, dst: usize): void {
  for (let b = 0; b < rows; b++) {
    const s = src + <usize>(b * Up * 4);
    const d = dst + <usize>(b * U * 4);
    for (let j = 0; j < U; j += 4)
      Lanes.store(d + <usize>(j << 2), v128.load(s + <usize>(j << 2)), min(4, U - j));
  }
}

/**
 * dst[r, q·Up + j] = src[r, q·U + j] for j < U, else 0: rows of G compact blocks into padded blocks
 * (weights, biases, dropout masks, state gradients).
 */
export function rnnPad(src: usize, rows: i32, G: i32, U: i32, Up: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < G; q++) {
      const s = src + <usize>((r * G * U + q * U) << 2);
      const d = dst + <usize>((r * G * Up + q * Up) << 2);
      for (let j = 0; j < Up; j++)
        store<f32>(d + <usize>(j << 2), j < U ? load<f32>(s + <usize>(j << 2)) : 0);
    }
  }
}

/** The inverse of rnnPad: the U real columns of each padded block. */
export function rnnUnpad(src: usize, rows: i32, G: i32, U: i32, Up: i32, dst: usize): void {
  compactRows(src, rows * G, U, Up, dst);
}

/**
 * dst[q·Up + j, k] = r[k, q·U + j] for j, k < U, else 0: the recurrent kernel [U, G·U] transposed into
 * padded rows [G·Up, Up], so a gate-gradient row times it (Lanes.matRow) is the state gradient.
 */
export function rnnTransposePad(r: usize, U: i32, G: i32, Up: i32, dst: usize): void {
  for (let q = 0; q < G; q++) {
    for (let j = 0; j < Up; j++) {
      const d = dst + <usize>(((q * Up + j) * Up) << 2);
      for (let k = 0; k < Up; k++) {
        const v: f32 = j < U && k < U ? load<f32>(r + <usize>((k * G * U + q * U + j) << 2)) : 0;
        store<f32>(d + <usize>(k << 2), v);
      }
    }
  }
}

/** out[b, t, k] = x[b, t, k]·d[b, k] for x [B, T, I] and per-row multipliers d [B, I]; out may be x. */
export function rnnDropRows(x: usize, d: usize, B: i32, T: i32, I: i32, out: usize): void {
  const full = I & ~3;
  for (let b = 0; b < B; b++) {
    const db = d + <usize>(b * I * 4);
    for (let t = 0; t < T; t++) {
      const o = <usize>((b * T + t) * I * 4);
      let k = 0;
      for (; k < full; k += 4) {
        const p = <usize>(k << 2);
        v128.store(out + o + p, f32x4.mul(v128.load(x + o + p), v128.load(db + p)));
      }
      for (; k < I; k++) {
        const p = <usize>(k << 2);
        store<f32>(out + o + p, load<f32>(x + o + p) * load<f32>(db + p));
      }
    }
  }
}

/**
 * out[b, t] = h̃ before the step that read time t: y[b, s-1] ⊙ rd[b] (rd 0 = none); at s = 0 the
 * initial state h0[b] ⊙ rd[b] (h0 [B, U], or 0: zeros). Rows in (b, t) order, like x, so one GEMM
 * over all steps gives the recurrent kernel's gradient.
 */
export function rnnPrevStates(
  y: usize,
  rd: usize,
  B: i32,
  T: i32,
  U: i32,
  back: bool,
  out: usize,
  h0: usize,
): void {
  const row = <usize>(U << 2);
  for (let b = 0; b < B; b++) {
    if (!back && rd === 0 && T > 0) {
      // The common case is a shift by one step: the start state, then y[b, 0..T-2] in one copy
      // (element by element it was ~5% of a SimpleRNN training step).
      const d = out + <usize>(b * T) * row;
      if (h0 === 0) memory.fill(d, 0, row);
      else memory.copy(d, h0 + <usize>b * row, row);
      memory.copy(d + row, y + <usize>(b * T) * row, <usize>(T - 1) * row);
      continue;
    }
    for (let t = 0; t < T; t++) {
      const s = back ? T - 1 - t : t;
      const d = out + <usize>(b * T + t) * row;
      if (s === 0 && h0 === 0) {
        memory.fill(d, 0, row);
        continue;
      }
      const src = s === 0 ? h0 + <usize>b * row : y + <usize>(b * T + s - 1) * row;
      for (let j = 0; j < U; j++) {
        const p = <usize>(j << 2);
        const v = load<f32>(src + p);
        store<f32>(d + p, rd !== 0 ? v * load<f32>(rd + <usize>b * row + p) : v);
      }
    }
  }
}

/**
 * The starting state of a forward: the compact initial state [B, U] (or 0: zeros) into padded rows
 * hs [B, Up], and, with a recurrent dropout rd (else 0), hd = hs ⊙ rd, the operand of the first matmul.
 */
export function startState(src: usize, rd: usize, B: i32, U: i32, Up: i32, hs: usize, hd: usize): void {
  padState(src, B, U, Up, hs);
  if (rd === 0) return;
  for (let j = 0; j < B * Up; j += 4) {
    const p = <usize>(j << 2);
    v128.store(hd + p, f32x4.mul(v128.load(hs + p), v128.load(rd + p)));
  }
}

/** The gradient of an initial state: padded rows [B, Up] into compact [B, U] at dst (nothing when dst is 0). */
export function stateGrad(src: usize, B: i32, U: i32, Up: i32, dst: usize): void {
  if (dst !== 0) compactRows(src, B, U, Up, dst);
}

/** A compact state gradient [B, U] (or 0: none) into padded rows [B, Up]. */
export function padState(src: usize, B: i32, U: i32, Up: i32, dst: usize): void {
  const row = <usize>(Up << 2);
  memory.fill(dst, 0, <usize>B * row);
  if (src === 0) return;
  for (let b = 0; b < B; b++) {
    const s = src + <usize>(b * U * 4);
    const d = dst + <usize>b * row;
    for (let j = 0; j < U; j += 4)
      v128.store(d + <usize>(j << 2), Lanes.load(s + <usize>(j << 2), min(4, U - j)));
  }
}

/**
 * out[j] = Σ_r x[r, j] for x [rows, cols] (cols a multiple of 4) by blocks of 128 rows: each block
 * summed into `partial` [cols], then added to out. Why blocked: the bias gradient sums batch·time
 * terms that largely cancel, and one running float32 sum over 6400 rows loses ~5 digits.
 */
export function rnnColSum(x: usize, rows: i32, cols: i32, partial: usize, out: usize): void {
  const bytes = <usize>(cols << 2);
  memory.fill(out, 0, bytes);
  for (let r0 = 0; r0 < rows; r0 += 128) {
    memory.fill(partial, 0, bytes);
    const end = min(rows, r0 + 128);
    for (let r = r0; r < end; r++) {
      const row = x + <usize>r * bytes;
      for (let p: usize = 0; p < bytes; p += 16)
        v128.store(partial + p, f32x4.add(v128.load(partial + p), v128.load(row + p)));
    }
    for (let p: usize = 0; p < bytes; p += 16)
      v128.store(out + p, f32x4.add(v128.load(out + p), v128.load(partial + p)));
  }
}

// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Data movement. One strided copy serves slice, pad, concat and transpose (the JS side describes each
// as dims plus source and destination strides); gather / scatter-add move whole rows. Elements are
// 4 bytes for both dtypes, so nothing here needs to know the dtype except the scatter's adds.

/**
 * Copies `bytes` (a multiple of 4) between buffers that do not overlap. Rows up to 1 KB are copied
 * with vector loads and stores here: V8 runs memory.copy as a call out to C's memmove, which cost more
 * than the copy itself for the 32–64-byte rows of an Embedding lookup or a recurrent layout change
 * (memmove and its wrapper were ~3.6% of an Embedding + SimpleRNN training step).
 */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
class Row {
  @inline static copy(dst: usize, src: usize, bytes: usize): void {
    if (bytes > 1024) {
      memory.copy(dst, src, bytes);
      return;
    }
    let i: usize = 0;
    for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v128.load(src + i));
    for (; i < bytes; i += 4) store<u32>(dst + i, load<u32>(src + i));
  }
}

/**
 * Copies a block of `rank` dims: element (i0..ir) goes from src + Σ i·srcStride to dst + Σ i·dstStride.
 * `plan` holds int32 dims[rank], srcStrides[rank], dstStrides[rank] and room for rank counters.
 * Rows whose innermost strides are both 1 are one row copy; others go element by element.
 */
export function stridedCopy(src: usize, dst: usize, rank: i32, plan: usize): void {
  const dims = plan;
  const ss = plan + <usize>(rank << 2);
  const ds = ss + <usize>(rank << 2);
  const cnt = ds + <usize>(rank << 2);
  const last = <usize>((rank - 1) << 2);
  const n = load<i32>(dims + last);
  const si = load<i32>(ss + last);
  const di = load<i32>(ds + last);
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) {
    rows *= load<i32>(dims + <usize>(d << 2));
    store<i32>(cnt + <usize>(d << 2), 0);
  }
  let so = 0;
  let dO = 0;
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>(so << 2);
    const t = dst + <usize>(dO << 2);
    if (si === 1 && di === 1) Row.copy(t, s, <usize>(n << 2));
    else if (si === 0) {
      const v = load<i32>(s);
      for (let i = 0; i < n; i++) store<i32>(t + <usize>((i * di) << 2), v);
    } else {
      for (let i = 0; i < n; i++)
        store<i32>(t + <usize>((i * di) << 2), load<i32>(s + <usize>((i * si) << 2)));
    }
    for (let d = rank - 2; d >= 0; d--) {
      const at = <usize>(d << 2);
      const k = load<i32>(cnt + at) + 1;
      so += load<i32>(ss + at);
      dO += load<i32>(ds + at);
      if (k < load<i32>(dims + at)) {
        store<i32>(cnt + at, k);
        break;
      }
      const dim = load<i32>(dims + at);
      so -= load<i32>(ss + at) * dim;
      dO -= load<i32>(ds + at) * dim;
      store<i32>(cnt + at, 0);
    }
  }
}

/**
 * `batch` matrices [rows, cols] → [cols, rows], in 4×4 register transposes over 32×32 tiles so
 * both sides are read and written a cache line at a time; the edges go element by element.
 */
export function transpose2d(src: usize, dst: usize, batch: i32, rows: i32, cols: i32): void {
  const sLd = <usize>(cols << 2);
  const dLd = <usize>(rows << 2);
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  for (let b = 0; b < batch; b++) {
    for (let i0 = 0; i0 < r4; i0 += 32) {
      const i1 = min(i0 + 32, r4);
      for (let j0 = 0; j0 < c4; j0 += 32) {
        const j1 = min(j0 + 32, c4);
        for (let i = i0; i < i1; i += 4) {
          for (let j = j0; j < j1; j += 4) {
            const s = src + <usize>i * sLd + <usize>(j << 2);
            const r0 = v128.load(s);
            const r1 = v128.load(s + sLd);
            const r2 = v128.load(s + 2 * sLd);
            const r3 = v128.load(s + 3 * sLd);
            const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
            const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
            const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
            const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
            const o = dst + <usize>j * dLd + <usize>(i << 2);
            v128.store(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
            v128.store(o + dLd, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
            v128.store(o + 2 * dLd, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
            v128.store(o + 3 * dLd, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
          }
        }
      }
    }
    // Edges: the last rows % 4 rows and cols % 4 columns.
    for (let i = 0; i < rows; i++) {
      const from = i < r4 ? c4 : 0;
      for (let j = from; j < cols; j++) {
        store<i32>(dst + <usize>j * dLd + <usize>(i << 2), load<i32>(src + <usize>i * sLd + <usize>(j << 2)));
      }
    }
    src += <usize>rows * sLd;
    dst += <usize>cols * dLd;
  }
}

/**
 * The position of the first of `count` int32 indices outside [0, n), or -1. One unsigned compare
 * per lane catches negatives too. Why in wasm: the JS loop this replaces read a typed array whose
 * type varies by call (a megamorphic load per element) and took ~6% of an Embedding + RNN step.
 */
export function firstIndexOutOfRange(idx: usize, count: i32, n: i32): i32 {
  const limit = i32x4.splat(n);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    if (v128.any_true(i32x4.ge_u(v128.load(idx + <usize>(i << 2)), limit))) break;
  }
  for (; i < count; i++) if (<u32>load<i32>(idx + <usize>(i << 2)) >= <u32>n) return i;
  return -1;
}

/** out[o, i, :] = x[o, idx[i], :] for rows of `inner` elements (indices already range-checked). */
export function gatherRows(
  x: usize,
  idx: usize,
  count: i32,
  outer: i32,
  n: i32,
  inner: i32,
  out: usize,
): void {
  const bytes = <usize>(inner << 2);
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>n * bytes;
    for (let i = 0; i < count; i++, out += bytes) {
      Row.copy(out, base + <usize>load<i32>(idx + <usize>(i << 2)) * bytes, bytes);
    }
  }
}

/** out = zeros, then out[o, idx[i], :] += u[o, i, :] in index order (repeated indices accumulate). */
export function scatterAddRows(
  isInt: bool,
  u: usize,
  idx: usize,
  count: i32,
  outer: i32,
  n: i32,
  inner: i32,
  out: usize,
): void {
  const bytes = <usize>(inner << 2);
  memory.fill(out, 0, <usize>outer * <usize>n * bytes);
  const full = inner & ~3;
  for (let o = 0; o < outer; o++) {
    const base = out + <usize>o * <usize>n * bytes;
    for (let i = 0; i < count; i++, u += bytes) {
      const t = base + <usize>load<i32>(idx + <usize>(i << 2)) * bytes;
      let j = 0;
      for (; j < full; j += 4) {
        const p = <usize>(j << 2);
        const a = v128.load(t + p);
        const b = v128.load(u + p);
        v128.store(t + p, isInt ? i32x4.add(a, b) : f32x4.add(a, b));
      }
      for (; j < inner; j++) {
        const p = <usize>(j << 2);
        if (isInt) store<i32>(t + p, load<i32>(t + p) + load<i32>(u + p));
        else store<f32>(t + p, load<f32>(t + p) + load<f32>(u + p));
      }
    }
  }
}

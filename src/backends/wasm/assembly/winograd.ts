// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Winograd F(2×2, 3×3) for stride-1, undilated 3×3 convolutions, channels last (NHWC). Each 2×2
// block of outputs (a tile) comes from a 4×4 block of inputs: V = Bᵀ d B per tile and channel (the
// input transform), U = G g Gᵀ per channel pair (the kernel transform), then for each of the 16
// positions e of the 4×4 transformed tile one GEMM M[e] = V[e] [tiles, c] · U[e] [c, f] (the module's
// GEMM), and y = Aᵀ M A per tile (the output transform, which adds the bias and applies relu); a block
// of tiles goes through all three steps at a time, so its V and M stay in L2. That is 16·c·f products per tile where im2col + GEMM needs 36·c·f.
// Transformed buffers are [16][rows][cols] row-major. Channel counts are multiples of 4 (the JS side
// checks), so every channel loop moves whole vectors. Pointers are byte offsets; counts are elements.

import { Vec } from './math';
import { Gemm, Work } from './thread-scratch';

/** One Winograd call's geometry and buffers. */
@unmanaged
export class WinogradArgs {
  n: i32;
  inH: i32;
  inW: i32;
  /** Input channels (a multiple of 4). */
  c: i32;
  /** Output channels (a multiple of 4). */
  f: i32;
  /** Rows and columns of zeros before the image (1 for 'same', 0 for 'valid', 2 for a backward). */
  padTop: i32;
  padLeft: i32;
  outH: i32;
  outW: i32;
  /** Activation code of the output transform: 0 linear, 1 relu (others are applied afterwards). */
  act: i32;
  /** The kernel transform reads the kernel flipped 180° with c and f swapped (the input gradient's). */
  flip: i32;
  /** The image x [n, inH, inW, c], or the kernel [3, 3, c, f] for the kernel transform. */
  x: usize;
  /** The transformed buffer: V [16][tiles, c], U [16][c, f] (flip: [16][f, c]), or M [16][tiles, f]. */
  t: usize;
  /** The output y [n, outH, outW, f]. */
  y: usize;
  /** The bias [f], or 0 for none. */
  bias: usize;
  /** The transformed kernel U [16][c, f] (winogradConv), or the sum Ŵ [16][c, f] (winogradFilterGrad). */
  u: usize;
  /** Tiles per block of the blocked kernels (a multiple of 4): their t holds 16·block·(c + f) floats. */
  block: i32;
  /**
   * The tiles [firstTile, endTile) the blocked kernels work on (numbered image, tile row, tile
   * column), so threads can share a batch's tiles; one call over all of them has 0 and the count.
   */
  firstTile: i32;
  endTile: i32;
  /**
   * A GemmArgs block (64 bytes) for the blocked kernels' inner GEMMs: one per concurrent call, as the
   * module's static data is shared by every thread on a shared memory.
   */
  gemmArgs: usize;
}

/** d0 - d2, d1 + d2, d2 - d1, d1 - d3: Bᵀ applied along one axis of a 4×4 tile. */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
class Tile {
  @inline static b0(d0: v128, d2: v128): v128 {
    return f32x4.sub(d0, d2);
  }
  @inline static b1(d1: v128, d2: v128): v128 {
    return f32x4.add(d1, d2);
  }
  @inline static b2(d1: v128, d2: v128): v128 {
    return f32x4.sub(d2, d1);
  }
  @inline static b3(d1: v128, d3: v128): v128 {
    return f32x4.sub(d1, d3);
  }
}

/**
 * V[e][tile, ch] = (Bᵀ d B)[e] for tiles [first, first + count) (numbered image, tile row, tile
 * column) of the image at x with c channels, into dst [16][count, c]; cells of the 4×4 window
 * outside the image read 0.
 */
export function inputTiles(a: WinogradArgs, x: usize, c: i32, first: i32, count: i32, dst: usize): void {
  const tilesW = (a.outW + 1) >> 1;
  const perImage = ((a.outH + 1) >> 1) * tilesW;
  const plane = (<usize>(count * c)) << 2; // bytes between V[e] and V[e + 1]
  const rowBytes = <usize>(c << 2);
  const zero = f32x4.splat(0);
  for (let q = 0; q < count; q++) {
    const tile = first + q;
    const b = tile / perImage;
    const r = tile - b * perImage;
    const th = r / tilesW;
    const tw = r - th * tilesW;
    const image = x + <usize>(b * a.inH * a.inW) * rowBytes;
    const ih0 = 2 * th - a.padTop;
    const iw0 = 2 * tw - a.padLeft;
    const inside = ih0 >= 0 && ih0 + 4 <= a.inH && iw0 >= 0 && iw0 + 4 <= a.inW;
    const base = image + <usize>(ih0 * a.inW + iw0) * rowBytes;
    const out = dst + <usize>(q * c) * 4;
    for (let k = 0; k < c; k += 4) {
      const ko = <usize>(k << 2);
      // Rows of the window, each already transformed along its columns (d B).
      let r00 = zero,
        r01 = zero,
        r02 = zero,
        r03 = zero;
      let r10 = zero,
        r11 = zero,
        r12 = zero,
        r13 = zero;
      let r20 = zero,
        r21 = zero,
        r22 = zero,
        r23 = zero;
      let r30 = zero,
        r31 = zero,
        r32 = zero,
        r33 = zero;
      for (let i = 0; i < 4; i++) {
        const ih = ih0 + i;
        let d0 = zero,
          d1 = zero,
          d2 = zero,
          d3 = zero;
        if (inside) {
          const p = base + <usize>(i * a.inW) * rowBytes + ko;
          d0 = v128.load(p);
          d1 = v128.load(p + rowBytes);
          d2 = v128.load(p + 2 * rowBytes);
          d3 = v128.load(p + 3 * rowBytes);
        } else if (ih >= 0 && ih < a.inH) {
          const row = image + <usize>(ih * a.inW) * rowBytes + ko;
          if (iw0 >= 0 && iw0 < a.inW) d0 = v128.load(row + <usize>iw0 * rowBytes);
          if (iw0 + 1 >= 0 && iw0 + 1 < a.inW) d1 = v128.load(row + <usize>(iw0 + 1) * rowBytes);
          if (iw0 + 2 >= 0 && iw0 + 2 < a.inW) d2 = v128.load(row + <usize>(iw0 + 2) * rowBytes);
          if (iw0 + 3 >= 0 && iw0 + 3 < a.inW) d3 = v128.load(row + <usize>(iw0 + 3) * rowBytes);
        }
        const t0 = Tile.b0(d0, d2);
        const t1 = Tile.b1(d1, d2);
        const t2 = Tile.b2(d1, d2);
        const t3 = Tile.b3(d1, d3);
        if (i === 0) {
          r00 = t0;
          r01 = t1;
          r02 = t2;
          r03 = t3;
        } else if (i === 1) {
          r10 = t0;
          r11 = t1;
          r12 = t2;
          r13 = t3;
        } else if (i === 2) {
          r20 = t0;
          r21 = t1;
          r22 = t2;
          r23 = t3;
        } else {
          r30 = t0;
          r31 = t1;
          r32 = t2;
          r33 = t3;
        }
      }
      // Bᵀ along the rows, column by column; position e = 4·row + column.
      let o = out + ko;
      v128.store(o, Tile.b0(r00, r20));
      v128.store(o + 4 * plane, Tile.b1(r10, r20));
      v128.store(o + 8 * plane, Tile.b2(r10, r20));
      v128.store(o + 12 * plane, Tile.b3(r10, r30));
      o += plane;
      v128.store(o, Tile.b0(r01, r21));
      v128.store(o + 4 * plane, Tile.b1(r11, r21));
      v128.store(o + 8 * plane, Tile.b2(r11, r21));
      v128.store(o + 12 * plane, Tile.b3(r11, r31));
      o += plane;
      v128.store(o, Tile.b0(r02, r22));
      v128.store(o + 4 * plane, Tile.b1(r12, r22));
      v128.store(o + 8 * plane, Tile.b2(r12, r22));
      v128.store(o + 12 * plane, Tile.b3(r12, r32));
      o += plane;
      v128.store(o, Tile.b0(r03, r23));
      v128.store(o + 4 * plane, Tile.b1(r13, r23));
      v128.store(o + 8 * plane, Tile.b2(r13, r23));
      v128.store(o + 12 * plane, Tile.b3(r13, r33));
    }
  }
}

/**
 * U[e][ci, fi] = (G g Gᵀ)[e] for the 3×3 kernel g = x[:, :, ci, fi] (x [3, 3, c, f]); with `flip`,
 * U[e][fi, ci] from the kernel rotated by 180°, the input gradient's kernel. Scalar: it is 9·c·f
 * reads per call, next to the 16 GEMMs' 2·16·tiles·c·f operations.
 */
export function winogradKernel(a: WinogradArgs): void {
  const c = a.c;
  const f = a.f;
  const plane = (<usize>(c * f)) << 2;
  const flip = a.flip !== 0;
  for (let ci = 0; ci < c; ci++) {
    for (let fi = 0; fi < f; fi++) {
      const src = a.x + ((<usize>(ci * f + fi)) << 2);
      const tap = (<usize>(c * f)) << 2; // bytes between kernel taps
      // g[i][j], rotated by 180° (tap 8 - t) with `flip`.
      const g00 = load<f32>(src + (flip ? 8 : 0) * tap);
      const g01 = load<f32>(src + (flip ? 7 : 1) * tap);
      const g02 = load<f32>(src + (flip ? 6 : 2) * tap);
      const g10 = load<f32>(src + (flip ? 5 : 3) * tap);
      const g11 = load<f32>(src + 4 * tap);
      const g12 = load<f32>(src + (flip ? 3 : 5) * tap);
      const g20 = load<f32>(src + (flip ? 2 : 6) * tap);
      const g21 = load<f32>(src + (flip ? 1 : 7) * tap);
      const g22 = load<f32>(src + (flip ? 0 : 8) * tap);
      const out = a.t + ((<usize>(flip ? fi * c + ci : ci * f + fi)) << 2);
      // Rows of G g, each then multiplied by Gᵀ into a row of U.
      Kernel.row(out, plane, g00, g01, g02);
      Kernel.row(
        out + 4 * plane,
        plane,
        0.5 * (g00 + g10 + g20),
        0.5 * (g01 + g11 + g21),
        0.5 * (g02 + g12 + g22),
      );
      Kernel.row(
        out + 8 * plane,
        plane,
        0.5 * (g00 - g10 + g20),
        0.5 * (g01 - g11 + g21),
        0.5 * (g02 - g12 + g22),
      );
      Kernel.row(out + 12 * plane, plane, g20, g21, g22);
    }
  }
}

/** One row of U = (G g) Gᵀ from a row (h0, h1, h2) of G g, at 4 consecutive positions e. */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
class Kernel {
  @inline static row(at: usize, plane: usize, h0: f32, h1: f32, h2: f32): void {
    store<f32>(at, h0);
    store<f32>(at + plane, 0.5 * (h0 + h1 + h2));
    store<f32>(at + 2 * plane, 0.5 * (h0 - h1 + h2));
    store<f32>(at + 3 * plane, h2);
  }
}

/**
 * y[b, 2·th + i, 2·tw + j, :] = act((Aᵀ M A)[i][j] + bias) for tiles [t0, t0 + count) from src M
 * [16][count, f], dropping the cells past the output's edge (odd outH or outW).
 * Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]].
 */
function outputTiles(a: WinogradArgs, t0: i32, count: i32, src: usize): void {
  const f = a.f;
  const tilesW = (a.outW + 1) >> 1;
  const perImage = ((a.outH + 1) >> 1) * tilesW;
  const plane = (<usize>(count * f)) << 2;
  const rowBytes = <usize>(f << 2);
  const relu = a.act === 1;
  const zero = f32x4.splat(0);
  for (let q = 0; q < count; q++) {
    const tile = t0 + q;
    const b = tile / perImage;
    const r = tile - b * perImage;
    const th = r / tilesW;
    const tw = r - th * tilesW;
    const oh = 2 * th;
    const ow = 2 * tw;
    const twoRows = oh + 1 < a.outH;
    const twoCols = ow + 1 < a.outW;
    const m = src + <usize>(q * f) * 4;
    const dst = a.y + <usize>((b * a.outH + oh) * a.outW + ow) * rowBytes;
    for (let k = 0; k < f; k += 4) {
      const ko = <usize>(k << 2);
      const p = m + ko;
      // Aᵀ along the rows of the 4×4 M: s = rows 0 + 1 + 2, d = rows 1 - 2 - 3, per column.
      const m0 = v128.load(p);
      const m1 = v128.load(p + plane);
      const m2 = v128.load(p + 2 * plane);
      const m3 = v128.load(p + 3 * plane);
      const m4 = v128.load(p + 4 * plane);
      const m5 = v128.load(p + 5 * plane);
      const m6 = v128.load(p + 6 * plane);
      const m7 = v128.load(p + 7 * plane);
      const m8 = v128.load(p + 8 * plane);
      const m9 = v128.load(p + 9 * plane);
      const m10 = v128.load(p + 10 * plane);
      const m11 = v128.load(p + 11 * plane);
      const m12 = v128.load(p + 12 * plane);
      const m13 = v128.load(p + 13 * plane);
      const m14 = v128.load(p + 14 * plane);
      const m15 = v128.load(p + 15 * plane);
      const s0 = f32x4.add(f32x4.add(m0, m4), m8);
      const s1 = f32x4.add(f32x4.add(m1, m5), m9);
      const s2 = f32x4.add(f32x4.add(m2, m6), m10);
      const s3 = f32x4.add(f32x4.add(m3, m7), m11);
      const d0 = f32x4.sub(f32x4.sub(m4, m8), m12);
      const d1 = f32x4.sub(f32x4.sub(m5, m9), m13);
      const d2 = f32x4.sub(f32x4.sub(m6, m10), m14);
      const d3 = f32x4.sub(f32x4.sub(m7, m11), m15);
      const bv = a.bias !== 0 ? v128.load(a.bias + ko) : zero;
      let y00 = f32x4.add(f32x4.add(f32x4.add(s0, s1), s2), bv);
      let y01 = f32x4.add(f32x4.sub(f32x4.sub(s1, s2), s3), bv);
      let y10 = f32x4.add(f32x4.add(f32x4.add(d0, d1), d2), bv);
      let y11 = f32x4.add(f32x4.sub(f32x4.sub(d1, d2), d3), bv);
      if (relu) {
        y00 = Vec.relu(y00);
        y01 = Vec.relu(y01);
        y10 = Vec.relu(y10);
        y11 = Vec.relu(y11);
      }
      const q = dst + ko;
      v128.store(q, y00);
      if (twoCols) v128.store(q + rowBytes, y01);
      if (twoRows) {
        const q1 = q + <usize>a.outW * rowBytes;
        v128.store(q1, y10);
        if (twoCols) v128.store(q1 + rowBytes, y11);
      }
    }
  }
}

/**
 * The whole convolution, a block of tiles at a time so the transformed block stays in cache: the
 * input transform into V, 16 GEMMs V[e]·U[e] into M (after V), the output transform, for the tiles
 * [a.firstTile, a.endTile); V and M are in a.t, or in the thread's scratch when a.t is 0 (see Work).
 * U (a.u) comes from winogradKernel; `scratch` is the GEMM's (gemmScratchBytes).
 */
export function winogradConv(a: WinogradArgs, scratch: usize): void {
  const tiles = a.endTile;
  const c = a.c;
  const f = a.f;
  const work = Work.at(a.t, scratch);
  const gemmArgs = Work.gemmArgs(a.t, a.gemmArgs, scratch);
  for (let t0 = a.firstTile; t0 < tiles; t0 += a.block) {
    const count = min(a.block, tiles - t0);
    const v = work;
    const m = work + ((<usize>(16 * count * c)) << 2);
    inputTiles(a, a.x, c, t0, count, v);
    for (let e = 0; e < 16; e++) {
      const at = <usize>e;
      Gemm.run(
        v + at * ((<usize>(count * c)) << 2),
        c,
        1,
        a.u + at * ((<usize>(c * f)) << 2),
        f,
        m + at * ((<usize>(count * f)) << 2),
        count,
        f,
        c,
        false,
        gemmArgs,
        scratch,
      );
    }
    outputTiles(a, t0, count, m);
  }
}

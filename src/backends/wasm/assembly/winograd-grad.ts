// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// The kernel gradient of a Winograd F(2×2, 3×3) convolution (see winograd.ts), by the same algorithm
// read backwards: the forward is y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A per tile, so the kernel gradient is
// dg = Gᵀ[Σ_tiles (A dz Aᵀ) ⊙ (Bᵀ d B)]G. The sum over tiles is, for each of the 16 positions e, one
// long-K GEMM Ŵ[e] [c, f] = V[e]ᵀ [c, tiles] · Z[e] [tiles, f] (accumulated block by block), where V is the
// forward's input transform of x and Z the transform of dz below. 16·c·f products per tile instead
// of im2col + GEMM's 36·c·f.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Gemm, Work } from './thread-scratch';
// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { inputTiles, WinogradArgs } from './winograd';

/**
 * Z[e][tile, ch] = (A z Aᵀ)[e] for tiles [first, first + count) of dz [n, outH, outW, f] (a.y; cells
 * past an odd edge read 0), into dst [16][count, f]. A = [[1, 0], [1, 1], [1, -1], [0, -1]].
 */
function gradOutputTiles(a: WinogradArgs, first: i32, count: i32, dst: usize): void {
  const f = a.f;
  const tilesW = (a.outW + 1) >> 1;
  const perImage = ((a.outH + 1) >> 1) * tilesW;
  const plane = (<usize>(count * f)) << 2;
  const rowBytes = <usize>(f << 2);
  const below = <usize>a.outW * rowBytes;
  const zero = f32x4.splat(0);
  let out = dst;
  for (let q = 0; q < count; q++) {
    const tile = first + q;
    const b = tile / perImage;
    const r = tile - b * perImage;
    const th = r / tilesW;
    const tw = r - th * tilesW;
    const oh = 2 * th;
    const ow = 2 * tw;
    const twoRows = oh + 1 < a.outH;
    const twoCols = ow + 1 < a.outW;
    const src = a.y + <usize>((b * a.outH + oh) * a.outW + ow) * rowBytes;
    for (let k = 0; k < f; k += 4, out += 16) {
      const p = src + <usize>(k << 2);
      const z00 = v128.load(p);
      const z01 = twoCols ? v128.load(p + rowBytes) : zero;
      const z10 = twoRows ? v128.load(p + below) : zero;
      const z11 = twoRows && twoCols ? v128.load(p + below + rowBytes) : zero;
      // A along the rows (r0 = z0, r1 = z0 + z1, r2 = z0 - z1, r3 = -z1), then along the columns.
      GradTile.row(out, plane, z00, z01);
      GradTile.row(out + 4 * plane, plane, f32x4.add(z00, z10), f32x4.add(z01, z11));
      GradTile.row(out + 8 * plane, plane, f32x4.sub(z00, z10), f32x4.sub(z01, z11));
      GradTile.row(out + 12 * plane, plane, f32x4.neg(z10), f32x4.neg(z11));
    }
  }
}

/**
 * Ŵ [16][c, f] (a.u) = Σ_tiles V[e]ᵀ·Z[e] for the image a.x and dz a.y over the tiles [a.firstTile,
 * a.endTile), a block of tiles at a time (V then Z in a.t, or the thread's scratch when a.t is 0) so
 * the transformed block stays in cache;
 * `scratch` is the GEMM's. With no tiles nothing is written.
 */
export function winogradFilterGrad(a: WinogradArgs, scratch: usize): void {
  const tiles = a.endTile;
  const c = a.c;
  const f = a.f;
  const work = Work.at(a.t, scratch);
  const gemmArgs = Work.gemmArgs(a.t, a.gemmArgs, scratch);
  for (let t0 = a.firstTile; t0 < tiles; t0 += a.block) {
    const count = min(a.block, tiles - t0);
    const v = work;
    const z = work + ((<usize>(16 * count * c)) << 2);
    inputTiles(a, a.x, c, t0, count, v);
    gradOutputTiles(a, t0, count, z);
    for (let e = 0; e < 16; e++) {
      const at = <usize>e;
      const ve = v + at * ((<usize>(count * c)) << 2);
      const ze = z + at * ((<usize>(count * f)) << 2);
      // V[e]ᵀ [c, count]: element (i, p) at i + p·c.
      const sum = a.u + at * ((<usize>(c * f)) << 2);
      Gemm.run(ve, 1, c, ze, f, sum, c, f, count, t0 > a.firstTile, gemmArgs, scratch);
    }
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
class GradTile {
  /** One row of A z Aᵀ from a row (h0, h1) of A z: h0, h0 + h1, h0 - h1, -h1 at 4 positions e. */
  @inline static row(at: usize, plane: usize, h0: v128, h1: v128): void {
    v128.store(at, h0);
    v128.store(at + plane, f32x4.add(h0, h1));
    v128.store(at + 2 * plane, f32x4.sub(h0, h1));
    v128.store(at + 3 * plane, f32x4.neg(h1));
  }

  /** Gᵀ along one axis: (w0 + ½(w1 + w2), ½(w1 - w2), ½(w1 + w2) + w3). */
  @inline static g0(w0: v128, w1: v128, w2: v128): v128 {
    return f32x4.add(w0, f32x4.mul(f32x4.add(w1, w2), f32x4.splat(0.5)));
  }
  @inline static g1(w1: v128, w2: v128): v128 {
    return f32x4.mul(f32x4.sub(w1, w2), f32x4.splat(0.5));
  }
  @inline static g2(w1: v128, w2: v128, w3: v128): v128 {
    return f32x4.add(w3, f32x4.mul(f32x4.add(w1, w2), f32x4.splat(0.5)));
  }
}

/** dg [3, 3, c, f] (a.y) = Gᵀ Ŵ G per channel pair, from Ŵ [16][c, f] (a.t). */
export function winogradKernelGrad(a: WinogradArgs): void {
  const plane = (<usize>(a.c * a.f)) << 2;
  const tap = plane; // dg's taps are c·f floats apart as well
  for (let o: usize = 0; o < plane; o += 16) {
    const w = a.t + o;
    // Gᵀ along the rows for each column j of Ŵ (4×4), then along the columns.
    const zero = f32x4.splat(0);
    let h00 = zero,
      h01 = zero,
      h02 = zero,
      h03 = zero;
    let h10 = h00,
      h11 = h00,
      h12 = h00,
      h13 = h00;
    let h20 = h00,
      h21 = h00,
      h22 = h00,
      h23 = h00;
    for (let j = 0; j < 4; j++) {
      const col = w + <usize>j * plane;
      const w0 = v128.load(col);
      const w1 = v128.load(col + 4 * plane);
      const w2 = v128.load(col + 8 * plane);
      const w3 = v128.load(col + 12 * plane);
      const r0 = GradTile.g0(w0, w1, w2);
      const r1 = GradTile.g1(w1, w2);
      const r2 = GradTile.g2(w1, w2, w3);
      if (j === 0) {
        h00 = r0;
        h10 = r1;
        h20 = r2;
      } else if (j === 1) {
        h01 = r0;
        h11 = r1;
        h21 = r2;
      } else if (j === 2) {
        h02 = r0;
        h12 = r1;
        h22 = r2;
      } else {
        h03 = r0;
        h13 = r1;
        h23 = r2;
      }
    }
    const d = a.y + o;
    v128.store(d, GradTile.g0(h00, h01, h02));
    v128.store(d + tap, GradTile.g1(h01, h02));
    v128.store(d + 2 * tap, GradTile.g2(h01, h02, h03));
    v128.store(d + 3 * tap, GradTile.g0(h10, h11, h12));
    v128.store(d + 4 * tap, GradTile.g1(h11, h12));
    v128.store(d + 5 * tap, GradTile.g2(h11, h12, h13));
    v128.store(d + 6 * tap, GradTile.g0(h20, h21, h22));
    v128.store(d + 7 * tap, GradTile.g1(h21, h22));
    v128.store(d + 8 * tap, GradTile.g2(h21, h22, h23));
  }
}

/** dst[i] += src[i] for i < n (a multiple of 4): the threads' partial sums of Ŵ, added in order. */
export function winogradAddSums(dst: usize, src: usize, n: i32): void {
  const end = dst + ((<usize>n) << 2);
  for (; dst < end; dst += 16, src += 16) v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
}

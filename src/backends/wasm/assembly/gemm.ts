// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// GEMM: C (=|+=) A·B where A and B are read through arbitrary element strides, so all four transpose
// combinations run without a transposed copy: the packing absorbs them. The structure is GotoBLAS's:
// per K block, B is packed into 8-column panels (skipped for small M, where packing would cost as
// much as the multiply) and A into 4-row strips; each panel stays in L1 while every strip streams
// past it, and a 4×8 register tile of C accumulates in 8 v128 values.
// Pointers and strides below are in bytes unless a name says otherwise.

/** Rows of K per block: a 4×KC strip of A (4 KB) and a KC×8 panel of B (8 KB) sit in L1 together. */
const KC: i32 = 256;
/** Columns per packed block: KC×NC floats (512 KB) stay in L2 while all of A streams past. */
const NC: i32 = 512;
/** Rows per packed A block (MC×KC floats, 256 KB, also in L2). A multiple of 4. */
const MC: i32 = 256;
/** Up to this many rows of A, B is read in place (no packing): packing would cost as much as the math. */
const SMALL_M: i32 = 16;
const B_PACK_BYTES: i32 = KC * NC * 4;
const A_PACK_BYTES: i32 = MC * KC * 4;

/** Bytes of scratch `gemm` needs: packed B and A blocks plus one 4×8 edge tile. */
export function gemmScratchBytes(): i32 {
  return B_PACK_BYTES + A_PACK_BYTES + 128;
}

/**
 * The 4×8 micro-kernel: c[4×8] (=|+=) Σ_p A(0..4, p)·B(p, 0..8). A is packed (4 values per p, each
 * broadcast straight from memory with v128.load32_splat), B rows are two v128 loads; 8 independent
 * accumulators hide the add latency, and 12 live v128 values fit the XMM registers V8 allocates.
 * Measured L1-resident on this machine: ~35 GFLOP/s, which is the mul + add port limit (no FMA).
 */
function kernel4x8(a: usize, b: usize, ldb: usize, c: usize, ldc: usize, kc: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  const end = a + <usize>(kc << 4);
  while (a < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    b += ldb;
    let av = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    a += 16;
  }
  storeRow(c, c00, c01, acc);
  storeRow(c + ldc, c10, c11, acc);
  storeRow(c + 2 * ldc, c20, c21, acc);
  storeRow(c + 3 * ldc, c30, c31, acc);
}

function storeRow(c: usize, v0: v128, v1: v128, acc: bool): void {
  if (acc) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

/** Copies the first `w` columns of `rows` rows of an 8-wide tile into C (the N edge). */
function copyTile(tile: usize, rows: i32, w: i32, c: usize, ldc: usize, acc: bool): void {
  for (let i = 0; i < rows; i++) {
    const t = tile + <usize>(i * 32);
    const d = c + <usize>i * ldc;
    for (let j = 0; j < w; j++) {
      const o = <usize>(j << 2);
      const v = load<f32>(t + o);
      store<f32>(d + o, acc ? load<f32>(d + o) + v : v);
    }
  }
}

/**
 * Packs B(p, j) for p < kc, j < nc (element strides rsb, csb) into 8-column panels of kc rows,
 * zero-padding the last panel. Row-major B copies two vectors per row; transposed B (rsb = 1)
 * goes through 4×4 register transposes so both sides are read and written a vector at a time.
 */
function packB(b: usize, rsb: i32, csb: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += 8) {
    const w = min(8, nc - jp);
    const d = dst + <usize>(jp * kc * 4);
    const src = b + <usize>(jp * csb * 4);
    if (w === 8 && csb === 1) {
      const ld = <usize>(rsb * 4);
      for (let p = 0; p < kc; p++) {
        const s = src + <usize>p * ld;
        const o = d + <usize>(p * 32);
        v128.store(o, v128.load(s));
        v128.store(o, v128.load(s, 16), 16);
      }
    } else if (w === 8 && rsb === 1) {
      packTransposed(src, <usize>(csb * 4), kc, d);
    } else {
      for (let p = 0; p < kc; p++) {
        const o = d + <usize>(p * 32);
        for (let j = 0; j < 8; j++) {
          const v: f32 = j < w ? load<f32>(src + <usize>((p * rsb + j * csb) * 4)) : 0;
          store<f32>(o + <usize>(j * 4), v);
        }
      }
    }
  }
}

/** Panel of 8 columns whose elements are contiguous along p (column j starts at src + j·ld). */
function packTransposed(src: usize, ld: usize, kc: i32, d: usize): void {
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const s = src + <usize>(p * 4);
    const o = d + <usize>(p * 32);
    transpose4(s, ld, o, 32);
    transpose4(s + 4 * ld, ld, o + 16, 32);
  }
  for (; p < kc; p++) {
    for (let j = 0; j < 8; j++)
      store<f32>(d + <usize>(p * 32 + j * 4), load<f32>(src + <usize>j * ld + <usize>(p * 4)));
  }
}

/** Reads 4 vectors at s, s+ld, s+2ld, s+3ld and stores their transpose as 4 vectors `os` bytes apart. */
function transpose4(s: usize, ld: usize, o: usize, os: usize): void {
  const r0 = v128.load(s);
  const r1 = v128.load(s + ld);
  const r2 = v128.load(s + 2 * ld);
  const r3 = v128.load(s + 3 * ld);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(o + os, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(o + 2 * os, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(o + 3 * os, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs A(i, p) for i < mc, p < kc (element strides rsa, csa) into strips of 4 rows: strip s holds
 * kc groups of the 4 values A(4s..4s+4, p), rows past mc zero-filled, so the kernel never sees an edge.
 * Transposed A (rsa = 1) is one vector per p; row-major A goes through 4×4 register transposes.
 */
function packA(a: usize, rsa: i32, csa: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += 4) {
    const d = dst + <usize>(i * kc * 4);
    const src = a + <usize>(i * rsa * 4);
    if (i + 4 <= mc && rsa === 1) {
      const ld = <usize>(csa * 4);
      for (let p = 0; p < kc; p++) v128.store(d + <usize>(p * 16), v128.load(src + <usize>p * ld));
    } else if (i + 4 <= mc && csa === 1 && (kc & 3) === 0) {
      const ld = <usize>(rsa * 4);
      for (let p = 0; p < kc; p += 4) transpose4(src + <usize>(p * 4), ld, d + <usize>(p * 16), 16);
    } else {
      const rows = min(4, mc - i);
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < 4; r++) {
          const v: f32 = r < rows ? load<f32>(src + <usize>((r * rsa + p * csa) * 4)) : 0;
          store<f32>(d + <usize>(p * 16 + r * 4), v);
        }
      }
    }
  }
}

/** Every 4-row strip of the packed A block against one 8-column panel; edge tiles go through `tile`. */
function stripsTimesPanel(
  mc: i32,
  a: usize,
  kc: i32,
  panel: usize,
  ldb: usize,
  c: usize,
  ldc: usize,
  w: i32,
  acc: bool,
  tile: usize,
): void {
  const stripBytes = <usize>(kc * 16);
  for (let i = 0; i < mc; i += 4) {
    const rows = min(4, mc - i);
    const ci = c + <usize>i * ldc;
    if (rows === 4 && w === 8) kernel4x8(a, panel, ldb, ci, ldc, kc, acc);
    else {
      kernel4x8(a, panel, ldb, tile, 32, kc, false);
      copyTile(tile, rows, w, ci, ldc, acc);
    }
    a += stripBytes;
  }
}

/** Splits `total` into equal blocks of at most `max` (rounded up to `align`), so no block is a sliver. */
function blockSize(total: i32, max: i32, align: i32): i32 {
  const blocks = (total + max - 1) / max;
  const size = (total + blocks - 1) / blocks;
  return min(max, ((size + align - 1) / align) * align);
}

/** The arguments of gemm (flags as i32); the JS side writes them with the generated writer. */
@unmanaged
export class GemmArgs {
  m: i32;
  n: i32;
  k: i32;
  a: usize;
  rsa: i32;
  csa: i32;
  b: usize;
  rsb: i32;
  csb: i32;
  c: usize;
  ldc: i32;
  accumulate: i32;
}

/**
 * C[m×n] (row stride ldc elements) = A·B, or += when `accumulate`. A(i, p) is at a + 4·(i·rsa + p·csa),
 * B(p, j) at b + 4·(p·rsb + j·csb). `scratch` holds gemmScratchBytes(). k must be > 0.
 */
export function gemm(args: GemmArgs, scratch: usize): void {
  const m = args.m;
  const n = args.n;
  const k = args.k;
  const a = args.a;
  const rsa = args.rsa;
  const csa = args.csa;
  const b = args.b;
  const rsb = args.rsb;
  const csb = args.csb;
  const c = args.c;
  const ldc = args.ldc;
  const accumulate = args.accumulate !== 0;
  const noPack = m <= SMALL_M && csb === 1;
  const aPack = scratch + <usize>B_PACK_BYTES;
  const tile = aPack + <usize>A_PACK_BYTES;
  const ldcB = <usize>(ldc * 4);
  const kcMax = blockSize(k, KC, 4);
  const ncMax = blockSize(n, NC, 8);
  const mcMax = blockSize(m, MC, 4);
  for (let j0 = 0; j0 < n; j0 += ncMax) {
    const nc = min(ncMax, n - j0);
    for (let p0 = 0; p0 < k; p0 += kcMax) {
      const kc = min(kcMax, k - p0);
      const acc = accumulate || p0 > 0;
      const bBlock = b + <usize>((p0 * rsb + j0 * csb) * 4);
      if (!noPack) packB(bBlock, rsb, csb, kc, nc, scratch);
      for (let i0 = 0; i0 < m; i0 += mcMax) {
        const mc = min(mcMax, m - i0);
        packA(a + <usize>((i0 * rsa + p0 * csa) * 4), rsa, csa, mc, kc, aPack);
        const cBlock = c + <usize>((i0 * ldc + j0) * 4);
        for (let jp = 0; jp < nc; jp += 8) {
          const w = min(8, nc - jp);
          let panel = scratch + <usize>(jp * kc * 4);
          let ldb: usize = 32;
          if (noPack && w === 8) {
            panel = bBlock + <usize>(jp * 4);
            ldb = <usize>(rsb * 4);
          } else if (noPack) packB(bBlock + <usize>(jp * 4), rsb, 1, kc, w, panel);
          stripsTimesPanel(mc, aPack, kc, panel, ldb, cBlock + <usize>(jp * 4), ldcB, w, acc, tile);
        }
      }
    }
  }
}

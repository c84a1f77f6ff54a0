import type { TensorInfo } from '../../backend/backend.js';
import type { BackendArray } from '../../tensor/dtype.js';

type FloatArr = Float32Array | Float64Array;
type Alloc = (size: number, like: BackendArray) => BackendArray;

/** A matrix inside a flat array: element (i, j) sits at data[off + i·rs + j·cs]. Transposes are free. */
export interface MatView {
  data: FloatArr;
  off: number;
  rs: number;
  cs: number;
}

// Blocking in the style of GotoBLAS/BLIS: a KC×NC panel of B and an MC×KC block of A are packed
// into contiguous float64 scratch, so the 4×4 micro-kernel reads both strictly sequentially, sees
// one array type (V8 keeps it monomorphic) and any transpose costs only the packing.
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 512;
const packA = new Float64Array(MC * KC);
const packB = new Float64Array(KC * NC);

/** Copies rows [i0, i0+mc) × cols [p0, p0+kc) of A into MR-row slivers: packA[(i/MR)·kc·MR + p·MR + i%MR]. */
function packBlockA(a: MatView, i0: number, mc: number, p0: number, kc: number): void {
  const { data, rs, cs } = a;
  for (let ir = 0; ir < mc; ir += MR) {
    let dst = ir * kc;
    const rows = Math.min(MR, mc - ir);
    for (let p = 0; p < kc; p++) {
      let src = a.off + (i0 + ir) * rs + (p0 + p) * cs;
      for (let r = 0; r < MR; r++, src += rs) packA[dst++] = r < rows ? data[src]! : 0;
    }
  }
}

/** Copies rows [p0, p0+kc) × cols [j0, j0+nc) of B into NR-column slivers: packB[(j/NR)·kc·NR + p·NR + j%NR]. */
function packPanelB(b: MatView, p0: number, kc: number, j0: number, nc: number): void {
  const { data, rs, cs } = b;
  for (let jr = 0; jr < nc; jr += NR) {
    let dst = jr * kc;
    const cols = Math.min(NR, nc - jr);
    for (let p = 0; p < kc; p++) {
      let src = b.off + (p0 + p) * rs + (j0 + jr) * cs;
      for (let q = 0; q < NR; q++, src += cs) packB[dst++] = q < cols ? data[src]! : 0;
    }
  }
}

const edge = new Float64Array(MR * NR);

// biome-ignore format: the sixteen sums read best as the 4×4 tile they are.
/**
 * c[ci.., cj..] += (MR×kc sliver of packA at ia) · (kc×NR sliver of packB at ib). Sixteen running
 * sums live in registers; each step loads 8 values for 16 multiply-adds.
 */
function microKernel(kc: number, ia: number, ib: number, c: FloatArr, cAt: number, ldc: number, rows: number, cols: number): void {
  const pa = packA;
  const pb = packB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, ia += MR, ib += NR) {
    const b0 = pb[ib]!;
    const b1 = pb[ib + 1]!;
    const b2 = pb[ib + 2]!;
    const b3 = pb[ib + 3]!;
    let a = pa[ia]!;
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = pa[ia + 1]!;
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = pa[ia + 2]!;
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = pa[ia + 3]!;
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
  }
  if (rows === MR && cols === NR) {
    let r = cAt;
    c[r]! += c00; c[r + 1]! += c01; c[r + 2]! += c02; c[r + 3]! += c03;
    r += ldc;
    c[r]! += c10; c[r + 1]! += c11; c[r + 2]! += c12; c[r + 3]! += c13;
    r += ldc;
    c[r]! += c20; c[r + 1]! += c21; c[r + 2]! += c22; c[r + 3]! += c23;
    r += ldc;
    c[r]! += c30; c[r + 1]! += c31; c[r + 2]! += c32; c[r + 3]! += c33;
    return;
  }
  edge.set([c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33]);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) c[cAt + i * ldc + j]! += edge[i * NR + j]!;
}

/**
 * Products with fewer than MR rows skip packing, which would cost as much as the product itself:
 * an axpy over contiguous rows of B, or dot products over contiguous columns when B is transposed.
 */
function gemmSmall(a: MatView, b: MatView, c: FloatArr, cOff: number, m: number, k: number, n: number): void {
  const { data: da, rs: ars, cs: acs } = a;
  const { data: db, rs: brs, cs: bcs } = b;
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    const ai = a.off + i * ars;
    if (bcs === 1) {
      let p = 0;
      // Four rows of B per pass, so each load and store of c carries four multiply-adds.
      for (; p + 4 <= k; p += 4) {
        const [a0, a1, a2, a3] = [
          da[ai + p * acs]!,
          da[ai + (p + 1) * acs]!,
          da[ai + (p + 2) * acs]!,
          da[ai + (p + 3) * acs]!,
        ];
        const b0 = b.off + p * brs;
        const [b1, b2, b3] = [b0 + brs, b0 + 2 * brs, b0 + 3 * brs];
        for (let j = 0; j < n; j++)
          c[ci + j]! += a0 * db[b0 + j]! + a1 * db[b1 + j]! + a2 * db[b2 + j]! + a3 * db[b3 + j]!;
      }
      for (; p < k; p++) {
        const av = da[ai + p * acs]!;
        const bp = b.off + p * brs;
        for (let j = 0; j < n; j++) c[ci + j]! += av * db[bp + j]!;
      }
    } else {
      for (let j = 0; j < n; j++) {
        const bj = b.off + j * bcs;
        let s = 0;
        for (let p = 0; p < k; p++) s += da[ai + p * acs]! * db[bj + p * brs]!;
        c[ci + j]! += s;
      }
    }
  }
}

/**
 * c[m, n] += A[m, k] · B[k, n] for strided views A and B; c is dense row-major at cOff. Sums run in
 * float64 within each KC block.
 */
export function gemm(
  a: MatView,
  b: MatView,
  c: FloatArr,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  if (m < MR) {
    gemmSmall(a, b, c, cOff, m, k, n);
    return;
  }
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      packPanelB(b, p0, kc, j0, nc);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packBlockA(a, i0, mc, p0, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const cAt = cOff + (i0 + ir) * n + j0 + jr;
            microKernel(kc, ir * kc, jr * kc, c, cAt, n, Math.min(MR, mc - ir), cols);
          }
        }
      }
    }
  }
}

/** Batched matmul with transpose flags; a transpose only changes the strides the packing reads. */
export function matmul(
  a: TensorInfo,
  b: TensorInfo,
  transA: boolean,
  transB: boolean,
  alloc: Alloc,
): FloatArr {
  const r = a.shape.length;
  const batch = a.shape.slice(0, r - 2).reduce((p, d) => p * d, 1);
  const [ar, ac] = [a.shape[r - 2]!, a.shape[r - 1]!];
  const [br, bc] = [b.shape[r - 2]!, b.shape[r - 1]!];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const n = transB ? br : bc;
  const da = a.data as FloatArr;
  const db = b.data as FloatArr;
  const out = alloc(batch * m * n, da) as FloatArr;
  for (let t = 0; t < batch; t++) {
    const va: MatView = { data: da, off: t * ar * ac, rs: transA ? 1 : ac, cs: transA ? ac : 1 };
    const vb: MatView = { data: db, off: t * br * bc, rs: transB ? 1 : bc, cs: transB ? bc : 1 };
    gemm(va, vb, out, t * m * n, m, k, n);
  }
  return out;
}

import type { TensorInfo } from '../../backend/backend.js';
import type { BackendArray } from '../../tensor/dtype.js';

type FloatArr = Float32Array | Float64Array;
type Alloc = (size: number, like: BackendArray) => BackendArray;

/** Copies an [r, c] matrix at `off` into `dst` as [c, r]. */
function transpose2d(src: FloatArr, off: number, r: number, c: number, dst: FloatArr): void {
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) dst[j * r + i] = src[off + i * c + j]!;
}

/**
 * c[m, n] = a[m, k] · b[k, n] (row-major, contiguous). Four rows of c at a time, so every value of b
 * loaded feeds four multiply-adds; the inner loop runs along contiguous rows, which V8 keeps tight.
 * k is blocked so a panel of b stays in cache while the row groups stream past it.
 */
export function gemm(a: FloatArr, aOff: number, b: FloatArr, bOff: number, c: FloatArr, cOff: number, m: number, k: number, n: number): void {
  const KB = 256;
  for (let k0 = 0; k0 < k; k0 += KB) {
    const k1 = Math.min(k, k0 + KB);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = cOff + i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let p = k0; p < k1; p++) {
        const a0 = a[aOff + i * k + p]!;
        const a1 = a[aOff + (i + 1) * k + p]!;
        const a2 = a[aOff + (i + 2) * k + p]!;
        const a3 = a[aOff + (i + 3) * k + p]!;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) {
          const bv = b[bp + j]!;
          c[c0 + j]! += a0 * bv;
          c[c1 + j]! += a1 * bv;
          c[c2 + j]! += a2 * bv;
          c[c3 + j]! += a3 * bv;
        }
      }
    }
    for (; i < m; i++) {
      const ci = cOff + i * n;
      for (let p = k0; p < k1; p++) {
        const av = a[aOff + i * k + p]!;
        if (av === 0) continue;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) c[ci + j]! += av * b[bp + j]!;
      }
    }
  }
}

/** Batched matmul with transpose flags; transposed operands are copied once into scratch. */
export function matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean, alloc: Alloc): FloatArr {
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
  const scratchA = transA ? (alloc(m * k, da) as FloatArr) : null;
  const scratchB = transB ? (alloc(k * n, db) as FloatArr) : null;
  for (let t = 0; t < batch; t++) {
    let srcA = da;
    let offA = t * ar * ac;
    if (scratchA) {
      transpose2d(da, offA, ar, ac, scratchA);
      srcA = scratchA;
      offA = 0;
    }
    let srcB = db;
    let offB = t * br * bc;
    if (scratchB) {
      transpose2d(db, offB, br, bc, scratchB);
      srcB = scratchB;
      offB = 0;
    }
    gemm(srcA, offA, srcB, offB, out, t * m * n, m, k, n);
  }
  return out;
}

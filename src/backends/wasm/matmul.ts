import type { TensorInfo } from '../../backend/backend.js';
import type { Heap } from './heap.js';

/**
 * An operand of a GEMM as the kernel sees it: element (i, j) of the logical matrix lives at
 * ptr + 4·(i·rs + j·cs). A transposed operand is the same storage with its strides swapped, so no
 * transpose is ever materialised (the kernel's packing absorbs it).
 */
export interface Operand {
  ptr: number;
  rs: number;
  cs: number;
}

/** The logical [rows, cols] matrix stored row-major as [rows, cols], or as [cols, rows] when `trans`. */
export function operand(ptr: number, rows: number, cols: number, trans: boolean): Operand {
  return trans ? { ptr, rs: 1, cs: rows } : { ptr, rs: cols, cs: 1 };
}

/** c[m, n] (row-major, contiguous) = a[m, k]·b[k, n] (through Heap.gemm, which sends large products to the native addon). */
export function gemm(heap: Heap, m: number, n: number, k: number, a: Operand, b: Operand, c: number): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    heap.fill(c, m * n, 0, 'float32');
    return;
  }
  heap.gemm({
    m,
    n,
    k,
    a: a.ptr,
    rsa: a.rs,
    csa: a.cs,
    b: b.ptr,
    rsb: b.rs,
    csb: b.cs,
    c,
    ldc: n,
    accumulate: 0,
  });
}

/** Batched matmul with transpose flags: one GEMM per batch entry over the same storages. */
export function matmul(heap: Heap, a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): number {
  const r = a.shape.length;
  let batch = 1;
  for (let i = 0; i < r - 2; i++) batch *= a.shape[i]!;
  const [ar, ac] = [a.shape[r - 2]!, a.shape[r - 1]!];
  const [br, bc] = [b.shape[r - 2]!, b.shape[r - 1]!];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const n = transB ? br : bc;
  const out = heap.malloc(batch * m * n);
  const pa = a.data as number;
  const pb = b.data as number;
  for (let t = 0; t < batch; t++) {
    const opA = operand(pa + t * ar * ac * 4, m, k, transA);
    const opB = operand(pb + t * br * bc * 4, k, n, transB);
    gemm(heap, m, n, k, opA, opB, out + t * m * n * 4);
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../../backend/backend.js';
import { createTsBackend, tsBackend } from './index.js';
import { gemm } from './matmul.js';

// Backend-specific behaviour of the reference backend; the op semantics are tested through the
// public ops in src/ops/*.test.ts on every backend.
const info = (data: Float32Array | Float64Array | Int32Array, shape: number[]): TensorInfo => ({
  data,
  shape,
  dtype: data instanceof Int32Array ? 'int32' : 'float32',
});

describe('ts backend', () => {
  it('the float64 variant keeps float64 precision end to end', () => {
    const f64 = createTsBackend({ precision: 'float64' });
    const x = f64.upload(Float64Array.of(0.1, 1 / 3));
    expect(f64.read(info(x as Float64Array, [2]))).toEqual(Float64Array.of(0.1, 1 / 3));
    const y = f64.binary('add', info(x as Float64Array, [2]), info(x as Float64Array, [2]), [2]);
    expect((y as Float64Array)[1]).toBe(2 / 3);
    expect(f64.name).toBe('ts-f64');
    expect(tsBackend.heapBytes()).toBe(0);
  });
  it('int32 max/min start from the int32 extremes, not ±Infinity', () => {
    const x = info(Int32Array.of(-5, -9, 7, 3), [2, 2]);
    expect(tsBackend.reduce('max', info(Int32Array.of(-5, -9), [2]), [0])).toEqual(Int32Array.of(-5));
    expect(tsBackend.reduce('min', x, [0, 1])).toEqual(Int32Array.of(-9));
    expect(tsBackend.reduce('max', x, [1])).toEqual(Int32Array.of(-5, 7));
  });
  it('a 2-D identity transpose copies rather than transposing', () => {
    const x = info(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    expect(tsBackend.transpose(x, [0, 1])).toEqual(Float32Array.of(1, 2, 3, 4, 5, 6));
    expect(tsBackend.transpose(x, [1, 0])).toEqual(Float32Array.of(1, 4, 2, 5, 3, 6));
  });
  it('blocked gemm is exact in float64 across block edges (strided views, accumulating into c)', () => {
    // Integers keep every product and sum exact, so any indexing slip shows as a mismatch.
    const [m, k, n] = [67, 261, 515];
    const a = Float64Array.from({ length: m * k }, (_, i) => (i % 7) - 3);
    const bT = Float64Array.from({ length: n * k }, (_, i) => (i % 5) - 2);
    const c = new Float64Array(m * n).fill(1);
    gemm({ data: a, off: 0, rs: k, cs: 1 }, { data: bT, off: 0, rs: 1, cs: k }, c, 0, m, k, n);
    for (const [i, j] of [
      [0, 0],
      [66, 514],
      [63, 511],
      [64, 512],
      [5, 300],
    ] as const) {
      let s = 1;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * bT[j * k + p]!;
      expect(c[i * n + j], `c[${i}, ${j}]`).toBe(s);
    }
  });
});

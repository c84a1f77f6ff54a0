import { describe, expect, it } from 'vitest';
import { instantiateKernels } from './kernels.js';

// Accuracy of the recurrent kernels' gate functions (assembly/rnn-math.ts: a rational tanh and a
// sigmoid with a reduced-range exp) against float64 Math on dense grids. Float32 rounding alone is
// up to 6e-8 relative; Vec.tanh/Vec.sigmoid (math.ts) reach ~2e-7, these ~3.5e-7 / 1.5e-7.

const k = instantiateKernels();
const base = Math.ceil(k.heapBase() / 16) * 16;

/** tanh (op 0) or sigmoid (op 1) of every x, through the module's rnnGateMath. */
function run(op: number, xs: Float32Array): Float32Array {
  const bytes = Math.ceil(xs.length / 4) * 16;
  const need = base + 2 * bytes - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / 65536));
  new Float32Array(k.memory.buffer, base, xs.length).set(xs);
  k.rnnGateMath(op, base, base + bytes, xs.length);
  return new Float32Array(k.memory.buffer, base + bytes, xs.length).slice();
}

const grid = (lo: number, hi: number, n: number) =>
  Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function maxRelativeError(op: number, xs: Float32Array, ref: (x: number) => number): number {
  const ys = run(op, xs);
  let worst = 0;
  xs.forEach((x, i) => {
    worst = Math.max(worst, Math.abs(ys[i]! - ref(x)) / Math.abs(ref(x)));
  });
  return worst;
}

describe('wasm recurrent gate functions', () => {
  it('tanh: ≤ 4e-7 relative on [-12, 12] and near 0; exactly ±1 when saturated; |tanh| ≤ 1', () => {
    expect(maxRelativeError(0, grid(-12, 12, 2_000_000), Math.tanh)).toBeLessThanOrEqual(4e-7);
    expect(maxRelativeError(0, grid(-1e-3, 1e-3, 200_000), Math.tanh)).toBeLessThanOrEqual(2e-7);
    const ys = run(0, Float32Array.from([9.5, -9.5, 50, -50, Infinity, -Infinity, 1e-30]));
    expect(Array.from(ys)).toEqual([1, -1, 1, -1, 1, -1, Math.fround(1e-30)]);
    expect(run(0, grid(8, 10, 100_000)).every((y) => y <= 1)).toBe(true);
    expect(Number.isNaN(run(0, Float32Array.from([Number.NaN]))[0])).toBe(true);
  });

  it('sigmoid: ≤ 2e-7 relative on [-80, 80]; 1 and (almost) 0 at the extremes; NaN stays NaN', () => {
    expect(maxRelativeError(1, grid(-80, 80, 2_000_000), sigmoid)).toBeLessThanOrEqual(2e-7);
    expect(maxRelativeError(1, grid(-20, 20, 2_000_000), sigmoid)).toBeLessThanOrEqual(2e-7);
    const ys = run(1, Float32Array.from([0, 88, 200, Infinity, -200, -Infinity]));
    expect(Array.from(ys.slice(0, 4))).toEqual([0.5, 1, 1, 1]);
    // Below -88 the reference is subnormal or 0; the kernel stops at e^88.3 (≤ 5e-39 absolute).
    for (const y of ys.slice(4)) expect(y).toBeLessThanOrEqual(5e-39);
    expect(Number.isNaN(run(1, Float32Array.from([Number.NaN]))[0])).toBe(true);
  });
});

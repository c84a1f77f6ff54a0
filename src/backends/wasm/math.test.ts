import { describe, expect, it } from 'vitest';
import type { UnaryOp } from '../../backend/backend.js';
import { wasm } from './test-utils/parity.js';

// Accuracy of the polynomial exp/tanh/sigmoid (assembly/math.ts) against float64 Math, on dense grids.
// Float32 rounding alone contributes up to 6e-8 relative, so ~1.5e-7 means about one ulp.

function run(op: UnaryOp, xs: Float32Array): Float32Array {
  const data = wasm.unary(op, { data: wasm.upload(xs), shape: [xs.length], dtype: 'float32' });
  return (wasm.read({ data, shape: [xs.length], dtype: 'float32' }) as Float32Array).slice();
}

function grid(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

function maxRelativeError(op: UnaryOp, xs: Float32Array, ref: (x: number) => number): number {
  const ys = run(op, xs);
  let worst = 0;
  xs.forEach((x, i) => {
    const r = ref(x);
    if (r === 0) expect(ys[i]).toBe(0);
    else worst = Math.max(worst, Math.abs(ys[i]! - r) / Math.abs(r));
  });
  return worst;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('wasm polynomial exp, tanh, sigmoid', () => {
  it('exp: max relative error ≤ 2e-7 on [-87, 88] (2M points) and near 0', () => {
    expect(maxRelativeError('exp', grid(-87, 88, 2_000_001), Math.exp)).toBeLessThanOrEqual(2e-7);
    expect(maxRelativeError('exp', grid(-1, 1, 200_001), Math.exp)).toBeLessThanOrEqual(2e-7);
  });
  it('exp: subnormal results, overflow to Infinity, and special values', () => {
    const xs = grid(-103.9, -87, 20_001);
    const ys = run('exp', xs);
    // Below -87.3 the result is subnormal: correct to within one subnormal step of the rounded value.
    xs.forEach((x, i) => {
      expect(Math.abs(ys[i]! - Math.fround(Math.exp(x)))).toBeLessThanOrEqual(2 ** -149);
    });
    const special = run(
      'exp',
      Float32Array.of(88.72, 88.8, 200, Infinity, -104, -1000, -Infinity, Number.NaN, 0, -0),
    );
    expect(Math.abs(special[0]! / Math.exp(Math.fround(88.72)) - 1)).toBeLessThanOrEqual(2e-7);
    expect(Array.from(special.slice(1))).toEqual([Infinity, Infinity, Infinity, 0, 0, 0, Number.NaN, 1, 1]);
  });
  it('tanh: max relative error ≤ 2e-7 across the polynomial/exp switch, exact saturation and sign', () => {
    expect(maxRelativeError('tanh', grid(-10, 10, 2_000_001), Math.tanh)).toBeLessThanOrEqual(2e-7);
    expect(maxRelativeError('tanh', grid(-0.7, 0.7, 200_001), Math.tanh)).toBeLessThanOrEqual(2e-7);
    expect(maxRelativeError('tanh', grid(1e-30, 1e-3, 10_001), Math.tanh)).toBeLessThanOrEqual(2e-7);
    const ys = run('tanh', Float32Array.of(9.5, 20, 1e30, Infinity, -9.5, -Infinity, 0, -0, Number.NaN));
    expect(Array.from(ys)).toEqual([1, 1, 1, 1, -1, -1, 0, -0, Number.NaN]);
  });
  it('sigmoid: max relative error ≤ 2e-7 on [-87, 87], saturates to exactly 0 and 1', () => {
    expect(maxRelativeError('sigmoid', grid(-87, 87, 2_000_001), sigmoid)).toBeLessThanOrEqual(2e-7);
    const ys = run('sigmoid', Float32Array.of(17, 100, Infinity, -200, -Infinity, 0, Number.NaN));
    expect(Array.from(ys)).toEqual([1, 1, 1, 0, 0, 0.5, Number.NaN]);
  });
});

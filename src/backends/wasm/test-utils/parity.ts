import { expect } from 'vitest';
import type { Backend, TensorInfo } from '../../../backend/backend.js';
import type { DType } from '../../../tensor/dtype.js';
import { sizeOf } from '../../../tensor/shape.js';
import { tsBackend } from '../../ts/index.js';
import { createWasmBackend } from '../index.js';

/** A private instance, so these tests neither see nor disturb the shared wasmBackend's memory. */
export const wasm = createWasmBackend();
export const ts = tsBackend;

/** Seeded uniform values in [lo, hi) (a 32-bit LCG: reproducible across runs and machines). */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

export function randInt(n: number, seed: number, lo: number, hi: number): Int32Array {
  return Int32Array.from(rand(n, seed, lo, hi), Math.floor);
}

/** An input for a parity check: values and shape, float32 unless the values are an Int32Array. */
export interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
}

export const f32 = (shape: number[], seed: number, lo = -1, hi = 1): Input => ({
  values: rand(sizeOf(shape), seed, lo, hi),
  shape,
});
export const i32 = (shape: number[], seed: number, lo = -5, hi = 5): Input => ({
  values: randInt(sizeOf(shape), seed, lo, hi),
  shape,
});

export function upload(backend: Backend, input: Input): TensorInfo {
  const dtype: DType = input.values instanceof Int32Array ? 'int32' : 'float32';
  return { data: backend.upload(input.values), shape: input.shape, dtype };
}

/** A copy of a backend result (the backend's view may be invalidated by the next call). */
export function download(backend: Backend, data: unknown, shape: readonly number[], dtype: DType): number[] {
  return Array.from(backend.read({ data, shape, dtype }));
}

/**
 * |actual - expected| ≤ atol + rtol·|expected| elementwise (numpy's allclose); NaN matches NaN and
 * infinities must be equal. rtol = atol = 0 demands identical values (including the sign of zero).
 */
export function expectClose(
  actual: readonly number[],
  expected: readonly number[],
  what: string,
  rtol = 1e-5,
  atol = 1e-6,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const ok = rtol + atol > 0 && Number.isFinite(e) && Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) expect.fail(`${what}: element ${i} is ${a}, reference ${e}`);
  }
}

/**
 * Runs `fn` on the ts and wasm backends with the same inputs and compares the results (one output,
 * or several for kernels that return a record). `tol` is [rtol, atol]; [0, 0] means bit-identical.
 */
export function parity(
  what: string,
  inputs: readonly Input[],
  fn: (backend: Backend, xs: TensorInfo[]) => unknown,
  outputs: readonly { shape: readonly number[]; dtype: DType }[],
  tol: readonly [number, number] = [1e-5, 1e-6],
): void {
  const run = (backend: Backend) => {
    const result = fn(
      backend,
      inputs.map((x) => upload(backend, x)),
    );
    const datas = outputs.length === 1 ? [result] : Object.values(result as object);
    return outputs.map((o, i) => download(backend, datas[i], o.shape, o.dtype));
  };
  const expected = run(ts);
  const actual = run(wasm);
  outputs.forEach((_, i) => {
    expectClose(actual[i]!, expected[i]!, `${what} output ${i}`, tol[0], tol[1]);
  });
}

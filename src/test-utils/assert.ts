import { expect } from 'vitest';
import type { Backend } from '../backend/backend.js';
import type { NestedArray, Tensor } from '../tensor/tensor.js';

/** Nested arrays flattened in row-major order, with their shape. */
function flattenNested(values: NestedArray): { shape: number[]; flat: number[] } {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedArray;
  }
  const flat: number[] = [];
  const walk = (x: NestedArray): void => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else flat.push(x);
  };
  walk(values);
  return { shape, flat };
}

/**
 * Expects `actual` to match `expected` in shape and, elementwise, within `atol + rtol·|expected|`
 * (numpy's allclose rule). NaN matches NaN, and infinities must match exactly.
 */
export function expectClose(
  actual: Tensor,
  expected: NestedArray,
  opts: { rtol?: number; atol?: number; label?: string } = {},
): void {
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-6;
  const { shape, flat } = flattenNested(expected);
  const label = opts.label ? `${opts.label}: ` : '';
  expect([...actual.shape], `${label}shape`).toEqual(shape);
  const got = actual.dataSync();
  for (let i = 0; i < flat.length; i++) {
    const [a, e] = [got[i]!, flat[i]!];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(a, `${label}element ${i}`).toBe(e);
      continue;
    }
    const err = Math.abs(a - e);
    if (err > atol + rtol * Math.abs(e)) {
      expect.fail(`${label}element ${i}: got ${a}, expected ${e} (|diff| ${err.toExponential(2)})`);
    }
  }
}

/** Expects two tensors (possibly from different backends) to hold the same values within tolerance. */
export function expectTensorsClose(actual: Tensor, expected: Tensor, tol = 1e-6, label?: string): void {
  expect([...actual.shape], label).toEqual([...expected.shape]);
  const opts = label === undefined ? { rtol: tol, atol: tol } : { rtol: tol, atol: tol, label };
  expectClose(actual, expected.toArray(), opts);
}

/**
 * The optional methods of the Backend interface: the fused fast paths (dense, softmax cross-entropy,
 * sequence kernels, optimizer steps...). Derived from the interface, so a new fast path needs no edit here.
 */
export type FastPath = { [K in keyof Backend]-?: object extends Pick<Backend, K> ? K : never }[keyof Backend];

/**
 * The one way tests turn fast paths off: a view of `backend` without the named optional methods, so
 * the ops run their composed fallback on the same kernels. A Proxy, not a copy, so getters and lazy
 * state of class-instance backends (the wasm heap) stay on the real backend.
 *
 * @example
 * // withBackend(withoutFastPaths(wasm, 'dense', 'denseBackward'), () => dense(x, w, b, 'relu'))
 */
export function withoutFastPaths(backend: Backend, ...names: FastPath[]): Backend {
  const hidden = new Set<PropertyKey>(names);
  const name = `${backend.name}-unfused`;
  return new Proxy(backend, {
    get: (target, key) => (key === 'name' ? name : hidden.has(key) ? undefined : Reflect.get(target, key)),
    has: (target, key) => !hidden.has(key) && Reflect.has(target, key),
  });
}

import { expect } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import type { Backend } from '../backend/backend.js';
import { withBackend } from '../backend/select.js';
import { createTsBackend } from '../backends/ts/index.js';
import { makeTensor, scope } from '../engine/engine.js';
import { mul, sum, tensor } from '../ops/index.js';
import { type Tensor, Variable } from '../tensor/tensor.js';

/** The float64 reference backend: same kernels, same compositions, float64 storage. */
export const f64Backend = createTsBackend({ precision: 'float64' });

export interface GradInput {
  shape: number[];
  /** Values; random in [-1, 1] (seeded) when omitted. */
  values?: number[];
  /** int32 inputs (indices, labels) are passed through but not differentiated. */
  dtype?: 'float32' | 'int32';
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeInput(spec: GradInput, values: Float64Array | Int32Array): Tensor {
  const b = f64Backend;
  return makeTensor(b, b.upload(values), spec.shape, spec.dtype ?? 'float32');
}

/**
 * Checks the tape's gradients of `f` against float64 central differences. The scalar being
 * differentiated is Σ f(x)·r for a fixed random r, so every output element is exercised.
 */
export function checkGradients(
  f: (...xs: Tensor[]) => Tensor,
  specs: GradInput[],
  opts: { eps?: number; tol?: number; seed?: number } = {},
): void {
  const eps = opts.eps ?? 1e-6;
  const tol = opts.tol ?? 1e-6;
  const rand = seeded(opts.seed ?? 1);
  withBackend(f64Backend, () =>
    scope(() => {
      const base = specs.map((s) => {
        const n = s.shape.reduce((p, d) => p * d, 1);
        if (s.dtype === 'int32') return Int32Array.from(s.values ?? []);
        return Float64Array.from(s.values ?? Array.from({ length: n }, () => rand() * 2 - 1));
      });
      const out0 = f(...specs.map((s, i) => makeInput(s, base[i]!)));
      const r = Float64Array.from({ length: out0.size }, () => rand() * 2 - 1);
      const weights = makeTensor(f64Backend, f64Backend.upload(r), out0.shape, 'float32');
      const objective = (xs: Tensor[]) => sum(mul(f(...xs), weights));
      const read = (t: Tensor) => f64Backend.read(t.info('gradcheck')) as Float64Array;

      const vars = specs.map((s, i) => new Variable(makeInput(s, base[i]!)));
      const { grads } = valueAndGrads(
        () => objective(vars),
        vars.filter((v) => v.dtype === 'float32'),
      );
      let g = 0;
      specs.forEach((s, i) => {
        if (s.dtype === 'int32') return;
        const analytic = read(grads[g++]!);
        const values = base[i] as Float64Array;
        for (let j = 0; j < values.length; j++) {
          const at = (delta: number) => {
            const v = values.slice();
            v[j]! += delta;
            return read(objective(specs.map((sp, k) => makeInput(sp, k === i ? v : base[k]!))))[0]!;
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          const err = Math.abs(numeric - analytic[j]!) / Math.max(1, Math.abs(numeric));
          expect(err, `input ${i} element ${j}: analytic ${analytic[j]} vs numeric ${numeric}`).toBeLessThan(
            tol,
          );
        }
      });
    }),
  );
}

/**
 * Checks that `backend` computes the same value and gradients of Σ f(x)·r as the float64 reference,
 * for the same float32 inputs, within `tol` (relative to max(1, |reference|)). This is how a fast
 * backend's gradients are held to the reference; `checkGradients` holds the reference to calculus.
 */
export function expectGradientsMatchReference(
  backend: Backend,
  f: (...xs: Tensor[]) => Tensor,
  specs: GradInput[],
  opts: { tol?: number; seed?: number } = {},
): void {
  const tol = opts.tol ?? 1e-5;
  const rand = seeded(opts.seed ?? 2);
  const base = specs.map((s) => {
    const n = s.shape.reduce((p, d) => p * d, 1);
    if (s.dtype === 'int32') return Int32Array.from(s.values ?? []);
    return Float32Array.from(s.values ?? Array.from({ length: n }, () => rand() * 2 - 1));
  });
  const weightsFor = (n: number) => {
    const r = seeded(opts.seed ?? 3);
    return Float32Array.from({ length: n }, () => r() * 2 - 1);
  };
  const run = (b: Backend) =>
    withBackend(b, () =>
      scope(() => {
        const vars = specs.map((s, i) => new Variable(tensor(base[i]!, s.shape, s.dtype ?? 'float32')));
        const objective = () => {
          const y = f(...vars);
          return sum(mul(y, tensor(weightsFor(y.size), y.shape)));
        };
        const { value, grads } = valueAndGrads(
          objective,
          vars.filter((v) => v.dtype === 'float32'),
        );
        return [[value.item()], ...grads.map((g) => Array.from(g.dataSync()))];
      }),
    );
  const [got, want] = [run(backend), run(f64Backend)];
  want.forEach((w, i) => {
    const what = i === 0 ? 'value' : `gradient ${i - 1}`;
    w.forEach((r, j) => {
      const err = Math.abs(got[i]![j]! - r) / Math.max(1, Math.abs(r));
      expect(err, `${backend.name} ${what} element ${j}: ${got[i]![j]} vs reference ${r}`).toBeLessThan(tol);
    });
  });
}

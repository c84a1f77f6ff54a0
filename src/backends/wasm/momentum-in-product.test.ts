import { describe, expect, it } from 'vitest';
import { instantiateKernels } from './kernels.js';

// The kernel denseGradMomentumStep (assembly/optimizer.ts): for each row i of w [k, m], the gradient
// g = Σ_r x[r, i]·dz[r, :] is made in registers and sgdStep's momentum step applied to w_i and v_i.
// Checked against a float64 reference, and bit for bit against sgdStep given the same g (summed in
// row order in float32, as the kernel does), including the slot flush and rows of any width.

const k = instantiateKernels();
const base = Math.ceil(k.heapBase() / 16) * 16;
/** Guard floats written past every array: the kernel must never touch them. */
const GUARD = 8;
const SENTINEL = 12345.5;

/** Deterministic values in [-scale, scale). */
const values = (n: number, seed: number, scale: number) =>
  Float64Array.from({ length: n }, (_, i) => scale * Math.sin(seed * 12.9898 + i * 78.233) * 0.999);

interface Case {
  n: number;
  k: number;
  m: number;
  /** x's row stride (≥ k): the weight's rows are columns 0..k-1 of a wider x. */
  ldx: number;
}

interface Arrays {
  x: Float64Array;
  dz: Float64Array;
  w: Float64Array;
  v: Float64Array;
}

function arrays({ n, k, m, ldx }: Case): Arrays {
  return {
    x: values(n * ldx, 1, 1),
    dz: values(n * m, 2, 1),
    w: values(k * m, 3, 1),
    v: values(k * m, 4, 0.1),
  };
}

/** Copies `a` (rounded to f32) to the wasm memory at successive 16-byte aligned places. */
function place(a: Arrays): { x: number; dz: number; w: number; v: number } {
  let at = base;
  const put = (src: Float64Array) => {
    const p = at;
    const bytes = Math.ceil((src.length + GUARD) / 4) * 16;
    const need = p + bytes - k.memory.buffer.byteLength;
    if (need > 0) k.memory.grow(Math.ceil(need / 65536));
    const view = new Float32Array(k.memory.buffer, p, src.length + GUARD);
    view.set(src);
    view.fill(SENTINEL, src.length);
    at += bytes;
    return p;
  };
  return { x: put(a.x), dz: put(a.dz), w: put(a.w), v: put(a.v) };
}

const read = (p: number, n: number) => Array.from(new Float32Array(k.memory.buffer, p, n));
const guards = (p: number, n: number) => read(p + n * 4, GUARD);

function runKernel(c: Case, a: Arrays, lr: number, mu: number, nesterov: boolean) {
  const p = place(a);
  k.denseGradMomentumStep(p.x, c.ldx, p.dz, p.w, p.v, c.n, c.k, c.m, lr, mu, nesterov);
  const size = c.k * c.m;
  expect([...guards(p.w, size), ...guards(p.v, size)], 'a float past w or v changed').toEqual(
    Array(2 * GUARD).fill(SENTINEL),
  );
  return { w: read(p.w, size), v: read(p.v, size) };
}

/** The Keras step in float64 from the f32-rounded inputs. */
function reference(c: Case, a: Arrays, lr: number, mu: number, nesterov: boolean) {
  const f = Math.fround;
  const [w, v] = [Array.from(a.w, f), Array.from(a.v, f)];
  for (let i = 0; i < c.k; i++)
    for (let j = 0; j < c.m; j++) {
      let g = 0;
      for (let r = 0; r < c.n; r++) g += f(a.x[r * c.ldx + i]!) * f(a.dz[r * c.m + j]!);
      const at = i * c.m + j;
      v[at] = f(mu) * v[at]! - f(lr) * g;
      w[at] = nesterov ? w[at]! + f(mu) * v[at]! - f(lr) * g : w[at]! + v[at]!;
    }
  return { w, v };
}

/** The gradient summed as the kernel sums it: in float32, row by row (the first product, then + each next). */
function f32Gradient(c: Case, a: Arrays): Float64Array {
  const f = Math.fround;
  const g = new Float64Array(c.k * c.m);
  for (let i = 0; i < c.k; i++)
    for (let j = 0; j < c.m; j++) {
      const p = (r: number) => f(f(a.dz[r * c.m + j]!) * f(a.x[r * c.ldx + i]!));
      let s = c.n > 0 ? p(0) : 0;
      for (let r = 1; r < c.n; r++) s = f(s + p(r));
      g[i * c.m + j] = s;
    }
  return g;
}

/** sgdStep (the separate fused step) given a gradient. */
function sgdStep(a: Arrays, g: Float64Array, lr: number, mu: number, nesterov: boolean) {
  const p = place({ x: g, dz: new Float64Array(0), w: a.w, v: a.v });
  k.sgdStep(p.w, p.x, p.v, g.length, lr, mu, nesterov);
  return { w: read(p.w, g.length), v: read(p.v, g.length) };
}

const CASES: Case[] = [
  { n: 1, k: 1, m: 1, ldx: 1 },
  { n: 2, k: 1, m: 7, ldx: 1 },
  { n: 4, k: 3, m: 19, ldx: 5 },
  { n: 3, k: 5, m: 16, ldx: 5 },
  { n: 8, k: 6, m: 37, ldx: 9 },
  { n: 16, k: 2, m: 50, ldx: 2 },
  { n: 32, k: 4, m: 21, ldx: 4 },
  { n: 0, k: 2, m: 6, ldx: 3 },
];

describe('wasm denseGradMomentumStep', () => {
  for (const nesterov of [false, true]) {
    const kind = nesterov ? 'Nesterov' : 'plain momentum';
    it(`${kind}: matches the float64 step within 1e-6 relative (n 0-32, m not a multiple of 4, k = 1)`, () => {
      for (const c of CASES) {
        const a = arrays(c);
        const got = runKernel(c, a, 0.1, 0.9, nesterov);
        const want = reference(c, a, 0.1, 0.9, nesterov);
        for (const key of ['w', 'v'] as const) {
          const worst = Math.max(
            0,
            ...got[key].map((x, i) => Math.abs(x - want[key][i]!) / Math.max(1, Math.abs(want[key][i]!))),
          );
          expect(worst, `${key}, n ${c.n} k ${c.k} m ${c.m}`).toBeLessThanOrEqual(1e-6);
        }
      }
    });

    it(`${kind}: equals sgdStep bit for bit given the gradient summed in the same order`, () => {
      for (const c of CASES) {
        const a = arrays(c);
        const got = runKernel(c, a, 0.05, 0.7, nesterov);
        const want = sgdStep(a, f32Gradient(c, a), 0.05, 0.7, nesterov);
        expect(got, `n ${c.n} k ${c.k} m ${c.m}`).toEqual(want);
      }
    });
  }

  it('stores a velocity as zero once its next decay would be subnormal, in vector and scalar columns', () => {
    const c = { n: 1, k: 1, m: 6, ldx: 1 };
    const a = {
      x: new Float64Array([1]),
      dz: new Float64Array(6),
      w: new Float64Array(6),
      v: new Float64Array(6),
    };
    a.v.fill(1.4e-38); // ·0.9 = 1.26e-38 is normal, but its next decay ·0.9 would not be
    a.v[1] = a.v[5] = 1e-30;
    const got = runKernel(c, a, 0.1, 0.9, false);
    const kept = Math.fround(Math.fround(1e-30) * Math.fround(0.9));
    expect(got.v).toEqual([0, kept, 0, 0, 0, kept]);
    expect(got.w[0]).toBe(Math.fround(Math.fround(1.4e-38) * Math.fround(0.9))); // this step still moves w
    expect(got.w[4]).toBe(got.w[0]);
  });
});

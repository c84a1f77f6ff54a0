import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, expectGradientsMatchReference } from '../test-utils/gradcheck.js';
import { matmul, tensor, transpose } from './index.js';

// golden: NumPy output of
//   rng = np.random.default_rng(3)
//   a = np.round(rng.uniform(-2, 2, (3, 4)) * 64) / 64
//   b = np.round(rng.uniform(-2, 2, (4, 5)) * 64) / 64
//   ba = np.round(rng.uniform(-2, 2, (2, 3, 4)) * 64) / 64
//   bb = np.round(rng.uniform(-2, 2, (2, 4, 2)) * 64) / 64
//   golden = dict(a=a, b=b, ab=a @ b, aT=a.T, bT=b.T, ba=ba, bb=bb, bab=ba @ bb,
//     row_col=a[:1] @ b[:, :1], col_row=a[:, :1] @ b[:1])
// biome-ignore format: golden values
const MM = {
  a: [[-1.65625, -1.046875, 1.203125, 0.328125], [-1.625, -0.265625, -0.078125, -1.359375], [0.9375, -1.546875, -0.4375, 0.0625]],
  b: [[-0.28125, 0.34375, 0.953125, 1.828125, -0.859375], [0.59375, 0.78125, -0.828125, -2, 1.890625], [-0.8125, -0.75, 1.5625, 0.34375, -0.109375], [1.09375, -1.875, 0.828125, -0.5, -1.640625]],
  ab: [[-0.774414062, -2.90478516, 1.43994141, -0.684570312, -1.22583008], [-1.12402344, 1.84130859, -2.57666016, -1.78662109, 3.13305664], [-0.758300781, -0.675292969, 1.54272461, 4.62597656, -3.78491211]],
  aT: [[-1.65625, -1.625, 0.9375], [-1.046875, -0.265625, -1.546875], [1.203125, -0.078125, -0.4375], [0.328125, -1.359375, 0.0625]],
  bT: [[-0.28125, 0.59375, -0.8125, 1.09375], [0.34375, 0.78125, -0.75, -1.875], [0.953125, -0.828125, 1.5625, 0.828125], [1.828125, -2, 0.34375, -0.5], [-0.859375, 1.890625, -0.109375, -1.640625]],
  ba: [[[0.640625, 1.71875, -1.171875, 0.515625], [-0.8125, 0.96875, 0.890625, -1.125], [1.3125, 0.625, 0.734375, 1.28125]], [[-0.28125, 1.03125, 1.515625, -1.59375], [1.40625, -0.421875, -0.078125, -1.421875], [0.796875, -0.828125, 1.484375, -0.90625]]],
  bb: [[[0.25, -0.40625], [0.453125, -1.21875], [-1.28125, 0.984375], [1.015625, 0.265625]], [[1.6875, -1.171875], [1.40625, -1.328125], [1.859375, 0.5], [0.421875, 1.875]]],
  bab: [[[2.96411133, -3.37158203], [-2.04785156, -0.272705078], [0.971679688, -0.231689453]], [[3.12133789, -3.27050781], [1.03466797, -3.79272461], [2.55786133, -0.791015625]]],
  row_col: [[-0.774414062]],
  col_row: [[0.465820312, -0.569335938, -1.57861328, -3.02783203, 1.42333984], [0.45703125, -0.55859375, -1.54882812, -2.97070312, 1.39648438], [-0.263671875, 0.322265625, 0.893554688, 1.71386719, -0.805664062]],
};

/** Plain triple loop: the reference the blocked kernels are held to. */
function naive(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return c;
}

/** Deterministic values in [-1, 1) that are exact in float32 (multiples of 1/128). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * 256 - 128) / 128;
  });
}

function toRows(flat: number[], m: number, n: number): number[][] {
  return Array.from({ length: m }, (_, i) => flat.slice(i * n, (i + 1) * n));
}

forEachBackend('matmul', (backend) => {
  it('matches numpy for all four transpose combinations', () => {
    on(backend, () => {
      expectClose(matmul(tensor(MM.a), tensor(MM.b)), MM.ab);
      expectClose(matmul(tensor(MM.aT), tensor(MM.b), true, false), MM.ab);
      expectClose(matmul(tensor(MM.a), tensor(MM.bT), false, true), MM.ab);
      expectClose(matmul(tensor(MM.aT), tensor(MM.bT), true, true), MM.ab);
    });
  });
  it('multiplies batched 3-D operands, with transposes', () => {
    on(backend, () => {
      expectClose(matmul(tensor(MM.ba), tensor(MM.bb)), MM.bab);
      const baT = transpose(tensor(MM.ba), [0, 2, 1]);
      const bbT = transpose(tensor(MM.bb), [0, 2, 1]);
      expectClose(matmul(baT, bbT, true, true), MM.bab);
    });
  });
  it('handles dims of size 1', () => {
    on(backend, () => {
      expectClose(matmul(tensor([MM.a[0]!]), tensor(MM.b.map((r) => [r[0]!]))), MM.row_col);
      expectClose(matmul(tensor(MM.a.map((r) => [r[0]!])), tensor([MM.b[0]!])), MM.col_row);
    });
  });
  it.each([
    [37, 53, 29],
    [1, 40, 30],
    [2, 17, 9],
    [3, 64, 65],
    [70, 300, 530],
  ])('m=%i k=%i n=%i matches a naive loop in every transpose combination', (m, k, n) => {
    on(backend, () => {
      const [a, b] = [values(m * k, m + k), values(k * n, n + 7)];
      const expected = toRows(naive(a, b, m, k, n), m, n);
      const tol = { rtol: 1e-5, atol: 1e-5 };
      const [ta, tb] = [tensor(a, [m, k]), tensor(b, [k, n])];
      expectClose(matmul(ta, tb), expected, tol);
      expectClose(matmul(transpose(ta), tb, true, false), expected, tol);
      expectClose(matmul(ta, transpose(tb), false, true), expected, tol);
      expectClose(matmul(transpose(ta), transpose(tb), true, true), expected, tol);
    });
  });
  it('propagates NaN and Infinity even where the other operand is 0', () => {
    on(backend, () => {
      for (const m of [1, 5]) {
        const a = tensor(new Float32Array(m * 4), [m, 4]);
        const b = tensor([NaN, 1, Infinity, 1, 0, 0, 0, 0], [4, 2]);
        expect(matmul(a, b).toArray()).toEqual(Array.from({ length: m }, () => [NaN, 0]));
      }
    });
  });
  it('promotes int32 operands to float32', () => {
    on(backend, () => {
      const r = matmul(tensor([[1, 2]], undefined, 'int32'), tensor([[3], [4]], undefined, 'int32'));
      expect(r.dtype).toBe('float32');
      expect(r.toArray()).toEqual([[11]]);
    });
  });
  it('names the op, both shapes and the mismatch', () => {
    on(backend, () => {
      const z = (shape: number[]) => tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape);
      expect(() => matmul(z([64, 16]), z([24, 32]))).toThrow('matmul [64,16] · [24,32]: inner dims 16 ≠ 24');
      expect(() => matmul(z([16, 64]), z([24, 32]), true)).toThrow(
        'matmul(Aᵀ) [16,64] · [24,32]: inner dims 16 ≠ 24',
      );
      expect(() => matmul(z([2, 3, 4]), z([3, 4, 5]))).toThrow(
        'matmul [2,3,4] · [3,4,5]: batch dim 0 differs',
      );
      expect(() => matmul(z([4]), z([4, 2]))).toThrow('matmul [4] · [4,2]: operands must both have rank ≥ 2');
    });
  });
});

describe('matmul gradients (float64 central differences)', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transA=%s transB=%s', (ta, tb) => {
    checkGradients(
      (a, b) => matmul(a, b, ta, tb),
      [{ shape: ta ? [4, 3] : [3, 4] }, { shape: tb ? [2, 4] : [4, 2] }],
    );
  });
  it('batched and with dims of size 1', () => {
    checkGradients((a, b) => matmul(a, b), [{ shape: [2, 3, 4] }, { shape: [2, 4, 2] }]);
    checkGradients((a, b) => matmul(a, b, true, false), [{ shape: [2, 4, 1] }, { shape: [2, 4, 3] }]);
    checkGradients((a, b) => matmul(a, b), [{ shape: [1, 3] }, { shape: [3, 1] }]);
  });
  it('the same tensor on both sides accumulates both gradients', () => {
    checkGradients((a) => matmul(a, a, false, true), [{ shape: [3, 2] }]);
  });
});

forEachBackend('matmul gradients match the float64 reference', (backend) => {
  it('through the packed kernel (sizes past the small-product path)', () => {
    expectGradientsMatchReference(backend, (a, b) => matmul(a, b), [{ shape: [9, 13] }, { shape: [13, 7] }]);
    expectGradientsMatchReference(backend, (a, b) => matmul(a, b, true, true), [
      { shape: [13, 9] },
      { shape: [7, 13] },
    ]);
  });
});

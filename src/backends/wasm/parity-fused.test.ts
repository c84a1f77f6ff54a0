import { describe, it } from 'vitest';
import type { FusedActivation } from '../../backend/backend.js';
import { f32, type Input, parity, ts, upload } from './test-utils/parity.js';

const ACTS: FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
/** [n, k, m]: odd sizes (every GEMM edge), single rows and columns, the small-M no-pack path, block edges. */
const DENSE_SIZES: [number, number, number][] = [
  [37, 53, 29],
  [1, 40, 17],
  [23, 40, 1],
  [4, 9, 10],
  [16, 300, 33],
  [17, 5, 8],
  [130, 260, 520],
];
// GEMM sums k products in a different order than the reference: relative 1e-5 plus a small absolute
// term for entries that cancel to near zero.
const GEMM_TOL: [number, number] = [1e-5, 1e-5];

describe('wasm parity: matmul', () => {
  it('all four transpose combinations over odd and blocked sizes', () => {
    const sizes: [number, number, number][] = [
      [37, 53, 29],
      [1, 7, 1],
      [5, 1, 9],
      [3, 4, 20],
      [70, 300, 530],
      [128, 784, 40],
    ];
    for (const [m, k, n] of sizes) {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = f32(ta ? [k, m] : [m, k], m + k);
        const b = f32(tb ? [n, k] : [k, n], n + 2 * k);
        parity(
          `matmul ${m}×${k}·${k}×${n} ta=${ta} tb=${tb}`,
          [a, b],
          (be, [x, y]) => be.matmul(x!, y!, ta, tb),
          [{ shape: [m, n], dtype: 'float32' }],
          GEMM_TOL,
        );
      }
    }
  });
  it('batches, and handles empty dims', () => {
    parity(
      'batched',
      [f32([2, 3, 5, 7], 1), f32([2, 3, 6, 7], 2)],
      (b, [x, y]) => b.matmul(x!, y!, false, true),
      [{ shape: [2, 3, 5, 6], dtype: 'float32' }],
      GEMM_TOL,
    );
    parity(
      'k = 0',
      [f32([3, 0], 1), f32([0, 4], 2)],
      (b, [x, y]) => b.matmul(x!, y!, false, false),
      [{ shape: [3, 4], dtype: 'float32' }],
      [0, 0],
    );
    parity(
      'm = 0',
      [f32([0, 5], 1), f32([5, 4], 2)],
      (b, [x, y]) => b.matmul(x!, y!, false, false),
      [{ shape: [0, 4], dtype: 'float32' }],
      [0, 0],
    );
  });
});

describe('wasm parity: dense', () => {
  for (const act of ACTS) {
    it(`forward and backward, ${act}, with and without bias`, () => {
      for (const [n, k, m] of DENSE_SIZES) {
        const x = f32([n, k], n * 7 + k, -2, 2);
        const w = f32([k, m], k * 3 + m, -0.3, 0.3);
        const bias = f32([m], m, -1, 1);
        const dy = f32([n, m], n + m);
        for (const withBias of [true, false]) {
          const what = `dense ${act} ${n}×${k}·${k}×${m} bias=${withBias}`;
          const inputs: Input[] = withBias ? [x, w, bias] : [x, w];
          parity(
            what,
            inputs,
            (b, [xi, wi, bi]) => b.dense!(xi!, wi!, bi ?? null, act),
            [{ shape: [n, m], dtype: 'float32' }],
            GEMM_TOL,
          );
          // The backward takes the forward's y from the reference, so both backends start from the same y.
          const y = { values: forwardOnTs(x, w, withBias ? bias : null, act), shape: [n, m] };
          const outs = [
            { shape: [n, k], dtype: 'float32' as const },
            { shape: [k, m], dtype: 'float32' as const },
            ...(withBias ? [{ shape: [m], dtype: 'float32' as const }] : []),
          ];
          parity(
            `${what} backward`,
            [dy, x, w, y],
            (b, [g, xi, wi, yi]) => {
              const r = b.denseBackward!(g!, xi!, wi!, yi!, act, withBias, true);
              return withBias ? r : { dx: r.dx, dw: r.dw };
            },
            outs,
            GEMM_TOL,
          );
        }
      }
    });
  }
});

function forwardOnTs(x: Input, w: Input, b: Input | null, act: FusedActivation): Float32Array {
  const out = ts.dense!(upload(ts, x), upload(ts, w), b ? upload(ts, b) : null, act);
  return (out as Float32Array).slice();
}

describe('wasm parity: softmax cross-entropy', () => {
  it('loss and probabilities, soft and one-hot targets, rows of every tail length', () => {
    for (const [n, c] of [
      [1, 1],
      [5, 3],
      [7, 4],
      [9, 10],
      [128, 10],
      [3, 37],
    ] as [number, number][]) {
      const logits = f32([n, c], n * c, -20, 20);
      const soft = f32([n, c], n + c, 0, 1);
      const oneHot = {
        values: new Float32Array(n * c).map((_, i) => (i % c === (Math.floor(i / c) * 7) % c ? 1 : 0)),
        shape: [n, c],
      };
      for (const labels of [soft, oneHot]) {
        parity(
          `softmaxCrossEntropy [${n}, ${c}]`,
          [logits, labels],
          (b, [z, t]) => b.softmaxCrossEntropy!(z!, t!),
          [
            { shape: [n], dtype: 'float32' },
            { shape: [n, c], dtype: 'float32' },
          ],
          [2e-6, 1e-7],
        );
      }
    }
  });
});

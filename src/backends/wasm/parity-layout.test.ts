import { describe, it } from 'vitest';
import type { ReduceOp } from '../../backend/backend.js';
import { reducedShape } from '../../tensor/shape.js';
import { f32, type Input, i32, parity } from './test-utils/parity.js';

// Layout results are copies, so they must be bit-identical; sums may differ in rounding order only.

describe('wasm parity: reductions', () => {
  const cases: [number[], number[]][] = [
    [[37], [0]],
    [[6, 9], [1]],
    [[6, 9], [0]],
    [
      [6, 9],
      [0, 1],
    ],
    [[3, 4, 5], [1]],
    [
      [3, 4, 5],
      [0, 2],
    ],
    [
      [2, 3, 4, 5],
      [1, 3],
    ],
    [
      [2, 3, 4, 5],
      [1, 2],
    ],
    [[4, 33], [1]],
    [[5, 0], [1]],
    [[5, 3], []],
  ];
  for (const op of ['sum', 'max', 'min'] as ReduceOp[]) {
    it(`${op} over contiguous and scattered axes, both dtypes`, () => {
      for (const [shape, axes] of cases) {
        const out = reducedShape(shape, axes, false);
        const tol: [number, number] = op === 'sum' ? [1e-5, 1e-6] : [0, 0];
        parity(
          `${op} f32 [${shape}] axes [${axes}]`,
          [f32(shape, 3, -5, 5)],
          (b, [x]) => b.reduce(op, x!, axes),
          [{ shape: out, dtype: 'float32' }],
          tol,
        );
        parity(
          `${op} i32 [${shape}] axes [${axes}]`,
          [i32(shape, 4, -100, 100)],
          (b, [x]) => b.reduce(op, x!, axes),
          [{ shape: out, dtype: 'int32' }],
          [0, 0],
        );
      }
    });
  }
  it('propagates NaN through max and min', () => {
    const x = f32([3, 10], 1);
    x.values[13] = Number.NaN;
    for (const op of ['max', 'min'] as ReduceOp[]) {
      parity(op, [x], (b, [t]) => b.reduce(op, t!, [1]), [{ shape: [3], dtype: 'float32' }], [0, 0]);
      parity(op, [x], (b, [t]) => b.reduce(op, t!, [0]), [{ shape: [10], dtype: 'float32' }], [0, 0]);
    }
  });
  it('argmax along each axis, ties to the first, NaN wins', () => {
    const x = i32([4, 5, 6], 2, -3, 3);
    const xf = f32([4, 5, 6], 3);
    xf.values[7] = Number.NaN;
    for (const axis of [0, 1, 2]) {
      const shape = reducedShape(x.shape, [axis], false);
      parity(
        `argmax i32 axis ${axis}`,
        [x],
        (b, [t]) => b.argmax(t!, axis),
        [{ shape, dtype: 'int32' }],
        [0, 0],
      );
      parity(
        `argmax f32 axis ${axis}`,
        [xf],
        (b, [t]) => b.argmax(t!, axis),
        [{ shape, dtype: 'int32' }],
        [0, 0],
      );
    }
  });
});

describe('wasm parity: layout', () => {
  it('transposes 2-D (SIMD tiles and edges), batched and general permutations', () => {
    const cases: [number[], number[]][] = [
      [
        [37, 53],
        [1, 0],
      ],
      [
        [64, 40],
        [1, 0],
      ],
      [
        [3, 7],
        [0, 1],
      ],
      [
        [5, 9, 6],
        [0, 2, 1],
      ],
      [
        [5, 9, 6],
        [2, 0, 1],
      ],
      [
        [5, 9, 6],
        [1, 0, 2],
      ],
      [
        [2, 3, 4, 5],
        [3, 1, 0, 2],
      ],
      [
        [1, 6, 1, 7],
        [3, 2, 1, 0],
      ],
    ];
    for (const [shape, perm] of cases) {
      const out = perm.map((p) => shape[p]!);
      parity(
        `transpose [${shape}] [${perm}]`,
        [f32(shape, 1)],
        (b, [x]) => b.transpose(x!, perm),
        [{ shape: out, dtype: 'float32' }],
        [0, 0],
      );
      parity(
        `transpose i32 [${shape}]`,
        [i32(shape, 2)],
        (b, [x]) => b.transpose(x!, perm),
        [{ shape: out, dtype: 'int32' }],
        [0, 0],
      );
    }
  });
  it('slices', () => {
    const cases: [number[], number[], number[]][] = [
      [[10], [3], [5]],
      [
        [6, 9],
        [1, 2],
        [4, 5],
      ],
      [
        [6, 9],
        [0, 0],
        [6, 3],
      ],
      [
        [4, 5, 6],
        [1, 0, 2],
        [2, 5, 3],
      ],
      [
        [4, 5, 6],
        [0, 2, 0],
        [4, 1, 6],
      ],
      [
        [4, 5],
        [2, 0],
        [0, 5],
      ],
    ];
    for (const [shape, begin, size] of cases) {
      parity(
        `slice [${shape}] at [${begin}] size [${size}]`,
        [f32(shape, 4)],
        (b, [x]) => b.slice(x!, begin, size),
        [{ shape: size, dtype: 'float32' }],
        [0, 0],
      );
    }
  });
  it('concatenates along every axis', () => {
    const shapes = [
      [2, 3, 4],
      [2, 1, 4],
      [2, 5, 4],
    ];
    parity(
      'concat axis 1',
      shapes.map((s, i) => f32(s, i)),
      (b, xs) => b.concat(xs, 1, [2, 9, 4]),
      [{ shape: [2, 9, 4], dtype: 'float32' }],
      [0, 0],
    );
    parity(
      'concat axis 0',
      [f32([2, 3], 1), f32([4, 3], 2)],
      (b, xs) => b.concat(xs, 0, [6, 3]),
      [{ shape: [6, 3], dtype: 'float32' }],
      [0, 0],
    );
    parity(
      'concat axis 2 i32',
      [i32([3, 2, 1], 1), i32([3, 2, 6], 2)],
      (b, xs) => b.concat(xs, 2, [3, 2, 7]),
      [{ shape: [3, 2, 7], dtype: 'int32' }],
      [0, 0],
    );
  });
  it('pads with a value', () => {
    const cases: [number[], [number, number][]][] = [
      [[5], [[2, 3]]],
      [
        [3, 4],
        [
          [1, 0],
          [0, 2],
        ],
      ],
      [
        [2, 3, 4],
        [
          [0, 1],
          [2, 2],
          [1, 0],
        ],
      ],
      [[], []],
    ];
    for (const [shape, paddings] of cases) {
      const out = shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
      parity(
        `pad [${shape}]`,
        [f32(shape, 5)],
        (b, [x]) => b.pad(x!, paddings, -1.5),
        [{ shape: out, dtype: 'float32' }],
        [0, 0],
      );
    }
  });
  it('gathers and scatter-adds rows along an axis (repeated indices accumulate)', () => {
    const x = f32([5, 4, 3], 6);
    const idx = { values: Int32Array.of(4, 0, 0, 2, 3, 3, 1), shape: [7] };
    const idx2 = { values: Int32Array.of(1, 3, 1, 0, 2, 2), shape: [2, 3] };
    const cases: [number, Input][] = [
      [0, idx],
      [1, idx2],
      [2, { values: Int32Array.of(2, 0), shape: [2] }],
    ];
    for (const [axis, ind] of cases) {
      const shape = [...x.shape.slice(0, axis), ...ind.shape, ...x.shape.slice(axis + 1)];
      parity(
        `gather axis ${axis}`,
        [x, ind],
        (b, [t, i]) => b.gather(t!, i!, axis),
        [{ shape, dtype: 'float32' }],
        [0, 0],
      );
      const u = f32(shape, 7);
      parity(
        `scatterAdd axis ${axis}`,
        [u, ind],
        (b, [t, i]) => b.scatterAdd(t!, i!, axis, x.shape),
        [{ shape: x.shape, dtype: 'float32' }],
        [0, 0],
      );
      const ui = i32(shape, 8);
      parity(
        `scatterAdd i32 axis ${axis}`,
        [ui, ind],
        (b, [t, i]) => b.scatterAdd(t!, i!, axis, x.shape),
        [{ shape: x.shape, dtype: 'int32' }],
        [0, 0],
      );
    }
    // Rows of 1–300 floats: the vector copy with and without a scalar tail, and memory.copy above 1 KB.
    for (const inner of [1, 4, 5, 16, 255, 256, 257, 300]) {
      parity(
        `gather rows of ${inner} floats`,
        [f32([3, inner], inner), { values: Int32Array.of(2, 0, 2, 1), shape: [4] }],
        (b, [t, i]) => b.gather(t!, i!, 0),
        [{ shape: [4, inner], dtype: 'float32' }],
        [0, 0],
      );
      parity(
        `slice rows of ${inner} floats`,
        [f32([4, inner + 2], inner)],
        (b, [t]) => b.slice(t!, [1, 1], [3, inner]),
        [{ shape: [3, inner], dtype: 'float32' }],
        [0, 0],
      );
    }
    parity(
      'gather empty',
      [x, { values: new Int32Array(0), shape: [0] }],
      (b, [t, i]) => b.gather(t!, i!, 0),
      [{ shape: [0, 4, 3], dtype: 'float32' }],
      [0, 0],
    );
  });
});

import { describe, it } from 'vitest';
import type { Backend, BinaryOp, CompareOp, TensorInfo, UnaryOp } from '../../backend/backend.js';
import { broadcastShapes, sizeOf } from '../../tensor/shape.js';
import { f32, type Input, i32, parity, rand } from './test-utils/parity.js';

const UNARY: UnaryOp[] = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'square',
  'abs',
  'sign',
  'reciprocal',
  'tanh',
  'sigmoid',
];
const UNARY_PIECEWISE: UnaryOp[] = ['relu', 'step', 'floor', 'round'];
const INT_UNARY: UnaryOp[] = ['neg', 'square', 'abs', 'sign', 'relu', 'step', 'floor', 'round'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
const INT_BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'maximum', 'minimum'];
const COMPARE: CompareOp[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
/** Only exp, tanh and sigmoid are polynomials; every other elementwise result is bit-identical. */
const APPROX = new Set<UnaryOp>(['exp', 'tanh', 'sigmoid']);

/** Shape pairs covering each broadcast path: same shape, scalars, trailing vectors, outer products. */
const PAIRS: [number[], number[]][] = [
  [[37], [37]],
  [
    [5, 7],
    [5, 7],
  ],
  [[5, 7], []],
  [[], [5, 7]],
  [[6, 9], [9]],
  [[9], [6, 9]],
  [
    [6, 1],
    [1, 9],
  ],
  [
    [4, 1, 3],
    [5, 1],
  ],
  [
    [2, 3, 5],
    [3, 1],
  ],
  [[1], [13]],
  [
    [3, 0],
    [3, 1],
  ],
];

/** Values with the special cases mixed in: ±0, ±Infinity, NaN, halves (rounding) and repeats (ties). */
function special(shape: number[], seed: number): Input {
  const values = rand(sizeOf(shape), seed, -3, 3).map((v) => Math.round(v * 4) / 4);
  const extras = [0, -0, 0.5, -0.5, 1.5, -2.5, Infinity, -Infinity, Number.NaN, 1e-30, -1e30];
  extras.forEach((v, i) => {
    if (i * 3 < values.length) values[i * 3] = v;
  });
  return { values, shape };
}

describe('wasm parity: unary', () => {
  for (const op of [...UNARY, ...UNARY_PIECEWISE]) {
    it(`${op} float32`, () => {
      const tol: [number, number] = APPROX.has(op) ? [1e-6, 1e-30] : [0, 0];
      for (const n of [1, 3, 4, 37, 1000]) {
        const x = op === 'log' || op === 'sqrt' || op === 'rsqrt' ? f32([n], n, 0, 10) : f32([n], n, -10, 10);
        parity(`${op} [${n}]`, [x], (b, [a]) => b.unary(op, a!), [{ shape: [n], dtype: 'float32' }], tol);
      }
      parity(
        `${op} specials`,
        [special([50], 3)],
        (b, [a]) => b.unary(op, a!),
        [{ shape: [50], dtype: 'float32' }],
        tol,
      );
    });
  }
  for (const op of INT_UNARY) {
    it(`${op} int32`, () => {
      parity(
        `${op}`,
        [i32([29], 5, -20, 20)],
        (b, [a]) => b.unary(op, a!),
        [{ shape: [29], dtype: 'int32' }],
        [0, 0],
      );
    });
  }
});

describe('wasm parity: binary, compare, where', () => {
  for (const op of BINARY) {
    it(`${op} float32 over every broadcast pattern`, () => {
      for (const [sa, sb] of PAIRS) {
        const shape = broadcastShapes(op, sa, sb);
        const a = op === 'pow' ? f32(sa, 1, 0.1, 3) : f32(sa, 1, -4, 4);
        parity(
          `${op} [${sa}]·[${sb}]`,
          [a, f32(sb, 2, -4, 4)],
          (b, [x, y]) => b.binary(op, x!, y!, shape),
          [{ shape, dtype: 'float32' }],
          [0, 0],
        );
      }
      const shape = [7, 50];
      parity(
        `${op} specials`,
        [special([7, 50], 4), special([50], 9)],
        (b, [x, y]) => b.binary(op, x!, y!, shape),
        [{ shape, dtype: 'float32' }],
        [0, 0],
      );
    });
  }
  for (const op of INT_BINARY) {
    it(`${op} int32`, () => {
      for (const [sa, sb] of PAIRS) {
        const shape = broadcastShapes(op, sa, sb);
        parity(
          `${op} [${sa}]·[${sb}]`,
          [i32(sa, 3, -50, 50), i32(sb, 4, -50, 50)],
          (b, [x, y]) => b.binary(op, x!, y!, shape),
          [{ shape, dtype: 'int32' }],
          [0, 0],
        );
      }
    });
  }
  for (const op of COMPARE) {
    it(`${op} on float32 (with NaN and ties) and int32`, () => {
      for (const [sa, sb] of PAIRS) {
        const shape = broadcastShapes(op, sa, sb);
        const out = [{ shape, dtype: 'int32' as const }];
        parity(
          `${op} f32`,
          [special(sa, 5), special(sb, 5)],
          (b, [x, y]) => b.compare(op, x!, y!, shape),
          out,
          [0, 0],
        );
        parity(
          `${op} i32`,
          [i32(sa, 6, -2, 2), i32(sb, 7, -2, 2)],
          (b, [x, y]) => b.compare(op, x!, y!, shape),
          out,
          [0, 0],
        );
      }
    });
  }
  it('where broadcasts all three operands, both dtypes', () => {
    const cases: [number[], number[], number[]][] = [
      [[23], [23], [23]],
      [[4, 1], [1, 9], []],
      [[9], [4, 9], [4, 1]],
      [[2, 1, 5], [3, 1], [5]],
    ];
    for (const [sc, sa, sb] of cases) {
      const shape = broadcastShapes('where', sc, broadcastShapes('where', sa, sb));
      const fn = (b: Backend, [c, x, y]: TensorInfo[]) => b.where(c!, x!, y!, shape);
      parity(
        'where f32',
        [i32(sc, 1, 0, 2), f32(sa, 2), f32(sb, 3)],
        fn,
        [{ shape, dtype: 'float32' }],
        [0, 0],
      );
      parity(
        'where i32',
        [i32(sc, 4, 0, 2), i32(sa, 5), i32(sb, 6)],
        fn,
        [{ shape, dtype: 'int32' }],
        [0, 0],
      );
    }
  });
});

describe('wasm parity: cast and fill', () => {
  it('casts both ways (truncation toward zero, NaN → 0)', () => {
    const x = special([40], 8);
    x.values.forEach((v, i) => {
      if (!Number.isFinite(v) && !Number.isNaN(v)) x.values[i] = 7.75 * Math.sign(v);
    });
    parity('f32→i32', [x], (b, [a]) => b.cast(a!, 'int32'), [{ shape: [40], dtype: 'int32' }], [0, 0]);
    parity(
      'i32→f32',
      [i32([40], 9, -1e6, 1e6)],
      (b, [a]) => b.cast(a!, 'float32'),
      [{ shape: [40], dtype: 'float32' }],
      [0, 0],
    );
    parity(
      'f32→f32',
      [f32([5], 1)],
      (b, [a]) => b.cast(a!, 'float32'),
      [{ shape: [5], dtype: 'float32' }],
      [0, 0],
    );
  });
  it('fills', () => {
    parity('fill f32', [], (b) => b.fill(13, -2.5, 'float32'), [{ shape: [13], dtype: 'float32' }], [0, 0]);
    parity('fill i32', [], (b) => b.fill(6, 7.9, 'int32'), [{ shape: [6], dtype: 'int32' }], [0, 0]);
    parity('fill empty', [], (b) => b.fill(0, 1, 'float32'), [{ shape: [0], dtype: 'float32' }], [0, 0]);
  });
});

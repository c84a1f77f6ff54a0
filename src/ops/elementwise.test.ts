import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, expectGradientsMatchReference } from '../test-utils/gradcheck.js';
import {
  abs,
  add,
  cast,
  clip,
  div,
  equal,
  exp,
  floor,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sqrt,
  square,
  step,
  sub,
  tanh,
  tensor,
  where,
} from './index.js';

// Inputs are multiples of 1/64, exact in float32, so numpy's float64 results are the true values.
// golden: NumPy output of
//   rng = np.random.default_rng(0)
//   x = np.round(rng.uniform(-2, 2, (3, 4)) * 64) / 64
//   p = np.round(rng.uniform(0.1, 3, (3, 4)) * 64) / 64
//   h = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.75, 0.25])
//   golden = dict(x=x, p=p, neg=-x, exp=np.exp(x), square=np.square(x), abs=np.abs(x), tanh=np.tanh(x),
//     sigmoid=1 / (1 + np.exp(-x)), relu=np.maximum(x, 0), sign=np.sign(x), floor=np.floor(x),
//     log=np.log(p), sqrt=np.sqrt(p), rsqrt=1 / np.sqrt(p), reciprocal=1 / p, h=h, round=np.round(h))
// biome-ignore format: golden values
const UNARY = {
  x: [[0.546875, -0.921875, -1.84375, -1.9375], [1.25, 1.65625, 0.421875, 0.921875], [0.171875, 1.734375, 1.265625, -1.984375]],
  p: [[2.59375, 0.203125, 2.21875, 0.609375], [2.609375, 1.671875, 0.96875, 1.328125], [0.1875, 0.453125, 2.046875, 1.984375]],
  neg: [[-0.546875, 0.921875, 1.84375, 1.9375], [-1.25, -1.65625, -0.421875, -0.921875], [-0.171875, -1.734375, -1.265625, 1.984375]],
  exp: [[1.72784506, 0.397772518, 0.158222976, 0.144063659], [3.49034296, 5.23962536, 1.52481791, 2.51399972], [1.18752938, 5.66538583, 3.54530786, 0.137466504]],
  square: [[0.299072266, 0.849853516, 3.39941406, 3.75390625], [1.5625, 2.74316406, 0.177978516, 0.849853516], [0.0295410156, 3.00805664, 1.60180664, 3.93774414]],
  abs: [[0.546875, 0.921875, 1.84375, 1.9375], [1.25, 1.65625, 0.421875, 0.921875], [0.171875, 1.734375, 1.265625, 1.984375]],
  tanh: [[0.498174426, -0.72678322, -0.95115382, -0.959335293], [0.84828364, 0.929710307, 0.398508842, 0.72678322], [0.170202308, 0.939570826, 0.852607461, -0.962906871]],
  sigmoid: [[0.633410264, 0.284576004, 0.13660839, 0.125922765], [0.777299861, 0.839733968, 0.603931834, 0.715423996], [0.542863283, 0.849971176, 0.7799929, 0.120853232]],
  relu: [[0.546875, 0, 0, 0], [1.25, 1.65625, 0.421875, 0.921875], [0.171875, 1.734375, 1.265625, 0]],
  sign: [[1, -1, -1, -1], [1, 1, 1, 1], [1, 1, 1, -1]],
  floor: [[0, -1, -2, -2], [1, 1, 0, 0], [0, 1, 1, -2]],
  log: [[0.953104705, -1.59393373, 0.796943974, -0.495321437], [0.959110729, 0.513945751, -0.0317486983, 0.283768173], [-1.67397643, -0.791587253, 0.71631424, 0.685304003]],
  sqrt: [[1.61051234, 0.450693909, 1.48954691, 0.78062475], [1.615356, 1.29301005, 0.984250984, 1.15244306], [0.433012702, 0.673145601, 1.43069039, 1.40867846]],
  rsqrt: [[0.620920421, 2.21880078, 0.671345087, 1.28102523], [0.619058586, 0.773389191, 1.01600102, 0.867721831], [2.30940108, 1.48556271, 0.698963245, 0.709885208]],
  reciprocal: [[0.385542169, 4.92307692, 0.450704225, 1.64102564], [0.383233533, 0.598130841, 1.03225806, 0.752941176], [5.33333333, 2.20689655, 0.488549618, 0.503937008]],
  h: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.75, 0.25],
  round: [-2, -2, -0, 0, 2, 2, -1, 0],
};

// golden: NumPy output of
//   rng = np.random.default_rng(1)
//   a = np.round(rng.uniform(-2, 2, (3, 4)) * 64) / 64
//   b = np.round(rng.uniform(0.5, 2, (3, 4)) * 64) / 64 * np.where(rng.uniform(size=(3, 4)) < 0.5, -1, 1)
//   p = np.round(rng.uniform(0.1, 3, (3, 4)) * 64) / 64
//   golden = dict(a=a, b=b, p=p, add=a + b, sub=a - b, mul=a * b, div=a / b, pow=p ** b,
//     maximum=np.maximum(a, b), minimum=np.minimum(a, b))
// biome-ignore format: golden values
const BINARY = {
  a: [[0.046875, 1.796875, -1.421875, 1.796875], [-0.75, -0.3125, 1.3125, -0.359375], [0.203125, -1.890625, 1.015625, 0.15625]],
  b: [[1, 1.6875, 0.953125, -1.1875], [-0.703125, 1.109375, 0.8125, -0.890625], [1.625, 0.921875, 1.234375, 1.96875]],
  p: [[0.21875, 1.640625, 1.4375, 0.28125], [1.953125, 2.578125, 1.8125, 0.859375], [2.53125, 1.578125, 1.578125, 2.28125]],
  add: [[1.046875, 3.484375, -0.46875, 0.609375], [-1.453125, 0.796875, 2.125, -1.25], [1.828125, -0.96875, 2.25, 2.125]],
  sub: [[-0.953125, 0.109375, -2.375, 2.984375], [-0.046875, -1.421875, 0.5, 0.53125], [-1.421875, -2.8125, -0.21875, -1.8125]],
  mul: [[0.046875, 3.03222656, -1.35522461, -2.13378906], [0.52734375, -0.346679688, 1.06640625, 0.320068359], [0.330078125, -1.74291992, 1.25366211, 0.307617188]],
  div: [[0.046875, 1.06481481, -1.49180328, -1.51315789], [1.06666667, -0.281690141, 1.61538462, 0.403508772], [0.125, -2.05084746, 0.82278481, 0.0793650794]],
  pow: [[0.21875, 2.30583505, 1.41325323, 4.51027081], [0.624569024, 2.85950159, 1.62125335, 1.14450717], [4.52292557, 1.52286569, 1.75622757, 5.07169188]],
  maximum: [[1, 1.796875, 0.953125, 1.796875], [-0.703125, 1.109375, 1.3125, -0.359375], [1.625, 0.921875, 1.234375, 1.96875]],
  minimum: [[0.046875, 1.6875, -1.421875, -1.1875], [-0.75, -0.3125, 0.8125, -0.890625], [0.203125, -1.890625, 1.015625, 0.15625]],
};

// golden: NumPy output of
//   c = np.array([[1.5], [-2.0], [0.25]])
//   r = np.array([[1.0, 2.0, 3.0, 4.0]])
//   t = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8
//   v = np.array([1.0, -1.0, 0.5, 2.0])
//   u = np.arange(8, dtype=np.float64).reshape(2, 1, 4) - 3
//   w = np.array([[2.0], [-1.0], [0.5]])
//   golden = dict(c=c, r=r, t=t, v=v, u=u, w=w, col_plus_row=c + r, t_plus_v=t + v, u_times_w=u * w,
//     three_minus_t=3 - t, v_div_two=v / 2, col_pow_row=np.abs(c) ** r)
// biome-ignore format: golden values
const BROADCAST = {
  c: [[1.5], [-2], [0.25]],
  r: [[1, 2, 3, 4]],
  t: [[[0, 0.125, 0.25, 0.375], [0.5, 0.625, 0.75, 0.875], [1, 1.125, 1.25, 1.375]], [[1.5, 1.625, 1.75, 1.875], [2, 2.125, 2.25, 2.375], [2.5, 2.625, 2.75, 2.875]]],
  v: [1, -1, 0.5, 2],
  u: [[[-3, -2, -1, 0]], [[1, 2, 3, 4]]],
  w: [[2], [-1], [0.5]],
  col_plus_row: [[2.5, 3.5, 4.5, 5.5], [-1, 0, 1, 2], [1.25, 2.25, 3.25, 4.25]],
  t_plus_v: [[[1, -0.875, 0.75, 2.375], [1.5, -0.375, 1.25, 2.875], [2, 0.125, 1.75, 3.375]], [[2.5, 0.625, 2.25, 3.875], [3, 1.125, 2.75, 4.375], [3.5, 1.625, 3.25, 4.875]]],
  u_times_w: [[[-6, -4, -2, 0], [3, 2, 1, -0], [-1.5, -1, -0.5, 0]], [[2, 4, 6, 8], [-1, -2, -3, -4], [0.5, 1, 1.5, 2]]],
  three_minus_t: [[[3, 2.875, 2.75, 2.625], [2.5, 2.375, 2.25, 2.125], [2, 1.875, 1.75, 1.625]], [[1.5, 1.375, 1.25, 1.125], [1, 0.875, 0.75, 0.625], [0.5, 0.375, 0.25, 0.125]]],
  v_div_two: [0.5, -0.5, 0.25, 1],
  col_pow_row: [[1.5, 2.25, 3.375, 5.0625], [2, 4, 8, 16], [0.25, 0.0625, 0.015625, 0.00390625]],
};

forEachBackend('unary elementwise', (backend) => {
  const x = () => tensor(UNARY.x);
  const p = () => tensor(UNARY.p);
  it.each([
    ['neg', neg, 'neg'],
    ['exp', exp, 'exp'],
    ['square', square, 'square'],
    ['abs', abs, 'abs'],
    ['tanh', tanh, 'tanh'],
    ['sigmoid', sigmoid, 'sigmoid'],
    ['relu', relu, 'relu'],
    ['sign', sign, 'sign'],
    ['floor', floor, 'floor'],
  ] as const)('%s matches numpy', (_name, op, key) => {
    on(backend, () => expectClose(op(x()), UNARY[key]));
  });
  it.each([
    ['log', log, 'log'],
    ['sqrt', sqrt, 'sqrt'],
    ['rsqrt', rsqrt, 'rsqrt'],
    ['reciprocal', reciprocal, 'reciprocal'],
  ] as const)('%s matches numpy on positive inputs', (_name, op, key) => {
    on(backend, () => expectClose(op(p()), UNARY[key]));
  });
  it('round rounds half to even, as numpy does', () => {
    on(backend, () => expectClose(round(tensor(UNARY.h)), UNARY.round));
  });
  it('step is 1 where x > 0 and 0 elsewhere (including 0)', () => {
    on(backend, () => expect(step(tensor([-1, 0, 2])).toArray()).toEqual([0, 0, 1]));
  });
  it('relu keeps NaN, as np.maximum(x, 0) does', () => {
    on(backend, () => expectClose(relu(tensor([NaN, -1, 0, 2])), [NaN, 0, 0, 2]));
  });
  it('sigmoid saturates without overflow', () => {
    on(backend, () => expect(sigmoid(tensor([-1000, 0, 1000])).toArray()).toEqual([0, 0.5, 1]));
  });
  it('float-only ops promote int32 input; int-safe ops keep int32', () => {
    on(backend, () => {
      const i = tensor([1, -2, 4], undefined, 'int32');
      expect(exp(i).dtype).toBe('float32');
      expect(sqrt(tensor([4, 9], undefined, 'int32')).toArray()).toEqual([2, 3]);
      expect(neg(i).dtype).toBe('int32');
      expect(abs(i).toArray()).toEqual([1, 2, 4]);
      expect(square(i).dtype).toBe('int32');
    });
  });
});

forEachBackend('binary elementwise', (backend) => {
  it.each([
    ['add', add],
    ['sub', sub],
    ['mul', mul],
    ['div', div],
    ['maximum', maximum],
    ['minimum', minimum],
  ] as const)('%s matches numpy', (name, op) => {
    on(backend, () => expectClose(op(tensor(BINARY.a), tensor(BINARY.b)), BINARY[name]));
  });
  it('pow matches numpy for positive bases', () => {
    on(backend, () => expectClose(pow(tensor(BINARY.p), tensor(BINARY.b)), BINARY.pow, { rtol: 2e-6 }));
  });
  it('broadcasts [3,1]+[1,4], [2,3,4]+[4], [2,1,4]*[3,1] and scalars as numpy', () => {
    on(backend, () => {
      const B = BROADCAST;
      expectClose(add(tensor(B.c), tensor(B.r)), B.col_plus_row);
      expectClose(add(tensor(B.t), tensor(B.v)), B.t_plus_v);
      expectClose(add(tensor(B.v), tensor(B.t)), B.t_plus_v);
      expectClose(mul(tensor(B.u), tensor(B.w)), B.u_times_w);
      expectClose(mul(tensor(B.w), tensor(B.u)), B.u_times_w);
      expectClose(sub(3, tensor(B.t)), B.three_minus_t);
      expectClose(div(tensor(B.v), 2), B.v_div_two);
      expectClose(pow(abs(tensor(B.c)), tensor(B.r)), B.col_pow_row);
      expectClose(add(tensor(2), tensor(3)), 5);
    });
  });
  it('promotes int32 with float32 to float32 and keeps int32 ops int32', () => {
    on(backend, () => {
      const i = tensor([1, 2, 3], undefined, 'int32');
      const f = tensor([0.5, 0.5, 0.5]);
      expect(add(i, f).dtype).toBe('float32');
      expect(add(i, f).toArray()).toEqual([1.5, 2.5, 3.5]);
      expect(mul(i, i).dtype).toBe('int32');
      expect(sub(i, 1).dtype).toBe('int32');
      expect(add(i, 1.5).dtype).toBe('float32');
      expect(maximum(i, 2).toArray()).toEqual([2, 2, 3]);
      expect(maximum(i, 2).dtype).toBe('int32');
    });
  });
  it('int32 / int32 is true division in float32, as in numpy', () => {
    on(backend, () => {
      const q = div(tensor([7, -7, 1], undefined, 'int32'), tensor([2, 2, 3], undefined, 'int32'));
      expect(q.dtype).toBe('float32');
      expectClose(q, [3.5, -3.5, 1 / 3]);
    });
  });
  it('division by zero gives ±Infinity and NaN as in IEEE arithmetic', () => {
    on(backend, () => expectClose(div(tensor([1, -1, 0]), 0), [Infinity, -Infinity, NaN]));
  });
  it('maximum and minimum propagate NaN', () => {
    on(backend, () => {
      expectClose(maximum(tensor([NaN, 1]), tensor([0, NaN])), [NaN, NaN]);
      expectClose(minimum(tensor([NaN, 1]), tensor([0, NaN])), [NaN, NaN]);
    });
  });
  it('names the op and both shapes when shapes cannot broadcast', () => {
    on(backend, () => {
      expect(() => add(tensor([[1, 2, 3]]), tensor([1, 2]))).toThrow(
        'add [1,3] · [2]: cannot broadcast dim 3 against 2',
      );
      expect(() =>
        mul(
          tensor([[1], [2]]),
          tensor([
            [1, 2, 3],
            [4, 5, 6],
            [7, 8, 9],
          ]),
        ),
      ).toThrow('mul [2,1] · [3,3]: cannot broadcast dim 2 against 3');
    });
  });
});

forEachBackend('compare, where, clip, cast', (backend) => {
  it('compares with broadcasting and returns int32 0/1', () => {
    on(backend, () => {
      const a = tensor([[1, 2, 3]]);
      const b = tensor([[2], [3]]);
      const lt = less(a, b);
      expect(lt.dtype).toBe('int32');
      expect(lt.toArray()).toEqual([
        [1, 0, 0],
        [1, 1, 0],
      ]);
      expect(lessEqual(a, b).toArray()).toEqual([
        [1, 1, 0],
        [1, 1, 1],
      ]);
      expect(greater(a, 2).toArray()).toEqual([[0, 0, 1]]);
      expect(greaterEqual(a, 2).toArray()).toEqual([[0, 1, 1]]);
      expect(equal(a, b).toArray()).toEqual([
        [0, 1, 0],
        [0, 0, 1],
      ]);
      expect(notEqual(a, 2).toArray()).toEqual([[1, 0, 1]]);
      expect(equal(tensor([NaN]), tensor([NaN])).toArray()).toEqual([0]);
    });
  });
  it('where broadcasts cond, a and b together', () => {
    on(backend, () => {
      const cond = tensor([[1], [0]], undefined, 'int32');
      expect(where(cond, tensor([1, 2, 3]), -1).toArray()).toEqual([
        [1, 2, 3],
        [-1, -1, -1],
      ]);
      expect(
        where(tensor([1, 0, 1], undefined, 'int32'), tensor([[1], [2]]), tensor([[10], [20]])).toArray(),
      ).toEqual([
        [1, 10, 1],
        [2, 20, 2],
      ]);
    });
  });
  it('where treats any non-zero float condition as true', () => {
    on(backend, () => expect(where(tensor([0.5, 0, -2]), 1, 2).toArray()).toEqual([1, 2, 1]));
  });
  it('clip limits to [lo, hi]', () => {
    on(backend, () => expectClose(clip(tensor([-2, -0.5, 0.25, 3]), -1, 1), [-1, -0.5, 0.25, 1]));
  });
  it('cast float → int32 truncates toward zero; int32 → float32 is exact', () => {
    on(backend, () => {
      const i = cast(tensor([-2.7, -0.5, 0.5, 1.9, 3]), 'int32');
      expect(i.dtype).toBe('int32');
      expect(i.toArray()).toEqual([-2, 0, 0, 1, 3]);
      expect(cast(tensor([1, 2], undefined, 'int32'), 'float32').dtype).toBe('float32');
    });
  });
});

describe('elementwise gradients (float64 central differences)', () => {
  const s34 = { shape: [3, 4] };
  const positive = { shape: [3, 4], values: [0.5, 1.2, 2.3, 0.7, 1.1, 1.9, 0.3, 2.8, 1.4, 0.9, 2.2, 1.6] };
  it.each([
    ['neg', neg],
    ['exp', exp],
    ['square', square],
    ['tanh', tanh],
    ['sigmoid', sigmoid],
  ] as const)('%s', (_n, op) => checkGradients((x) => op(x), [s34]));
  it.each([
    ['log', log],
    ['sqrt', sqrt],
    ['rsqrt', rsqrt],
    ['reciprocal', reciprocal],
  ] as const)('%s on positive inputs', (_n, op) => checkGradients((x) => op(x), [positive]));
  it('abs and relu away from 0', () => {
    const values = [-1.5, -0.3, 0.2, 1.1, -0.7, 0.9];
    checkGradients((x) => abs(x), [{ shape: [6], values }]);
    checkGradients((x) => relu(x), [{ shape: [6], values }]);
  });
  it.each([
    ['add', add],
    ['sub', sub],
    ['mul', mul],
    ['maximum', maximum],
    ['minimum', minimum],
  ] as const)('%s with equal shapes', (_n, op) => checkGradients((a, b) => op(a, b), [s34, s34]));
  it('div and pow', () => {
    checkGradients((a, b) => div(a, b), [s34, positive]);
    checkGradients((a, b) => pow(a, b), [positive, s34]);
  });
  it('broadcasting binary ops sum gradients back to each input shape', () => {
    checkGradients((a, b) => add(a, b), [{ shape: [3, 1] }, { shape: [1, 4] }]);
    checkGradients((a, b) => sub(a, b), [{ shape: [2, 3, 4] }, { shape: [4] }]);
    checkGradients((a, b) => mul(a, b), [{ shape: [2, 1, 4] }, { shape: [3, 1] }]);
    checkGradients((a, b) => div(a, b), [{ shape: [2, 3] }, { shape: [], values: [1.7] }]);
    checkGradients((a, b) => pow(a, b), [{ shape: [3, 1], values: [0.5, 1.5, 2] }, { shape: [1, 2] }]);
  });
  it('where routes the gradient to the chosen branch, with broadcasting', () => {
    const cond = { shape: [2, 3], dtype: 'int32' as const, values: [1, 0, 1, 0, 0, 1] };
    checkGradients((c, a, b) => where(c, a, b), [cond, { shape: [2, 3] }, { shape: [3] }]);
  });
  it('clip passes the gradient inside the range only', () => {
    checkGradients((x) => clip(x, -0.5, 0.5), [{ shape: [5], values: [-0.9, -0.2, 0.1, 0.4, 0.8] }]);
  });
  it('cast to float32 from float32 is the identity for gradients', () => {
    checkGradients((x) => mul(cast(x, 'float32'), 2), [{ shape: [3] }]);
  });
});

forEachBackend('elementwise gradients match the float64 reference', (backend) => {
  it('tanh, sigmoid, relu, mul and broadcasting add', () => {
    expectGradientsMatchReference(backend, (x) => tanh(x), [{ shape: [3, 4] }]);
    expectGradientsMatchReference(backend, (x) => sigmoid(x), [{ shape: [3, 4] }]);
    expectGradientsMatchReference(backend, (x) => relu(x), [{ shape: [3, 4] }]);
    expectGradientsMatchReference(backend, (a, b) => mul(a, b), [{ shape: [2, 3] }, { shape: [3] }]);
    expectGradientsMatchReference(backend, (a, b) => add(a, b), [{ shape: [3, 1] }, { shape: [1, 4] }]);
  });
});

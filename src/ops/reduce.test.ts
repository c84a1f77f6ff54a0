import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, expectGradientsMatchReference } from '../test-utils/gradcheck.js';
import { argmax, max, mean, min, sum, tensor } from './index.js';

// golden: NumPy output of
//   rng = np.random.default_rng(2)
//   x = np.round(rng.uniform(-2, 2, (2, 3, 4)) * 64) / 64
//   golden = dict(x=x,
//     sum0=x.sum(0), sum1=x.sum(1), sum2=x.sum(2), sum02=x.sum((0, 2)), sum12=x.sum((1, 2)),
//     sum_all=x.sum(), sum1_keep=x.sum(1, keepdims=True), sum02_keep=x.sum((0, 2), keepdims=True),
//     mean0=x.mean(0), mean2=x.mean(-1), mean02=x.mean((0, 2)), mean_all=x.mean(),
//     mean_all_keep=x.mean(keepdims=True),
//     max0=x.max(0), max1=x.max(1), max2=x.max(2), max02=x.max((0, 2)), max_all=x.max(),
//     min0=x.min(0), min1=x.min(1), min2=x.min(2), min01=x.min((0, 1)), min_all=x.min(),
//     argmax0=x.argmax(0), argmax1=x.argmax(1), argmax2=x.argmax(2))
// biome-ignore format: golden values
const RED = {
  x: [[[-0.953125, -0.8125, 1.25, -1.625], [0.40625, 0.921875, -1.25, -1.78125], [-0.90625, 0.625, 0.25, -1.40625]], [[-0.265625, 0.671875, -0.3125, 0.53125], [1.875, 0.734375, -0.4375, -1.25], [-0.609375, 0.046875, 1.5625, 1.109375]]],
  sum0: [[-1.21875, -0.140625, 0.9375, -1.09375], [2.28125, 1.65625, -1.6875, -3.03125], [-1.515625, 0.671875, 1.8125, -0.296875]],
  sum1: [[-1.453125, 0.734375, 0.25, -4.8125], [1, 1.453125, 0.8125, 0.390625]],
  sum2: [[-2.140625, -1.703125, -1.4375], [0.625, 0.921875, 2.109375]],
  sum02: [-1.515625, -0.78125, 0.671875],
  sum12: [-5.28125, 3.65625],
  sum_all: -1.625,
  sum1_keep: [[[-1.453125, 0.734375, 0.25, -4.8125]], [[1, 1.453125, 0.8125, 0.390625]]],
  sum02_keep: [[[-1.515625], [-0.78125], [0.671875]]],
  mean0: [[-0.609375, -0.0703125, 0.46875, -0.546875], [1.140625, 0.828125, -0.84375, -1.515625], [-0.7578125, 0.3359375, 0.90625, -0.1484375]],
  mean2: [[-0.53515625, -0.42578125, -0.359375], [0.15625, 0.23046875, 0.52734375]],
  mean02: [-0.189453125, -0.09765625, 0.083984375],
  mean_all: -0.0677083333,
  mean_all_keep: [[[-0.0677083333]]],
  max0: [[-0.265625, 0.671875, 1.25, 0.53125], [1.875, 0.921875, -0.4375, -1.25], [-0.609375, 0.625, 1.5625, 1.109375]],
  max1: [[0.40625, 0.921875, 1.25, -1.40625], [1.875, 0.734375, 1.5625, 1.109375]],
  max2: [[1.25, 0.921875, 0.625], [0.671875, 1.875, 1.5625]],
  max02: [1.25, 1.875, 1.5625],
  max_all: 1.875,
  min0: [[-0.953125, -0.8125, -0.3125, -1.625], [0.40625, 0.734375, -1.25, -1.78125], [-0.90625, 0.046875, 0.25, -1.40625]],
  min1: [[-0.953125, -0.8125, -1.25, -1.78125], [-0.609375, 0.046875, -0.4375, -1.25]],
  min2: [[-1.625, -1.78125, -1.40625], [-0.3125, -1.25, -0.609375]],
  min01: [-0.953125, -0.8125, -1.25, -1.78125],
  min_all: -1.78125,
  argmax0: [[1, 1, 0, 1], [1, 0, 1, 1], [1, 0, 1, 1]],
  argmax1: [[1, 1, 0, 2], [1, 1, 2, 2]],
  argmax2: [[2, 1, 1], [1, 0, 2]],
};

forEachBackend('reductions', (backend) => {
  const x = () => tensor(RED.x);
  it('sum over single axes, multiple axes (incl. non-contiguous), all axes and keepDims', () => {
    on(backend, () => {
      expectClose(sum(x(), 0), RED.sum0);
      expectClose(sum(x(), 1), RED.sum1);
      expectClose(sum(x(), 2), RED.sum2);
      expectClose(sum(x(), -1), RED.sum2);
      expectClose(sum(x(), [0, 2]), RED.sum02);
      expectClose(sum(x(), [2, 0]), RED.sum02);
      expectClose(sum(x(), [1, 2]), RED.sum12);
      expectClose(sum(x()), RED.sum_all);
      expectClose(sum(x(), 1, true), RED.sum1_keep);
      expectClose(sum(x(), [0, 2], true), RED.sum02_keep);
    });
  });
  it('mean', () => {
    on(backend, () => {
      expectClose(mean(x(), 0), RED.mean0);
      expectClose(mean(x(), -1), RED.mean2);
      expectClose(mean(x(), [0, 2]), RED.mean02);
      expectClose(mean(x()), RED.mean_all);
      expectClose(mean(x(), undefined, true), RED.mean_all_keep);
    });
  });
  it('max and min', () => {
    on(backend, () => {
      expectClose(max(x(), 0), RED.max0);
      expectClose(max(x(), 1), RED.max1);
      expectClose(max(x(), 2), RED.max2);
      expectClose(max(x(), [0, 2]), RED.max02);
      expectClose(max(x()), RED.max_all);
      expectClose(min(x(), 0), RED.min0);
      expectClose(min(x(), 1), RED.min1);
      expectClose(min(x(), 2), RED.min2);
      expectClose(min(x(), [0, 1]), RED.min01);
      expectClose(min(x()), RED.min_all);
    });
  });
  it('argmax returns int32 indices, the first one on ties', () => {
    on(backend, () => {
      expect(argmax(x(), 0).dtype).toBe('int32');
      expect(argmax(x(), 0).toArray()).toEqual(RED.argmax0);
      expect(argmax(x(), 1).toArray()).toEqual(RED.argmax1);
      expect(argmax(x(), -1).toArray()).toEqual(RED.argmax2);
      expect(
        argmax(
          tensor([
            [1, 3, 3],
            [2, 2, 1],
          ]),
        ).toArray(),
      ).toEqual([1, 0]);
    });
  });
  it('int32 reductions stay int32 and handle all-negative and all-positive values', () => {
    on(backend, () => {
      const i = tensor(
        [
          [-3, -5],
          [-7, -1],
        ],
        undefined,
        'int32',
      );
      expect(sum(i).dtype).toBe('int32');
      expect(sum(i).toArray()).toEqual(-16);
      expect(max(i, 1).toArray()).toEqual([-3, -1]);
      expect(min(tensor([3, 5], undefined, 'int32')).toArray()).toEqual(3);
      expect(mean(i).dtype).toBe('float32');
      expect(mean(i).toArray()).toEqual(-4);
    });
  });
  it('max and min propagate NaN', () => {
    on(backend, () => {
      expect(max(tensor([1, NaN, 2])).item()).toBeNaN();
      expect(min(tensor([[1, NaN, 2]]), [0, 1]).item()).toBeNaN();
    });
  });
  it('names the op for an axis out of range', () => {
    on(backend, () => {
      expect(() => sum(x(), 3)).toThrow('sum: axis 3 is out of range for a rank-3 tensor');
      expect(() => argmax(x(), -4)).toThrow('argmax: axis -4 is out of range');
    });
  });
});

describe('reduction gradients (float64 central differences)', () => {
  const s = { shape: [2, 3, 4] };
  it('sum and mean over single, multiple and all axes, with keepDims', () => {
    checkGradients((x) => sum(x, 1), [s]);
    checkGradients((x) => sum(x, [0, 2]), [s]);
    checkGradients((x) => sum(x), [s]);
    checkGradients((x) => mean(x, -1, true), [s]);
    checkGradients((x) => mean(x, [0, 2], true), [s]);
  });
  it('max and min (distinct values)', () => {
    checkGradients((x) => max(x, 1), [s]);
    checkGradients((x) => min(x, [0, 2]), [s]);
    checkGradients((x) => max(x), [s]);
  });
  it('max shares the gradient equally between two tied maxima', () => {
    // At a two-way tie, the central difference is (1 + 0) / 2 per tied entry: the equal split.
    checkGradients((x) => max(x, 1), [{ shape: [2, 3], values: [0.5, 0.5, -1, 0.2, 0.9, 0.9] }]);
    checkGradients((x) => min(x), [{ shape: [4], values: [-0.5, 0.3, -0.5, 0.1] }]);
  });
});

forEachBackend('reduction gradients match the float64 reference', (backend) => {
  it('sum, mean and max', () => {
    expectGradientsMatchReference(backend, (x) => sum(x, [0, 2]), [{ shape: [2, 3, 4] }]);
    expectGradientsMatchReference(backend, (x) => mean(x, 1), [{ shape: [2, 3, 4] }]);
    expectGradientsMatchReference(backend, (x) => max(x, -1), [{ shape: [2, 3, 4] }]);
  });
});

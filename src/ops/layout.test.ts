import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, expectGradientsMatchReference } from '../test-utils/gradcheck.js';
import {
  broadcastTo,
  concat,
  expandDims,
  gather,
  mul,
  pad,
  reshape,
  scatterAdd,
  slice,
  squeeze,
  stack,
  tensor,
  transpose,
} from './index.js';

// golden: NumPy output of
//   x = np.arange(24).reshape(2, 3, 4)
//   y = np.arange(120).reshape(2, 3, 4, 5)
//   golden = dict(x=x, y=y, t2=x[0].T, t201=x.transpose(2, 0, 1), t102=x.transpose(1, 0, 2),
//     t0231=y.transpose(0, 2, 3, 1), t3120=y.transpose(3, 1, 2, 0), reshape=x.reshape(4, -1),
//     slice=x[1:2, 0:3:1, 1:3], slice_end=x[:, 1:, 2:],
//     pad=np.pad(x[0], ((1, 0), (2, 1)), constant_values=-1),
//     pad3=np.pad(x, ((0, 1), (1, 0), (0, 0)), constant_values=0),
//     broadcast=np.broadcast_to(np.array([[1], [2], [3]]), (2, 3, 4)))
// biome-ignore format: golden values
const LAYOUT = {
  x: [[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]],
  y: [[[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]], [[20, 21, 22, 23, 24], [25, 26, 27, 28, 29], [30, 31, 32, 33, 34], [35, 36, 37, 38, 39]], [[40, 41, 42, 43, 44], [45, 46, 47, 48, 49], [50, 51, 52, 53, 54], [55, 56, 57, 58, 59]]], [[[60, 61, 62, 63, 64], [65, 66, 67, 68, 69], [70, 71, 72, 73, 74], [75, 76, 77, 78, 79]], [[80, 81, 82, 83, 84], [85, 86, 87, 88, 89], [90, 91, 92, 93, 94], [95, 96, 97, 98, 99]], [[100, 101, 102, 103, 104], [105, 106, 107, 108, 109], [110, 111, 112, 113, 114], [115, 116, 117, 118, 119]]]],
  t2: [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]],
  t201: [[[0, 4, 8], [12, 16, 20]], [[1, 5, 9], [13, 17, 21]], [[2, 6, 10], [14, 18, 22]], [[3, 7, 11], [15, 19, 23]]],
  t102: [[[0, 1, 2, 3], [12, 13, 14, 15]], [[4, 5, 6, 7], [16, 17, 18, 19]], [[8, 9, 10, 11], [20, 21, 22, 23]]],
  t0231: [[[[0, 20, 40], [1, 21, 41], [2, 22, 42], [3, 23, 43], [4, 24, 44]], [[5, 25, 45], [6, 26, 46], [7, 27, 47], [8, 28, 48], [9, 29, 49]], [[10, 30, 50], [11, 31, 51], [12, 32, 52], [13, 33, 53], [14, 34, 54]], [[15, 35, 55], [16, 36, 56], [17, 37, 57], [18, 38, 58], [19, 39, 59]]], [[[60, 80, 100], [61, 81, 101], [62, 82, 102], [63, 83, 103], [64, 84, 104]], [[65, 85, 105], [66, 86, 106], [67, 87, 107], [68, 88, 108], [69, 89, 109]], [[70, 90, 110], [71, 91, 111], [72, 92, 112], [73, 93, 113], [74, 94, 114]], [[75, 95, 115], [76, 96, 116], [77, 97, 117], [78, 98, 118], [79, 99, 119]]]],
  t3120: [[[[0, 60], [5, 65], [10, 70], [15, 75]], [[20, 80], [25, 85], [30, 90], [35, 95]], [[40, 100], [45, 105], [50, 110], [55, 115]]], [[[1, 61], [6, 66], [11, 71], [16, 76]], [[21, 81], [26, 86], [31, 91], [36, 96]], [[41, 101], [46, 106], [51, 111], [56, 116]]], [[[2, 62], [7, 67], [12, 72], [17, 77]], [[22, 82], [27, 87], [32, 92], [37, 97]], [[42, 102], [47, 107], [52, 112], [57, 117]]], [[[3, 63], [8, 68], [13, 73], [18, 78]], [[23, 83], [28, 88], [33, 93], [38, 98]], [[43, 103], [48, 108], [53, 113], [58, 118]]], [[[4, 64], [9, 69], [14, 74], [19, 79]], [[24, 84], [29, 89], [34, 94], [39, 99]], [[44, 104], [49, 109], [54, 114], [59, 119]]]],
  reshape: [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17], [18, 19, 20, 21, 22, 23]],
  slice: [[[13, 14], [17, 18], [21, 22]]],
  slice_end: [[[6, 7], [10, 11]], [[18, 19], [22, 23]]],
  pad: [[-1, -1, -1, -1, -1, -1, -1], [-1, -1, 0, 1, 2, 3, -1], [-1, -1, 4, 5, 6, 7, -1], [-1, -1, 8, 9, 10, 11, -1]],
  pad3: [[[0, 0, 0, 0], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[0, 0, 0, 0], [12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]], [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]],
  broadcast: [[[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], [[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]]],
};

// golden: NumPy output of
//   a = np.arange(6).reshape(2, 3)
//   b = np.arange(6, 10).reshape(2, 2) * 10
//   c = np.arange(3).reshape(1, 3) - 5
//   e = np.array([7, 8]).reshape(2, 1)
//   golden = dict(a=a, b=b, c=c, e=e, cat0=np.concatenate([a, c, c], 0),
//     cat1=np.concatenate([a, b, e], 1), cat_last=np.concatenate([a, e], -1),
//     stack0=np.stack([a, a * 2, a * 3], 0), stack1=np.stack([a, a * 2], 1), stack_last=np.stack([a, a * 2], -1))
// biome-ignore format: golden values
const JOIN = {
  a: [[0, 1, 2], [3, 4, 5]],
  b: [[60, 70], [80, 90]],
  c: [[-5, -4, -3]],
  e: [[7], [8]],
  cat0: [[0, 1, 2], [3, 4, 5], [-5, -4, -3], [-5, -4, -3]],
  cat1: [[0, 1, 2, 60, 70, 7], [3, 4, 5, 80, 90, 8]],
  cat_last: [[0, 1, 2, 7], [3, 4, 5, 8]],
  stack0: [[[0, 1, 2], [3, 4, 5]], [[0, 2, 4], [6, 8, 10]], [[0, 3, 6], [9, 12, 15]]],
  stack1: [[[0, 1, 2], [0, 2, 4]], [[3, 4, 5], [6, 8, 10]]],
  stack_last: [[[0, 0], [1, 2], [2, 4]], [[3, 6], [4, 8], [5, 10]]],
};

// golden: NumPy output of
//   x = np.arange(12).reshape(4, 3) / 2
//   i = np.array([[3, 0], [1, 3]])
//   j = np.array([2, 0, 2])
//   u = np.arange(12).reshape(2, 2, 3) + 1.0
//   s = np.zeros((4, 3)); np.add.at(s, i, u)
//   golden = dict(x=x, i=i, j=j, u=u, g0=np.take(x, i, axis=0), g1=np.take(x, j, axis=1),
//     g1m=np.take(x, np.array([[2], [0]]), axis=1), scatter=s)
// biome-ignore format: golden values
const GATHER = {
  x: [[0, 0.5, 1], [1.5, 2, 2.5], [3, 3.5, 4], [4.5, 5, 5.5]],
  i: [[3, 0], [1, 3]],
  j: [2, 0, 2],
  u: [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]],
  g0: [[[4.5, 5, 5.5], [0, 0.5, 1]], [[1.5, 2, 2.5], [4.5, 5, 5.5]]],
  g1: [[1, 0, 1], [2.5, 1.5, 2.5], [4, 3, 4], [5.5, 4.5, 5.5]],
  g1m: [[[1], [0]], [[2.5], [1.5]], [[4], [3]], [[5.5], [4.5]]],
  scatter: [[4, 5, 6], [7, 8, 9], [0, 0, 0], [11, 13, 15]],
};

forEachBackend('reshape, transpose, expandDims, squeeze, broadcastTo', (backend) => {
  const x = () => tensor(LAYOUT.x);
  it('reshape infers -1 and shares storage', () => {
    on(backend, () => {
      const t = x();
      const r = reshape(t, [4, -1]);
      expect(r.toArray()).toEqual(LAYOUT.reshape);
      expect(r.ref).toBe(t.ref);
    });
  });
  it('transpose matches numpy for 2-D, 3-D and 4-D perms', () => {
    on(backend, () => {
      expect(transpose(tensor(LAYOUT.x[0]!)).toArray()).toEqual(LAYOUT.t2);
      expect(transpose(x(), [2, 0, 1]).toArray()).toEqual(LAYOUT.t201);
      expect(transpose(x(), [1, 0, 2]).toArray()).toEqual(LAYOUT.t102);
      expect(transpose(tensor(LAYOUT.y), [0, 2, 3, 1]).toArray()).toEqual(LAYOUT.t0231);
      expect(transpose(tensor(LAYOUT.y), [3, 1, -2, 0]).toArray()).toEqual(LAYOUT.t3120);
      expect(transpose(x(), [0, 1, 2]).toArray()).toEqual(LAYOUT.x);
    });
  });
  it('expandDims counts negative axes from the end of the result, as numpy', () => {
    on(backend, () => {
      expect(expandDims(x(), 0).shape).toEqual([1, 2, 3, 4]);
      expect(expandDims(x(), 1).shape).toEqual([2, 1, 3, 4]);
      expect(expandDims(x(), 3).shape).toEqual([2, 3, 4, 1]);
      expect(expandDims(x(), -1).shape).toEqual([2, 3, 4, 1]);
      expect(expandDims(x(), -2).shape).toEqual([2, 3, 1, 4]);
      expect(expandDims(x(), -4).shape).toEqual([1, 2, 3, 4]);
    });
  });
  it('squeeze drops size-1 dims (all, or the ones named)', () => {
    on(backend, () => {
      const t = tensor([1, 2, 3], [1, 3, 1]);
      expect(squeeze(t).shape).toEqual([3]);
      expect(squeeze(t, [-1]).shape).toEqual([1, 3]);
      expect(() => squeeze(t, [1])).toThrow('squeeze [1,3,1]: dim 1 is not 1');
    });
  });
  it('broadcastTo materialises numpy broadcasting', () => {
    on(backend, () => {
      expect(broadcastTo(tensor([[1], [2], [3]]), [2, 3, 4]).toArray()).toEqual(LAYOUT.broadcast);
      expect(() => broadcastTo(tensor([1, 2]), [3, 3])).toThrow('broadcastTo [2] · [3,3]');
    });
  });
  it('reshape names the op and both shapes on a size mismatch', () => {
    on(backend, () => {
      expect(() => reshape(x(), [5, 5])).toThrow('reshape [2,3,4] · [5,5]: sizes differ (24 vs 25 elements)');
      expect(() => reshape(x(), [5, -1])).toThrow('reshape [2,3,4] · [5,-1]: cannot infer -1');
      expect(() => reshape(x(), [-1, -1])).toThrow('only one dimension may be -1');
      expect(() => reshape(x(), [-2, -12])).toThrow(
        'dimensions must be non-negative integers or a single -1',
      );
    });
  });
});

forEachBackend('slice, pad, concat, stack', (backend) => {
  const x = () => tensor(LAYOUT.x);
  it('slice takes a block; size -1 runs to the end', () => {
    on(backend, () => {
      expect(slice(x(), [1, 0, 1], [1, 3, 2]).toArray()).toEqual(LAYOUT.slice);
      expect(slice(x(), [0, 1, 2], [-1, -1, -1]).toArray()).toEqual(LAYOUT.slice_end);
      expect(slice(x(), [0, 1, 2]).toArray()).toEqual(LAYOUT.slice_end);
    });
  });
  it('slice out of bounds names the op, the shapes and the dim', () => {
    on(backend, () => {
      expect(() => slice(x(), [0, 2, 0], [1, 2, 4])).toThrow(
        'slice [2,3,4] · [0,2,0] · [1,2,4]: dim 1: [2, 4) is outside 0..3',
      );
      expect(() => slice(x(), [0, 0], [1, 1])).toThrow(
        'slice [2,3,4] · [0,0] · [1,1]: begin and size need one entry per dim',
      );
    });
  });
  it('pad adds constant borders', () => {
    on(backend, () => {
      expect(
        pad(
          tensor(LAYOUT.x[0]!),
          [
            [1, 0],
            [2, 1],
          ],
          -1,
        ).toArray(),
      ).toEqual(LAYOUT.pad);
      expect(
        pad(x(), [
          [0, 1],
          [1, 0],
          [0, 0],
        ]).toArray(),
      ).toEqual(LAYOUT.pad3);
      expect(() => pad(x(), [[0, 1]])).toThrow(
        'pad [2,3,4]: paddings need one non-negative [before, after] pair per dim',
      );
    });
  });
  it('concat along axis 0, 1 and -1, with three inputs', () => {
    on(backend, () => {
      const [a, b, c, e] = [tensor(JOIN.a), tensor(JOIN.b), tensor(JOIN.c), tensor(JOIN.e)];
      expect(concat([a, c, c], 0).toArray()).toEqual(JOIN.cat0);
      expect(concat([a, b, e], 1).toArray()).toEqual(JOIN.cat1);
      expect(concat([a, e], -1).toArray()).toEqual(JOIN.cat_last);
    });
  });
  it('concat promotes int32 + float32 and names the op and shapes on a mismatch', () => {
    on(backend, () => {
      const mixed = concat([tensor([1], undefined, 'int32'), tensor([0.5])]);
      expect(mixed.dtype).toBe('float32');
      expect(mixed.toArray()).toEqual([1, 0.5]);
      expect(() => concat([tensor(JOIN.a), tensor(JOIN.b)], 0)).toThrow(
        'concat [2,3] · [2,2]: shapes differ outside axis 0',
      );
    });
  });
  it('stack along a new first, middle and last axis', () => {
    on(backend, () => {
      const a = tensor(JOIN.a);
      expect(stack([a, mul(a, 2), mul(a, 3)], 0).toArray()).toEqual(JOIN.stack0);
      expect(stack([a, mul(a, 2)], 1).toArray()).toEqual(JOIN.stack1);
      expect(stack([a, mul(a, 2)], -1).toArray()).toEqual(JOIN.stack_last);
      expect(() => stack([a, tensor(JOIN.b)])).toThrow('stack [2,3] · [2,2]: shapes differ');
    });
  });
});

forEachBackend('gather and scatterAdd', (backend) => {
  const x = () => tensor(GATHER.x);
  const idx = (v: number[][] | number[]) => tensor(v, undefined, 'int32');
  it('gather along axis 0 and 1, with multi-dim indices', () => {
    on(backend, () => {
      expectClose(gather(x(), idx(GATHER.i), 0), GATHER.g0);
      expectClose(gather(x(), idx(GATHER.j), 1), GATHER.g1);
      expectClose(gather(x(), idx([[2], [0]]), 1), GATHER.g1m);
      expectClose(gather(x(), GATHER.j, 1), GATHER.g1);
    });
  });
  it('scatterAdd adds repeated indices, like np.add.at', () => {
    on(backend, () => expectClose(scatterAdd(tensor(GATHER.u), idx(GATHER.i), 0, [4, 3]), GATHER.scatter));
  });
  it('out-of-range and non-int32 indices are clear errors', () => {
    on(backend, () => {
      expect(() => gather(x(), idx([0, 4]), 0)).toThrow(
        'gather [4,3] · [2]: index 4 at position 1 is out of range 0..3',
      );
      expect(() => gather(x(), idx([-1]), 1)).toThrow(
        'gather [4,3] · [1]: index -1 at position 0 is out of range 0..2',
      );
      expect(() => gather(x(), tensor([0, 1]), 0)).toThrow('gather: indices must be int32, got float32');
      expect(() => scatterAdd(tensor([1, 2]), idx([0, 3]), 0, [3])).toThrow('scatterAdd [3] · [2]: index 3');
      expect(() => scatterAdd(tensor([1, 2, 3]), idx([0, 1]), 0, [3])).toThrow('updates must have shape [2]');
    });
  });
  it('reports the first bad index wherever it lies (in a block of four, in the tail, several bad)', () => {
    on(backend, () => {
      // 37 indices: nine blocks of four and a tail of one, so both the vector and scalar scans run.
      const at = (pos: number[], value: number) =>
        Array.from({ length: 37 }, (_, i) => (pos.includes(i) ? value : i % 4));
      for (const [pos, value] of [
        [[0], -1],
        [[3], 4],
        [[5, 2], 2147483647],
        [[35], -2147483648],
        [[36], 4],
        [[20, 21, 22, 23], 9],
      ] as [number[], number][]) {
        const first = Math.min(...pos);
        expect(() => gather(x(), idx(at(pos, value)), 0)).toThrow(
          `index ${value} at position ${first} is out`,
        );
      }
      expect(gather(x(), idx(at([], 0)), 0).shape).toEqual([37, 3]);
      expect(gather(x(), idx([]), 0).shape).toEqual([0, 3]);
    });
  });
});

describe('layout gradients (float64 central differences)', () => {
  it('reshape, transpose (2-D, 3-D, 4-D), expandDims, squeeze, broadcastTo', () => {
    checkGradients((x) => reshape(x, [4, -1]), [{ shape: [2, 3, 2] }]);
    checkGradients((x) => transpose(x), [{ shape: [3, 4] }]);
    checkGradients((x) => transpose(x, [2, 0, 1]), [{ shape: [2, 3, 4] }]);
    checkGradients((x) => transpose(x, [0, 2, 3, 1]), [{ shape: [2, 1, 3, 2] }]);
    checkGradients((x) => squeeze(expandDims(x, -1), [0]), [{ shape: [1, 3] }]);
    checkGradients((x) => broadcastTo(x, [2, 3, 4]), [{ shape: [3, 1] }]);
  });
  it('slice, pad, concat and stack', () => {
    checkGradients((x) => slice(x, [1, 0, 1], [1, 3, 2]), [{ shape: [2, 3, 4] }]);
    checkGradients(
      (x) =>
        pad(
          x,
          [
            [1, 0],
            [2, 1],
          ],
          0.5,
        ),
      [{ shape: [2, 3] }],
    );
    checkGradients(
      (a, b, c) => concat([a, b, c], 1),
      [{ shape: [2, 3] }, { shape: [2, 1] }, { shape: [2, 2] }],
    );
    checkGradients((a, b) => concat([a, b], 0), [{ shape: [1, 3] }, { shape: [2, 3] }]);
    checkGradients((a, b) => stack([a, b], -1), [{ shape: [2, 3] }, { shape: [2, 3] }]);
  });
  it('gather with repeated indices accumulates; scatterAdd is its adjoint', () => {
    const i = { shape: [2, 2], dtype: 'int32' as const, values: [3, 0, 3, 3] };
    checkGradients((x, idx) => gather(x, idx, 0), [{ shape: [4, 3] }, i]);
    checkGradients((x, idx) => gather(x, idx, 1), [{ shape: [2, 4] }, i]);
    checkGradients((u, idx) => scatterAdd(u, idx, 0, [4, 3]), [{ shape: [2, 2, 3] }, i]);
  });
});

forEachBackend('layout gradients match the float64 reference', (backend) => {
  it('transpose, slice, concat and gather', () => {
    expectGradientsMatchReference(backend, (x) => transpose(x, [2, 0, 1]), [{ shape: [2, 3, 4] }]);
    expectGradientsMatchReference(backend, (x) => slice(x, [0, 1], [2, 2]), [{ shape: [3, 4] }]);
    expectGradientsMatchReference(backend, (a, b) => concat([a, b], -1), [
      { shape: [2, 3] },
      { shape: [2, 2] },
    ]);
    const i = { shape: [3], dtype: 'int32' as const, values: [1, 1, 0] };
    expectGradientsMatchReference(backend, (x, idx) => gather(x, idx), [{ shape: [2, 3] }, i]);
  });
});

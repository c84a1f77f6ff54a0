import { expect, it } from 'vitest';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { fill, ones, onesLike, range, tensor, zeros, zerosLike } from './index.js';

// golden: NumPy output of
//   golden = dict(r5=np.arange(0, 5), r_step=np.arange(1, 10, 3), r_neg=np.arange(5, 0, -2),
//     r_float=np.arange(0, 1, 0.25), r_empty=np.arange(3, 1))
// biome-ignore format: golden values
const RANGE = {
  r5: [0, 1, 2, 3, 4],
  r_step: [1, 4, 7],
  r_neg: [5, 3, 1],
  r_float: [0, 0.25, 0.5, 0.75],
  r_empty: [],
};

forEachBackend('creation', (backend) => {
  it('fill, zeros, ones and their -Like forms', () => {
    on(backend, () => {
      expect(fill([2, 2], 7).toArray()).toEqual([
        [7, 7],
        [7, 7],
      ]);
      expect(zeros([3]).toArray()).toEqual([0, 0, 0]);
      expect(ones([2], 'int32').dtype).toBe('int32');
      expect(ones([]).item()).toBe(1);
      expect(zeros([2, 0]).shape).toEqual([2, 0]);
      const i = tensor([[1, 2]], undefined, 'int32');
      expect(zerosLike(i).dtype).toBe('int32');
      expect(zerosLike(i).shape).toEqual([1, 2]);
      expect(onesLike(tensor([5, 6])).toArray()).toEqual([1, 1]);
    });
  });
  it('range matches numpy.arange; int32 when every argument is an integer', () => {
    on(backend, () => {
      expect(range(0, 5).toArray()).toEqual(RANGE.r5);
      expect(range(0, 5).dtype).toBe('int32');
      expect(range(1, 10, 3).toArray()).toEqual(RANGE.r_step);
      expect(range(5, 0, -2).toArray()).toEqual(RANGE.r_neg);
      expectClose(range(0, 1, 0.25), RANGE.r_float);
      expect(range(0, 1, 0.25).dtype).toBe('float32');
      expect(range(3, 1).toArray()).toEqual(RANGE.r_empty);
    });
  });
  it('bad arguments name the op', () => {
    on(backend, () => {
      expect(() => range(0, 1, 0)).toThrow('range: step must not be 0');
      expect(() => fill([2, -1], 0)).toThrow('fill [2,-1]: dimensions must be non-negative integers');
      expect(() => zeros([1.5])).toThrow('fill [1.5]: dimensions must be non-negative integers');
    });
  });
});
